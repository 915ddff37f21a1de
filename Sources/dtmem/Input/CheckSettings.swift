import BootModel
import MemoryModel
import Validate

/// The boot options `validate`, `diff` and `apply` apply to every input, checked once, and the
/// boot request they make of a device tree.
struct CheckSettings {
  var boot: BootOptions
  /// The request for no input in particular: `request(_:)` gives it each tree.
  var template: BootRequest
  var environment: Environment

  init(_ boot: BootOptions, _ environment: Environment) throws(CLIError) {
    self.environment = environment
    guard boot.architecture(default: .arm64) == .arm64 else {
      throw CLIError("--arch", "only the arm64 model checks device trees; x86 inputs are not supported yet")
    }
    self.boot = boot
    template = boot.request(.deviceTree(BoardMemory()), architecture: .arm64)
  }

  /// Loads `path`, which must be a device tree.
  func load(_ path: String) throws(CLIError) -> DeviceTreeInput {
    let loaded = try InputLoader.load(path, environment)
    guard case .deviceTree(let tree) = loaded else {
      throw CLIError(loaded.name, "is a firmware memory table; only device trees can be checked so far")
    }
    return tree
  }

  /// The boot of `tree`: the given command line, else its own `/chosen/bootargs`.
  /// `memoryWhereMissing` (diff): `--memory` fills in only a tree that states no memory of its
  /// own, so what a bootloader added to the other one shows.
  func request(_ tree: DeviceTreeInput, memoryWhereMissing: Bool = false) -> BootRequest {
    var request = template.with(.deviceTree(tree.board))
    if memoryWhereMissing && tree.board.memoryNodes.contains(where: { $0.isAvailable && !$0.banks.isEmpty }) {
      request.memoryOverride = nil
    }
    return request
  }

  /// The input with its boot run through the model.
  func context(_ tree: DeviceTreeInput, memoryWhereMissing: Bool = false) throws(CLIError) -> ValidationContext {
    do {
      return try ValidationContext(request(tree, memoryWhereMissing: memoryWhereMissing))
    } catch {
      throw CLIError(tree.name, error.description)
    }
  }
}
