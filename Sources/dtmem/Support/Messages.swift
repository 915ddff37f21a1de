/// Standard error for commands: notes, warnings, refusals and the error line.
///
/// Lines wait until the command ends. A command that fails (exit 2) prints its one
/// `dtmem: error: WHAT: WHY` line and nothing else, so a script reading standard error sees one
/// line, never a warning followed by the error; a command that completes prints what it said, in
/// order. Every line has its control characters escaped (`MessageText.line`).
enum Messages {
  /// The process is single-threaded: commands run one after another on the main thread.
  nonisolated(unsafe) private static var pending: [String] = []

  /// Says `line` (one message, no line break) when the command completes.
  static func say(_ line: String) { pending.append(MessageText.line(line) + "\n") }

  /// Prints what the command said (it completed, with exit status 0, 1 or a 2 it reported
  /// itself, as validate does for each unusable input).
  static func flush() {
    FileIO.writeStandardError(pending.joined())
    pending.removeAll()
  }

  /// The command failed: what it said is dropped, and `error` is the only line.
  static func fail(_ error: CLIError) {
    pending.removeAll()
    FileIO.writeStandardError(MessageText.line("dtmem: error: \(error.description)") + "\n")
  }
}
