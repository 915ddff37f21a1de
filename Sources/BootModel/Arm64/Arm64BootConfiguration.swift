public import KernelParameters
public import MemoryModel

/// Memory a loader occupied before the kernel looked at `/reserved-memory` (`--reserve`).
public struct LoaderReservation: Hashable, Sendable {
  public var range: PhysicalRange
  public var label: String?

  public init(range: PhysicalRange, label: String? = nil) {
    self.range = range
    self.label = label
  }

  /// What the kernel does with it depends on what it is. A label naming the kernel image
  /// (`kernel`, `Image`) is re-added as memory after `mem=` like `_text.._end`; a label naming
  /// the blob (`dtb`, `fdt`, `device tree`, `blob`) is reserved before the memory nodes are read,
  /// as `setup_machine_fdt()` does, so `linux,usable-memory-range` and `mem=` can truncate it.
  /// Anything else is reserved with the kernel image, just before `/reserved-memory`.
  public enum Kind: Hashable, Sendable {
    case kernelImage, deviceTreeBlob, other
  }

  public var kind: Kind {
    guard let label = label?.lowercased() else { return .other }
    if label.contains("device tree") || label.contains("dtb") || label.contains("fdt") || label.contains("blob") {
      return .deviceTreeBlob
    }
    if label.contains("kernel") || label == "image" { return .kernelImage }
    return .other
  }
}

/// Everything the arm64 boot model takes.
public struct Arm64BootConfiguration: Sendable {
  /// The memory facts of the blob the kernel receives.
  public var board: BoardMemory
  /// The kernel command line (default: `/chosen/bootargs`).
  public var commandLine: KernelCommandLine
  /// Where the command line came from (`--cmdline`, `/chosen/bootargs`), for messages.
  public var commandLineSource: String
  /// What the loader occupied (`--reserve`).
  public var loaderReservations: [LoaderReservation]
  public var pageSize: PageSize
  /// RAM banks that replace the blob's memory nodes (`--memory`), when given.
  public var memoryOverride: [PhysicalRange]?

  public init(
    board: BoardMemory, commandLine: KernelCommandLine, commandLineSource: String,
    loaderReservations: [LoaderReservation] = [], pageSize: PageSize = .size4K,
    memoryOverride: [PhysicalRange]? = nil
  ) {
    self.board = board
    self.commandLine = commandLine
    self.commandLineSource = commandLineSource
    self.loaderReservations = loaderReservations
    self.pageSize = pageSize
    self.memoryOverride = memoryOverride
  }
}
