public import FirmwareTables
public import KernelParameters
public import MemoryModel

/// Everything one boot runs with — the input facts, the kernel version, the command line and
/// where it came from, page size, what the loader occupied, limits — in one value that every
/// command and rule builds and hands to `Boot.run`.
public struct BootRequest: Hashable, Sendable {
  public var input: BootInput
  /// The boot model: by default arm64 for a device tree, x86 for a firmware table.
  public var architecture: Architecture
  /// The kernel whose semantics every step follows.
  public var kernel: KernelVersion
  /// The command line as given (the kernel keeps `kernelCommandLine`).
  public var commandLine: BootCommandLine
  /// The arm64 kernel's base page size.
  public var pageSize: PageSize
  /// Memory the loader occupied before the kernel looked (`--reserve`; arm64).
  public var loaderReservations: [LoaderReservation]
  /// RAM banks that replace a device tree's memory nodes (`--memory`), when given.
  public var memoryOverride: [PhysicalRange]?
  public var limits: BootLimits
  /// The UEFI memory map the firmware handed the EFI stub (`--efi-memmap`): an arm64 boot then
  /// takes its memory from it (`efi_init()`), not from the tree's `/memory` nodes.
  public var efiMemoryMap: UEFIMemoryMap?
  /// Whether each step keeps its `changes` (the lines `simulate --explain` shows). A command that
  /// shows none asks for none: building them is a tenth of `to-memmap`'s work on a large tree.
  /// Events, stops, diagnostics and the result are the same either way.
  public var recordsChanges = true

  /// `commandLine` nil: the one that comes with the input (`/chosen/bootargs`, a kernel log's
  /// `Command line:`), else none.
  public init(
    _ input: BootInput, architecture: Architecture? = nil, kernel: KernelVersion = .default,
    commandLine: BootCommandLine? = nil, pageSize: PageSize = .size4K, loaderReservations: [LoaderReservation] = [],
    memoryOverride: [PhysicalRange]? = nil, limits: BootLimits = BootLimits(), efiMemoryMap: UEFIMemoryMap? = nil
  ) {
    self.input = input
    self.architecture = architecture ?? input.defaultArchitecture
    self.kernel = kernel
    self.commandLine = commandLine ?? input.commandLine ?? .empty
    self.pageSize = pageSize
    self.loaderReservations = loaderReservations
    self.memoryOverride = memoryOverride
    self.limits = limits
    self.efiMemoryMap = efiMemoryMap
  }

  /// The command line as the kernel keeps it: cut to `limits.commandLineSize`, split into
  /// parameters.
  public var kernelCommandLine: KernelCommandLine {
    KernelCommandLine(commandLine.text, limit: limits.commandLineSize)
  }

  /// The same boot of another input (the other side of a diff, a blob with an overlay applied):
  /// a command line that came with the old input is replaced by the new input's own.
  public func with(_ input: BootInput) -> BootRequest {
    var request = self
    request.input = input
    if commandLine.comesWithInput { request.commandLine = input.commandLine ?? .empty }
    return request
  }

  /// The device tree the request boots from, if any.
  public var board: BoardMemory? {
    if case .deviceTree(let board) = input { return board }
    return nil
  }
}
