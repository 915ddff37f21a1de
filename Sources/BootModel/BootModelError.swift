/// Why a boot model cannot produce a map.
public enum BootModelError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The description holds no memory at all (e.g. a blob whose memory node the bootloader fills).
  case noMemory(String)
  /// The architecture does not boot from this kind of input.
  case unsupported(String)
  /// The kernel would panic; the text is what it prints.
  case kernelPanic(String)
  /// The kernel would hit `BUG()`.
  case kernelBug(String)

  public var description: String {
    switch self {
    case .noMemory(let why), .unsupported(let why): why
    case .kernelPanic(let message): "the kernel panics: \"\(message)\""
    case .kernelBug(let message): "the kernel hits BUG(): \(message)"
    }
  }
}
