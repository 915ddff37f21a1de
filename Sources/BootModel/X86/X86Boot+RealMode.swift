internal import MemoryModel

/// `reserve_real_mode()` (arch/x86/realmode/init.c) and the low-memory reservations before it.
extension X86BootState {
  /// What Debian's 6.12 x86-64 asks for: `real_mode_size_needed()`, 28 KiB, page-aligned, below
  /// 1 MiB (recorded with memblock=debug: "memblock_phys_alloc_range: 28672 bytes align=0x1000
  /// from=0x0000000000000000 max_addr=0x0000000000100000 reserve_real_mode+0x57/0x90").
  static let trampolineSize: UInt64 = 0x7000
  /// `early_reserve_memory()`: `memblock_reserve(0, SZ_64K)` (BIOSes corrupt low memory).
  static let reservedLowMemory: UInt64 = 0x1_0000
  /// `reserve_bios_regions()` reserves from the BIOS area's start to 1 MiB; the start is the
  /// EBDA's or the BIOS's own RAM size, at most `BIOS_START_MAX` (0x9f000). The model cannot read
  /// the BIOS data area, so it takes the highest start (SeaBIOS under QEMU gives exactly that;
  /// recorded: x86-fix-trampoline-under-ebda, -over-ebda).
  static let biosStartMax: UInt64 = 0x9_f000

  /// Places the trampoline top-down in free memory below 1 MiB as the kernel does, after the
  /// low 64 KiB and the BIOS area are reserved; then the kernel reserves the whole first 1 MiB.
  /// Without room, the kernel prints "No sub-1M memory is available for the trampoline" and
  /// boots on until `init_real_mode()` panics; returns false then.
  mutating func reserveRealMode(_ events: inout [BootEvent]) -> Bool {
    memblock.reserve(0, Self.reservedLowMemory)
    memblock.reserve(Self.biosStartMax, 0x10_0000 - Self.biosStartMax)
    let placed = memblock.allocate(
      size: Self.trampolineSize, align: Self.pageSize, start: 0, end: 0x10_0000, pageSize: Self.pageSize)
    memblock.reserve(0, 0x10_0000)
    guard let placed else {
      events.append(.kernelAllocation(.realModeTrampolineFailed(size: Self.trampolineSize)))
      return false
    }
    events.append(.kernelAllocation(.realModeTrampolineReserved(base: placed, size: Self.trampolineSize)))
    return true
  }
}
