internal import MemoryModel

/// `/chosen` `linux,elfcorehdr` and the header's `/memreserve/` entries (drivers/of/fdt.c).
extension Arm64BootState {
  /// `fdt_reserve_elfcorehdr()` (6.12.100: before `/reserved-memory`).
  mutating func reserveElfCoreHeader(_ events: inout [BootEvent]) -> [String] {
    guard let header = elfCoreHeader, header.size != 0 else { return [] }
    let range = header.cappedRange
    let path = board.chosen?.path ?? "/chosen"
    if memblock.isReserved(header.address, header.size) {
      events.append(.reservedMemory(.elfCoreHeaderOverlapped(header)))
      reservations.append(
        Reservation(
          name: "elfcorehdr", path: path, origin: .elfCoreHeader, range: range,
          status: .failed(reason: "overlaps memory already reserved; the kernel does not reserve it")))
      return []
    }
    memblock.reserve(header.address, header.size)
    events.append(.reservedMemory(.elfCoreHeaderReserved(header)))
    reservations.append(
      Reservation(name: "elfcorehdr", path: path, origin: .elfCoreHeader, range: range, status: .reserved))
    return []
  }

  /// `/memreserve/` entries, reserved last in 6.12: dynamic regions may already sit on them.
  mutating func reserveHeaderEntries() -> [String] {
    var notes: [String] = []
    for (index, entry) in board.memoryReservations.enumerated() {
      let range = entry.cappedRange
      if let clash = reservations.first(where: {
        $0.origin == .dynamicRegion && $0.status == .allocated && ($0.range?.overlaps(range) ?? false)
      }) {
        notes.append("/memreserve/ #\(index) overlaps dynamic region \(clash.name), placed before it")
      }
      memblock.reserve(entry.address, entry.size)
      reservations.append(
        Reservation(
          name: "memreserve-\(index)", path: "/memreserve/", origin: .memoryReservationBlock, range: range,
          status: .reserved))
    }
    return notes
  }
}
