/// What a command produced: standard output, standard error, the files it writes, and its exit
/// status. Commands build this value and never write themselves, so they can be run and checked
/// in process; `perform()` writes it out at the edge of the process.
///
/// Standard error holds whole messages, each with its control characters escaped
/// (`MessageText.line`): a node name or a JSON string from the input cannot split a message in
/// two or reach the terminal as ESC. A command that fails (exit 2 through `fail`) says exactly
/// one line, `dtmem: error: WHAT: WHY`, never a warning followed by the error.
struct CommandOutput {
  /// A file a command writes (`FileIO.write`): never one of `inputs` (by identity), `hint` ending
  /// that refusal.
  enum File {
    case bytes([UInt8], path: String, inputs: [String] = [], hint: String = "")
    /// A directory of small files (relative path, contents), e.g. a `/sys/firmware/memmap` tree.
    case directory([(path: String, contents: String)], path: String)

    var path: String {
      switch self {
      case .bytes(_, let path, _, _), .directory(_, let path): path
      }
    }
  }

  var standardOutput: [UInt8] = []
  var standardError = ""
  var files: [File] = []
  var status: Int32 = 0

  /// Appends text to standard output, control characters other than line breaks and tabs
  /// escaped (`MessageText.output`).
  mutating func print(_ text: String) { standardOutput += Array(MessageText.output(text).utf8) }

  /// Appends a picture (`PictureOutput.render`) to standard output as drawn: the terminal map's
  /// colour codes stay, and the texts from the input in it were escaped before it was drawn.
  mutating func print(picture text: String) { standardOutput += Array(text.utf8) }

  /// Says one message (no line break) on standard error.
  mutating func report(_ message: String) { standardError += MessageText.line(message) + "\n" }

  /// `bytes` to `path`, never over one of `inputs` (`FileIO.write`); `-` is standard output.
  mutating func write(_ bytes: [UInt8], to path: String, inputs: [String] = [], hint: String = "") {
    if path == "-" {
      standardOutput += bytes
    } else {
      files.append(.bytes(bytes, path: path, inputs: inputs, hint: hint))
    }
  }

  /// Text to `path` as `write` does; to standard output (`-`) as `print` does.
  mutating func write(text: String, to path: String, inputs: [String] = []) {
    if path == "-" { print(text) } else { write(Array(text.utf8), to: path, inputs: inputs) }
  }

  mutating func writeDirectory(_ files: [(path: String, contents: String)], to path: String) {
    self.files.append(.directory(files, path: path))
  }

  /// The command failed: what it said on standard error is dropped, and the error line
  /// `dtmem: error: WHAT: WHY` is the only one; status 2. Standard output is kept (`simulate`
  /// shows the steps up to a kernel stop).
  mutating func fail(_ error: CLIError) {
    standardError = ""
    report("dtmem: error: \(error.description)")
    status = 2
  }

  /// A command that failed before producing anything.
  static func failure(_ error: CLIError) -> CommandOutput {
    var output = CommandOutput()
    output.fail(error)
    return output
  }

  /// Writes the files in order. What is left to print: this output, or, when a file cannot be
  /// written, only that error (status 2).
  func writingFiles() -> CommandOutput {
    for file in files {
      do {
        switch file {
        case .bytes(let bytes, let path, let inputs, let hint):
          try FileIO.write(bytes, to: path, inputs: inputs, hint: hint)
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
