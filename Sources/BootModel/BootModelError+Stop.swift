extension BootModelError {
  /// A result's `panic` as an error: `.kernelBug` for a `kernel BUG at …` line, `.kernelPanic`
  /// otherwise (the text after `Kernel panic - not syncing: `); nil when the boot did not stop.
  public static func stop(_ result: BootResult) -> BootModelError? {
    guard let words = result.panic else { return nil }
    return words.hasPrefix("kernel BUG at ") ? .kernelBug(words) : .kernelPanic(words)
  }
}
