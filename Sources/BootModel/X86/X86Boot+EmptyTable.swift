internal import MemoryModel

extension X86Boot {
  /// The boot with no firmware table at all: what the command line builds by itself, as if it
  /// began with `memmap=exactmap` (which empties the table the same way). For a `memmap=` line
  /// that describes a whole map (`to-dts 'memmap=exactmap memmap=…'`). The kernel's own rules
  /// still apply: a user-defined table of fewer than two entries panics.
  static func runWithoutFirmware(_ request: BootRequest) -> BootResult {
    var boot = X86BootState(request, firmware: E820Firmware([], label: "none"))
    boot.run()
    return boot.result()
  }
}
