public import BootModel
public import KernelParameters
public import MemoryModel

/// What one input is checked with: its memory facts and the boot it will get.
public struct ValidationInput: Sendable {
  public var board: BoardMemory
  /// The kernel command line as given (`--cmdline`, else `/chosen/bootargs`), before the
  /// kernel cuts it to `COMMAND_LINE_SIZE`.
  public var commandLine: String
  /// Where the command line came from, for messages.
  public var commandLineSource: String
  /// What the loader occupied (`--reserve`).
  public var loaderReservations: [LoaderReservation]
  public var pageSize: PageSize
  /// RAM banks replacing the blob's memory nodes (`--memory`).
  public var memoryOverride: [PhysicalRange]?
  /// `COMMAND_LINE_SIZE` (`--cmdline-size`); nil keeps the whole command line.
  public var commandLineLimit: Int?

  public init(
    board: BoardMemory, commandLine: String = "", commandLineSource: String = "no command line",
    loaderReservations: [LoaderReservation] = [], pageSize: PageSize = .size4K,
    memoryOverride: [PhysicalRange]? = nil, commandLineLimit: Int? = KernelCommandLine.kernelLimit
  ) {
    self.commandLineLimit = commandLineLimit
    self.board = board
    self.commandLine = commandLine
    self.commandLineSource = commandLineSource
    self.loaderReservations = loaderReservations
    self.pageSize = pageSize
    self.memoryOverride = memoryOverride
  }
}
