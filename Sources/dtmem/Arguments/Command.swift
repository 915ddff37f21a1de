/// A dtmem subcommand: what it accepts, how it reads it, what it does.
protocol Command {
  static var spec: CommandSpec { get }
  /// Reads the parsed arguments; option values that make no sense are errors here.
  init(_ arguments: ParsedArguments) throws(CLIError)
  /// Does the work; returns the exit status (0 success, 1 for validate/diff findings).
  func run() throws(CLIError) -> Int32
}
