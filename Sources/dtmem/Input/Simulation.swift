import BootModel
import Firmware
import MemoryModel

/// Glue from an input and the boot options to the boot model that applies: arm64 for device
/// trees, x86 for firmware tables, unless `--arch` says otherwise.
enum Simulation {
  struct Outcome {
    var result: BootResult
    /// The command line the model used, and where it came from.
    var commandLine: String
    var commandLineSource: String
  }

  static func run(_ input: LoadedInput, _ options: BootOptions) throws(CLIError) -> Outcome {
    switch input {
    case .deviceTree(let tree):
      let architecture = try options.architecture(default: .arm64)
      switch architecture {
      case .arm64: return try arm64(tree, options)
      case .x86: throw CLIError("--arch x86", "simulating a device tree on x86 is not supported yet")
      }
    case .firmwareTable(let table):
      let architecture = try options.architecture(default: .x86)
      switch architecture {
      case .x86: throw CLIError(table.name, "the x86 model is not available yet")
      case .arm64: throw CLIError("--arch arm64", "simulating an e820 table on arm64 is not supported yet")
      }
    }
  }

  static func arm64(_ input: DeviceTreeInput, _ options: BootOptions) throws(CLIError) -> Outcome {
    let (text, source) = commandLine(options, board: input.board)
    let banks = try options.memoryBanks()
    let configuration = Arm64BootConfiguration(
      board: input.board, commandLine: KernelCommandLine(text), commandLineSource: source,
      loaderReservations: try options.reservations().map { LoaderReservation(range: $0.range, label: $0.label) },
      pageSize: try options.pageSize(), memoryOverride: banks.isEmpty ? nil : banks.map(\.range))
    do {
      return Outcome(result: try Arm64Boot.simulate(configuration), commandLine: text, commandLineSource: source)
    } catch {
      throw CLIError(input.name, error.description)
    }
  }

  /// A predicted kernel stop as the one-line error every command reports (exit status 2).
  static func panicError(_ outcome: Outcome, input: String) -> CLIError? {
    guard let panic = outcome.result.panic else { return nil }
    let why = outcome.result.diagnostics.last { $0.severity == .error }?.message
    return CLIError(input, "the kernel stops: \"\(panic)\"" + (why.map { " — \($0)" } ?? ""))
  }

  /// `--cmdline`, else `/chosen/bootargs`, else empty.
  static func commandLine(_ options: BootOptions, board: BoardMemory?) -> (String, String) {
    if let given = options.commandLine { return (given, "--cmdline") }
    if let chosen = board?.chosen, let bootargs = chosen.bootargs { return (bootargs, "\(chosen.path)/bootargs") }
    return ("", "no command line")
  }
}
