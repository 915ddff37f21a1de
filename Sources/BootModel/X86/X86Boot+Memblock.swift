internal import MemoryModel

/// Step 4: the table after the parameters becomes memblock (Linux 6.12 `setup_arch()`).
extension X86BootState {
  /// `trim_bios_range()` (page 0 → reserved, usable RAM in 640 KiB–1 MiB removed, a silent
  /// sanitize), then `e820__memblock_setup()` (usable and type-128 entries added, soft-reserved
  /// ones reserved, `memblock_trim_memory(PAGE_SIZE)`), then the first 1 MiB reserved for the
  /// real-mode trampoline (`reserve_real_mode()`), which keeps allocations above it.
  mutating func setUpMemblock(_ events: inout [BootEvent]) -> [String] {
    var trimmed = table
    trimmed.update(0, Self.pageSize, from: .usable, to: .reserved, events: &events)
    trimmed.remove(0xa_0000, 0x10_0000 - 0xa_0000, only: .usable, events: &events)
    let entries: [MapEntry]
    switch trimmed.sanitized() {
    case .success(let map):
      trimmedMap = map
      entries = map.regions.map { MapEntry(start: $0.range.start, size: $0.range.size, kind: $0.kind) }
    case .failure: entries = trimmed.entries
    }
    for entry in entries where entry.kind == .softReserved {
      memblock.reserve(entry.start, entry.size)
    }
    // memblock_add() of every usable entry (their union), then memblock_trim_memory(): each
    // merged region shrinks inward to whole pages; empty ones go.
    let usable = entries.filter { $0.kind == .usable || $0.kind == .reservedKernel }
      .map { Span(base: $0.start, end: Memblock.cappedEnd($0.start, $0.size)) }
    memblock.addMemory(union: usable)
    memblock.trimMemory(Self.pageSize)
    trampolinePlaced = reserveRealMode(&events)
    guard request.recordsChanges else { return [] }
    let total = memblock.memorySize
    return [
      "trim_bios_range(): page 0 reserved, usable RAM in [0xa0000, 0x100000) removed",
      trampolinePlaced
        ? "reserve_real_mode(): the real-mode trampoline (28 KiB) below 1 MiB; the first 1 MiB reserved"
        : "reserve_real_mode(): no 28 KiB of free RAM below 1 MiB for the real-mode trampoline",
      "memblock: \(memblock.memory.count) range\(memblock.memory.count == 1 ? "" : "s"), \(ByteCount.human(total)) of "
        + "memory",
    ]
  }
}
