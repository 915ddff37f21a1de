internal import MemoryModel

/// `reserved_mem[]`: recording, initialising, the late pass over static children, overlaps.
extension Arm64BootState {
  /// `fdt_reserved_mem_save_node()`: record (64 at most) and initialise.
  mutating func saveNode(
    _ child: ReservedRegionNode, childIndex: Int, base: UInt64, size: UInt64, reservationIndex: Int,
    _ events: inout [BootEvent]
  ) {
    guard records.count < Self.maximumRecords else {
      events.append(.reservedMemory(.tableFull(ReservedNode(child))))
      reservations[reservationIndex].isRecorded = false
      diagnostics.append(
        Diagnostic(
          .warning, at: child.path,
          "the kernel's table of reserved regions is full (\(Self.maximumRecords)); this region stays reserved but is "
            + "never initialised"
        ))
      return
    }
    let record = ReservedMemoryRecord(
      childIndex: childIndex,
      region: RecordedRegion(
        node: ReservedNode(child), base: base, size: size, noMap: child.noMap, reusable: child.reusable),
      reservationIndex: reservationIndex)
    records.append(record)
    initialise(record, child, &events)
  }

  /// `fdt_init_reserved_mem_node()`: run the handlers; on failure give the memory back.
  mutating func initialise(_ record: ReservedMemoryRecord, _ child: ReservedRegionNode, _ events: inout [BootEvent]) {
    if let failure = initialiseHandlers(record, child, &events) {
      events.append(.reservedMemory(.setupFailed(record.region.node, failure.cause)))
      if child.noMap {
        memblock.setFlag(.noMap, false, record.base, record.size)
      } else {
        memblock.freeReserved(record.base, record.size)
      }
      let consequence: String
      switch (child.noMap, reservations[record.reservationIndex].origin) {
      case (false, _): consequence = "the kernel frees it for reuse"
      case (true, .dynamicRegion): consequence = "the kernel maps it again but it stays allocated and unused"
      case (true, _): consequence = "the kernel maps it again as ordinary memory"
      }
      reservations[record.reservationIndex].status = .failed(reason: "\(failure.reason); \(consequence)")
      reservations[record.reservationIndex].setupFailure = failure.cause
    } else {
      events.append(.reservedMemory(.initialised(record.region)))
    }
  }

  /// The late pass (`fdt_scan_reserved_mem_reg_nodes()`, from `unflatten_device_tree()`): record
  /// and initialise each static region's first tuple, then report overlaps.
  mutating func recordStaticRegions(_ events: inout [BootEvent]) -> [String] {
    guard let node = board.reservedMemory else {
      events.append(.reservedMemory(.noNode))
      return []
    }
    guard reservedMemoryFormatIsSupported else {
      events.append(.reservedMemory(.unsupportedFormat))
      return []
    }
    for (index, child) in node.children.enumerated() {
      guard let reg = child.reg, child.isAvailable else { continue }
      if reg.byteLength != 0 && reg.byteLength % tupleBytes != 0 {
        events.append(.reservedMemory(.invalidProperty(ReservedNode(child), .reg)))
        continue
      }
      if reg.byteLength > tupleBytes {
        events.append(.reservedMemory(.regTuplesIgnored(ReservedNode(child), count: reg.byteLength / tupleBytes - 1)))
      }
      guard let first = reg.tuples.first, first.size != 0,
        let reservationIndex = staticReservation(index)
      else { continue }
      saveNode(
        child, childIndex: index, base: first.address, size: first.size, reservationIndex: reservationIndex, &events)
    }
    reportOverlaps(&events)
    return []
  }

  /// `__rmem_check_for_overlap()`: sort by (base, size, node offset); report neighbours only.
  mutating func reportOverlaps(_ events: inout [BootEvent]) {
    guard records.count >= 2 else { return }
    let sorted = records.sorted { a, b in
      if a.base != b.base { return a.base < b.base }
      if a.size != b.size { return a.size < b.size }
      return a.childIndex < b.childIndex
    }
    for (this, next) in zip(sorted, sorted.dropFirst()) where this.base &+ this.size > next.base {
      events.append(.reservedMemory(.overlap(this.region, next.region)))
    }
  }
}
