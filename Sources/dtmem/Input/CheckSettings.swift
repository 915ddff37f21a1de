import BootModel
import MemoryModel
import Validate

/// The boot options `validate` and `diff` apply to every input, parsed once, and the
/// `ValidationInput` they make of a device tree.
struct CheckSettings {
  var boot: BootOptions
  var loader: [LoaderReservation]
  var pageSize: PageSize
  var memory: [PhysicalRange]?
  var commandLineLimit: Int?

  init(_ boot: BootOptions) throws(CLIError) {
    guard try boot.architecture(default: .arm64) == .arm64 else {
      throw CLIError("--arch", "only the arm64 model checks device trees; x86 inputs are not supported yet")
    }
    self.boot = boot
    loader = try boot.loaderReservations()
    pageSize = try boot.pageSize()
    memory = try boot.memoryOverride()
    commandLineLimit = try boot.commandLineLimit()
  }

  /// Loads `path`, which must be a device tree.
  func load(_ path: String) throws(CLIError) -> DeviceTreeInput {
    let loaded = try InputLoader.load(path)
    guard case .deviceTree(let tree) = loaded else {
      throw CLIError(loaded.name, "is a firmware memory table; only device trees can be checked so far")
    }
    return tree
  }

  func input(_ tree: DeviceTreeInput) throws(CLIError) -> ValidationInput {
    let (commandLine, source) = try Simulation.commandLine(boot, board: tree.board)
    return ValidationInput(
      board: tree.board, commandLine: commandLine, commandLineSource: source, loaderReservations: loader,
      pageSize: pageSize, memoryOverride: memory, commandLineLimit: commandLineLimit)
  }

  /// The input with its boot run through the model.
  func context(_ tree: DeviceTreeInput) throws(CLIError) -> ValidationContext {
    let validationInput = try input(tree)
    do {
      return try ValidationContext(validationInput)
    } catch {
      throw CLIError(tree.name, error.description)
    }
  }
}
