public import KernelParameters
public import MemoryModel

/// Everything the x86 boot model takes.
public struct X86BootConfiguration: Sendable {
  /// The table firmware hands over in `boot_params` (raw: the kernel sanitizes it first).
  public var firmware: [MapEntry]
  /// What the kernel calls that table in its log: `BIOS-e820` (default), `BIOS-e801`, `Xen`, or
  /// `extended` when it is the table after `SETUP_E820_EXT` entries.
  public var firmwareLabel: String
  /// The kernel command line, as the kernel keeps it (see `KernelCommandLine`'s limit).
  public var commandLine: KernelCommandLine
  /// Where the command line came from (`--cmdline`, a log's `Command line:`), for messages.
  public var commandLineSource: String
  /// `E820_MAX_ENTRIES` = 128 + 3 × MAX_NUMNODES: 3200 in Debian's x86-64 build
  /// (CONFIG_MAXSMP, NODES_SHIFT 10). `Int.max` lifts the limit (what-if runs).
  public var tableCapacity: Int

  /// `E820_MAX_ENTRIES` of Debian's `linux-image-6.12.*-amd64`.
  public static let debianTableCapacity = 128 + 3 * 1024

  public init(
    firmware: [MapEntry], firmwareLabel: String = "BIOS-e820", commandLine: KernelCommandLine,
    commandLineSource: String = "--cmdline", tableCapacity: Int = X86BootConfiguration.debianTableCapacity
  ) {
    self.firmware = firmware
    self.firmwareLabel = firmwareLabel
    self.commandLine = commandLine
    self.commandLineSource = commandLineSource
    self.tableCapacity = tableCapacity
  }
}
