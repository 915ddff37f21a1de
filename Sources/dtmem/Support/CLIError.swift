/// A failure that stops a command: printed once as `dtmem: error: WHAT: WHY`, exit status 2.
struct CLIError: Error, CustomStringConvertible {
  /// The file, option or parameter that could not be used.
  var what: String
  /// Why, in one line.
  var why: String

  init(_ what: String, _ why: String) {
    self.what = what
    self.why = why
  }

  var description: String { "\(what): \(why)" }
}
