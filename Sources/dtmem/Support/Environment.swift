/// What a command reads from outside its arguments: files by path, standard input for `-`, and
/// whether a progress line may be drawn. The process uses the real ones (`process`); tests run
/// commands in process with their own standard input.
struct Environment: Sendable {
  /// The whole of standard input (read when a command first asks for `-`).
  var standardInput: @Sendable () throws(CLIError) -> [UInt8]
  /// Whether long runs may draw a progress line on standard error (a terminal).
  var showsProgress: Bool

  static let process = Environment(
    standardInput: { () throws(CLIError) -> [UInt8] in try FileIO.readAll(fd: 0, name: "<stdin>") },
    showsProgress: FileIO.standardErrorIsTerminal)

  /// For running a command in process: `input` is its standard input.
  static func testing(standardInput input: [UInt8] = []) -> Environment {
    Environment(standardInput: { () throws(CLIError) -> [UInt8] in input }, showsProgress: false)
  }

  /// The content of `path`; `-` is standard input.
  func read(_ path: String) throws(CLIError) -> [UInt8] {
    path == "-" ? try standardInput() : try FileIO.read(path)
  }
}
