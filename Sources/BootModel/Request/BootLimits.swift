public import KernelParameters

/// The kernel's fixed capacities a boot runs into (what-if runs may lift them).
public struct BootLimits: Hashable, Sendable {
  /// `COMMAND_LINE_SIZE`: the kernel keeps at most this many bytes minus one of the command
  /// line (x86-64 and arm64: 2048); nil keeps everything.
  public var commandLineSize: Int?
  /// `E820_MAX_ENTRIES` (x86): the e820 table's capacity; `Int.max` lifts the limit.
  public var e820MaxEntries: Int

  /// `E820_MAX_ENTRIES` = 128 + 3 × MAX_NUMNODES: 3200 in Debian's x86-64 build (CONFIG_MAXSMP,
  /// NODES_SHIFT 10).
  public static let debianE820MaxEntries = 128 + 3 * 1024

  public init(
    commandLineSize: Int? = KernelCommandLine.kernelLimit, e820MaxEntries: Int = BootLimits.debianE820MaxEntries
  ) {
    self.commandLineSize = commandLineSize
    self.e820MaxEntries = e820MaxEntries
  }
}
