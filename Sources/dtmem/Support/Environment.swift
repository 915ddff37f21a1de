/// What a command reads from outside its arguments: files by path, standard input for `-`, and
/// whether a progress line may be drawn. The process uses the real ones (`process`); tests run
/// commands in process with their own standard input.
struct Environment: Sendable {
  /// The whole of standard input (read when a command first asks for `-`).
  var standardInput: @Sendable () throws(CLIError) -> [UInt8]
  /// Whether long runs may draw a progress line on standard error (a terminal).
  var showsProgress: Bool
  /// The terminal standard output goes to, if it does (`--format map` sizes and colours to it).
  var terminal: Terminal? = nil
  /// The `-I DIR` folders device tree source is preprocessed and compiled with (`SourceOptions`).
  var includeDirectories: [String] = []
  /// Whether a loaded input and a boot's outcome are kept to the end of the process rather than
  /// freed object by object when the command returns (a 150 KB blob's board, its hundreds of
  /// strings and arrays, and the blob's own buffer: ~17K instructions; a boot's steps, events and
  /// reservations: ~15K). Only `DTMem.main` sets it, whose process exits after one command; in
  /// process (tests) they are freed as usual.
  var keepsInputsUntilExit = false

  /// What `keepUntilExit(_:)` keeps.
  enum Kept {
    case input(LoadedInput)
    case outcome(Simulation.Outcome)
  }

  /// Keeps `value` to the end of the process when `keepsInputsUntilExit` says so.
  func keepUntilExit(_ value: Kept) {
    if keepsInputsUntilExit { _ = Unmanaged.passRetained(KeptBox(value)) }
  }

  /// The box that holds a kept value: a class of its own (static metadata, nothing instantiated
  /// at run time).
  private final class KeptBox {
    let value: Kept
    init(_ value: Kept) { self.value = value }
  }

  static let process = Environment(
    standardInput: { () throws(CLIError) -> [UInt8] in try FileIO.readAll(fd: 0, name: "<stdin>") },
    showsProgress: FileIO.standardErrorIsTerminal, terminal: Terminal.standardOutput)

  /// For running a command in process: `input` is its standard input; `terminal` what standard
  /// output pretends to be.
  static func testing(standardInput input: [UInt8] = [], terminal: Terminal? = nil) -> Environment {
    Environment(standardInput: { () throws(CLIError) -> [UInt8] in input }, showsProgress: false, terminal: terminal)
  }

  /// The content of `path`; `-` is standard input.
  func read(_ path: String) throws(CLIError) -> [UInt8] {
    path == "-" ? try standardInput() : try FileIO.read(path)
  }
}
