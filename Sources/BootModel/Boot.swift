public import FirmwareTables
public import MemoryModel

/// The one way to run a boot: every command and rule builds a `BootRequest` and calls `run`.
public enum Boot {
  /// Runs the boot model the request names over its input, following `request.kernel`.
  ///
  /// A predicted stop (panic, BUG) is part of the result (`BootResult.stop`): the steps end there.
  /// Throws `.noMemory` when the input holds no memory at all (a blob whose memory node the
  /// bootloader fills in, an empty firmware table), since any map would then be a guess, and
  /// `.unsupported` for an input the architecture does not boot from.
  public static func run(_ request: BootRequest) throws(BootModelError) -> BootResult {
    switch (request.architecture, request.input) {
    case (.arm64, .deviceTree(let board)):
      return try Arm64Boot.run(request, board: board)
    case (.x86, .e820(let table)):
      return try X86Boot.run(request, firmware: table)
    case (.x86, .noFirmwareTable):
      return X86Boot.runWithoutFirmware(request)
    case (.x86, .deviceTree(let board)):
      let view = try e820View(of: board, kernel: request.kernel, memoryOverride: request.memoryOverride)
      let entries = view.regions.map { MapEntry(start: $0.range.start, size: $0.range.size, kind: $0.kind) }
      return try X86Boot.run(request, firmware: E820Firmware(entries))
    case (.arm64, .e820), (.arm64, .noFirmwareTable):
      throw .unsupported(
        "an e820 table has no arm64 boot: arm64 reads memory from a device tree (use --arch x86, or give a .dtb/.dts)")
    }
  }

  /// A device tree's own description in e820 terms — memory usable, no-map and other taken
  /// reservations reserved, CMA usable, `pmem-region` persistent (type 12) — as the arm64 model
  /// computes it with no kernel parameters applied.
  ///
  /// With `efiMemoryMap`, the tree booted through UEFI: memory from the map (`efi_init()`), and
  /// the firmware's no-map regions reserved.
  public static func e820View(
    of board: BoardMemory, kernel: KernelVersion = .default, memoryOverride: [PhysicalRange]? = nil,
    efiMemoryMap: UEFIMemoryMap? = nil
  ) throws(BootModelError) -> MemoryMap {
    let request = BootRequest(
      .deviceTree(board), architecture: .arm64, kernel: kernel, commandLine: .empty, memoryOverride: memoryOverride,
      efiMemoryMap: efiMemoryMap)
    return try Arm64Boot.run(request, board: board).e820
  }
}
