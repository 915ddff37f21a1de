internal import MemoryModel

/// Linux 6.1's `early_init_fdt_scan_reserved_mem()` (drivers/of/fdt.c, 6.1.176), called from
/// `arm64_memblock_init()` once the kernel image is reserved:
///
/// 1. the header's `/memreserve/` entries, reserved first — so a later `no-map` region over one
///    is refused (6.12 reserves them after the dynamic pass);
/// 2. `fdt_scan_reserved_mem()`: every static child's `reg` tuples reserved (or marked no-map)
///    in tree order, and each child recorded in `reserved_mem[]` — a static one with its first
///    tuple (even one that failed), a dynamic one with base 0, size 0;
/// 3. `fdt_reserve_elfcorehdr()`: the crash-dump header, after the scan (6.12: before it);
/// 4. `fdt_init_reserved_mem()`: the table sorted, dynamic regions placed in that order, every
///    region initialised (`Arm64Boot+FDTInitReservedMem61.swift`).
///
/// There is no late pass (`fdt_scan_reserved_mem_reg_nodes()` came later) and no per-region
/// `OF: reserved mem:` line.
extension Arm64BootState {
  mutating func earlyInitFDTScanReservedMem61() {
    step("/memreserve/ entries", "early_init_fdt_scan_reserved_mem() (drivers/of/fdt.c; 6.1: before /reserved-memory)")
    {
      boot, _ in
      boot.reserveHeaderEntries()
    }
    step(
      "/reserved-memory: static regions reserved, all regions recorded",
      "fdt_scan_reserved_mem() (drivers/of/fdt.c, 6.1) → __reserved_mem_reserve_reg(), fdt_reserved_mem_save_node()"
    ) { boot, events in
      boot.scanReservedMem61(&events)
    }
    step("/chosen linux,elfcorehdr", "fdt_reserve_elfcorehdr() (drivers/of/fdt.c; 6.1: after /reserved-memory)") {
      boot, events in
      boot.reserveElfCoreHeader(&events)
    }
    step(
      "/reserved-memory: sorted, dynamic regions placed, regions initialised",
      "fdt_init_reserved_mem() (drivers/of/of_reserved_mem.c, 6.1) → sort(), __reserved_mem_alloc_size()"
    ) { boot, events in
      boot.initReservedMem61(&events)
    }
  }

  /// `fdt_scan_reserved_mem()` (6.1): the static tuples are reserved exactly as 6.12's early
  /// pass reserves them; then `reserved_mem[]` is filled in tree order, 64 entries at most.
  mutating func scanReservedMem61(_ events: inout [BootEvent]) -> [String] {
    guard board.reservedMemory != nil else {
      events.append(.reservedMemory(.noNode))
      return ["no /reserved-memory node"]
    }
    var notes = reserveStaticRegions(&events)
    guard let node = board.reservedMemory, reservedMemoryFormatIsSupported else { return notes }
    let dynamic = Set(dynamicChildren)
    for index in node.children.indices {
      let child = node.children[index]
      let entry: ReservedMemoryEntry61
      if let reservationIndex = staticReservation(index), let first = child.reg?.tuples.first {
        entry = ReservedMemoryEntry61(
          childIndex: index, base: first.address, size: first.size, reservationIndex: reservationIndex)
      } else if dynamic.contains(index) {
        entry = ReservedMemoryEntry61(childIndex: index, base: 0, size: 0, reservationIndex: nil)
      } else {
        continue
      }
      // fdt_reserved_mem_save_node(): a full table drops the region with an error.
      guard table61.count < Self.maximumRecords else {
        events.append(.reservedMemory(.tableFull(ReservedNode(child))))
        if let reservationIndex = entry.reservationIndex {
          reservations[reservationIndex].isRecorded = false
        } else {
          reservations.append(
            Reservation(
              name: child.name, path: child.path, origin: .dynamicRegion, requestedSize: child.size?.value,
              allocRanges: child.allocRanges?.tuples ?? [], noMap: child.noMap, reusable: child.reusable,
              compatible: child.compatible,
              status: .failed(
                reason:
                  "the kernel's table of reserved regions is full (\(Self.maximumRecords)); Linux 6.1 never places it")
            ))
        }
        notes.append("\(child.name): reserved_mem[] is full, not recorded")
        continue
      }
      table61.append(entry)
    }
    return notes
  }
}

/// One entry of Linux 6.1's `reserved_mem[]` before `fdt_init_reserved_mem()`: a static child's
/// first `reg` tuple, or a dynamic child as base 0, size 0.
struct ReservedMemoryEntry61: Hashable, Sendable {
  /// The child's position in `/reserved-memory` (its FDT offset orders the same way).
  var childIndex: Int
  var base: UInt64
  var size: UInt64
  /// The static child's reservation; nil for a dynamic child (placed later).
  var reservationIndex: Int?
}
