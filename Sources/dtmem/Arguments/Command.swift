/// A dtmem subcommand: what it accepts, how it reads it, what it does.
protocol Command {
  /// The subcommand's name (`spec.name`), known without building the spec.
  static var name: String { get }
  static var spec: CommandSpec { get }
  /// Reads the parsed arguments; option values that make no sense are errors here.
  init(_ arguments: ParsedArguments) throws(CLIError)
  /// Does the work: what to print and write, and the exit status (0 success, 1 for
  /// validate/diff findings). A thrown error is the command's one error line, exit status 2.
  func run() throws(CLIError) -> CommandOutput
}
