import MemoryModel

/// Compiles device tree source with the system's `dtc`, within limits: source is input too, and
/// `/incbin/("/dev/zero")` would make dtc read forever (`/incbin/` can name any file dtmem can
/// read). A run past a limit is stopped and said to be. Source that uses the C preprocessor
/// (`#include`, `#define`, …) goes through `cpp` first, as the kernel's build does
/// (`DeviceTreePreprocessor`).
enum DeviceTreeCompiler {
  static let standardLimits = Subprocess.Limits(seconds: 20, outputBytes: 64 << 20, memoryBytes: 1 << 30)

  /// `symbols`: `dtc -@`, so the blob has `/__symbols__` (labels an overlay can refer to) and an
  /// overlay's own labels reach the base's `__symbols__` when applied. `includeDirectories`: the
  /// `-I DIR` folders, searched (after the source's own folder) by `#include` and `/include/`.
  static func compile(
    _ source: [UInt8], name: String, path: String?, symbols: Bool = false, includeDirectories: [String] = [],
    limits: Subprocess.Limits = standardLimits
  ) throws(CLIError) -> [UInt8] {
    var file = path
    var scratch: TemporaryFolder? = nil
    defer { scratch?.remove() }
    if file == nil {
      let folder = try TemporaryFolder()
      scratch = folder
      file = try folder.write(source, named: "stdin.dts")
    }
    var searched = includeDirectories
    if let path { searched.insert(DeviceTreePreprocessor.folder(of: path), at: 0) }
    if DeviceTreePreprocessor.isNeeded(source) {
      let folder: TemporaryFolder
      if let scratch { folder = scratch } else { folder = try TemporaryFolder() }
      scratch = folder
      let preprocessed = try DeviceTreePreprocessor.run(
        file: file!, name: name, includeDirectories: searched, limits: limits)
      file = try folder.write(preprocessed, named: "preprocessed.dts")
    }
    let arguments =
      ["dtc", "-q"] + (symbols ? ["-@"] : []) + searched.flatMap { ["-i", $0] }
      + ["-I", "dts", "-O", "dtb", "-o", "-", file!]
    guard let output = Subprocess.run(arguments, limits: limits) else {
      throw CLIError(
        name,
        "is device tree source, and compiling it needs dtc, which is not installed "
          + "(apt-get install device-tree-compiler), or give a .dtb")
    }
    try Self.check(output, program: "dtc", what: "a compiled blob", reads: "an /incbin/", name: name, limits: limits)
    guard output.status == 0, !output.standardOutput.isEmpty else {
      let message = Self.firstError(output) ?? "exit status \(output.status)"
      // dtc reports a failed allocation as "FATAL ERROR: realloc() failed …".
      let memory =
        message.contains("alloc")
        ? " (dtmem's \(ByteCount.human(UInt64(limits.memoryBytes))) memory limit for dtc; an /incbin/ of a large or "
          + "endless file?)"
        : ""
      throw CLIError(name, "dtc could not compile it: \(message)\(memory)")
    }
    return output.standardOutput
  }

  /// A stop at dtmem's time or size limit as the error that says which (`program`: dtc or cpp;
  /// `what`: what it writes; `reads`: how the source makes it read another file).
  static func check(
    _ output: Subprocess.Output, program: String, what: String, reads: String, name: String,
    limits: Subprocess.Limits
  ) throws(CLIError) {
    switch output.stopped {
    case .timeLimit:
      throw CLIError(
        name,
        "\(program) did not finish within \(limits.seconds) s (dtmem's time limit for \(program); \(reads) of a "
          + "device or an endless file?); stopped it")
    case .outputLimit:
      throw CLIError(
        name,
        "\(program) wrote more than \(ByteCount.human(UInt64(limits.outputBytes))) (dtmem's size limit for "
          + "\(what); \(reads) of a large file?); stopped it")
    case nil:
      break
    }
  }

  /// The first line of standard error that says "error", if any.
  static func firstError(_ output: Subprocess.Output) -> String? {
    String(decoding: output.standardError, as: UTF8.self)
      .split(separator: "\n").first { $0.lowercased().contains("error") }.map(String.init)
  }
}
