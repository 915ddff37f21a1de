public import MemoryModel

/// The facts a boot starts from: what the firmware or the loader hands the kernel.
public enum BootInput: Hashable, Sendable {
  /// A device tree's memory facts: arm64 boots from them; on x86 their e820 view
  /// (`Boot.e820View`) is the firmware table.
  case deviceTree(BoardMemory)
  /// An x86 firmware e820 table, as `boot_params` hands it over (raw: the kernel sanitizes it).
  case e820(E820Firmware)
  /// No firmware table: the command line's `memmap=` items build the map by themselves, as if it
  /// began with `memmap=exactmap` (x86).
  case noFirmwareTable

  /// The boot model an input gets unless the request names another.
  var defaultArchitecture: Architecture {
    switch self {
    case .deviceTree: .arm64
    case .e820, .noFirmwareTable: .x86
    }
  }

  /// The command line that comes with the input: `/chosen/bootargs`, a kernel log's.
  var commandLine: BootCommandLine? {
    switch self {
    case .deviceTree(let board): BootCommandLine.bootargs(of: board)
    case .e820(let table): table.commandLine
    case .noFirmwareTable: nil
    }
  }
}

/// An x86 firmware memory table.
public struct E820Firmware: Hashable, Sendable {
  /// The entries in the order the firmware gives them.
  public var entries: [MapEntry]
  /// What the kernel calls the table in its log: `BIOS-e820` (default), `BIOS-e801`, `Xen`, or
  /// `extended` when it is the table after `SETUP_E820_EXT` entries.
  public var label: String
  /// The command line the source shows (a kernel log's `Command line:`), if any.
  public var commandLine: BootCommandLine?

  public init(_ entries: [MapEntry], label: String = "BIOS-e820", commandLine: BootCommandLine? = nil) {
    self.entries = entries
    self.label = label
    self.commandLine = commandLine
  }
}
