/// What a command produced: standard output, standard error, the files it writes, and its exit
/// status. Commands build this value and never write themselves, so they can be run and checked
/// in process; `perform()` writes it out at the edge of the process.
struct CommandOutput {
  /// A file a command writes, atomically.
  enum File {
    case bytes([UInt8], path: String)
    /// A directory of small files (relative path, contents), e.g. a `/sys/firmware/memmap` tree.
    case directory([(path: String, contents: String)], path: String)

    var path: String {
      switch self {
      case .bytes(_, let path), .directory(_, let path): path
      }
    }
  }

  var standardOutput: [UInt8] = []
  var standardError = ""
  var files: [File] = []
  var status: Int32 = 0

  /// Appends text to standard output.
  mutating func print(_ text: String) { standardOutput += Array(text.utf8) }

  /// Appends a whole line (with its newline) to standard error.
  mutating func report(_ line: String) { standardError += line }

  /// `bytes` to `path` atomically; `-` is standard output.
  mutating func write(_ bytes: [UInt8], to path: String) {
    if path == "-" { standardOutput += bytes } else { files.append(.bytes(bytes, path: path)) }
  }

  mutating func writeDirectory(_ files: [(path: String, contents: String)], to path: String) {
    self.files.append(.directory(files, path: path))
  }

  /// The one error line of a failed command, `dtmem: error: WHAT: WHY`, and status 2; what the
  /// command printed before it failed is kept (`simulate` shows the steps up to a kernel stop).
  mutating func fail(_ error: CLIError) {
    report("dtmem: error: \(error.description)\n")
    status = 2
  }

  /// A command that failed before producing anything.
  static func failure(_ error: CLIError) -> CommandOutput {
    var output = CommandOutput()
    output.fail(error)
    return output
  }

  /// Writes the files, atomically, in order. What is left to print: this output, or, when a
  /// file cannot be written, only that error (status 2).
  func writingFiles() -> CommandOutput {
    for file in files {
      do {
        switch file {
        case .bytes(let bytes, let path): try FileIO.writeAtomically(bytes, to: path)
        case .directory(let entries, let path): try FileIO.writeDirectoryAtomically(entries, to: path)
        }
      } catch {
        return .failure(error)
      }
    }
    var printed = self
    printed.files = []
    return printed
  }

  /// Writes it all out — the files, then standard output and standard error — and returns the
  /// exit status.
  func perform() -> Int32 {
    let printed = writingFiles()
    FileIO.writeStandardOutput(printed.standardOutput)
    if !printed.standardError.isEmpty { FileIO.writeStandardError(printed.standardError) }
    return printed.status
  }
}
