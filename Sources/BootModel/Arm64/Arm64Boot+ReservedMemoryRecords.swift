internal import MemoryModel

/// `reserved_mem[]`: recording, initialising, the late pass over static children, overlaps.
extension Arm64BootState {
  /// `fdt_reserved_mem_save_node()`: record (64 at most) and initialise.
  mutating func saveNode(
    _ child: ReservedRegionNode, childIndex: Int, base: UInt64, size: UInt64, reservationIndex: Int,
    _ log: inout [String]
  ) {
    guard records.count < Self.maximumRecords else {
      log.append("OF: reserved mem: not enough space for all defined regions.")
      reservations[reservationIndex].isRecorded = false
      diagnostics.append(
        Diagnostic(
          .warning, at: child.path,
          "the kernel's table of reserved regions is full (\(Self.maximumRecords)); this region stays reserved but is never initialised"
        ))
      return
    }
    let record = ReservedMemoryRecord(
      childIndex: childIndex, name: child.name, base: base, size: size, reservationIndex: reservationIndex)
    records.append(record)
    initialise(record, child, &log)
  }

  /// `fdt_init_reserved_mem_node()`: run the handlers; on failure give the memory back.
  mutating func initialise(_ record: ReservedMemoryRecord, _ child: ReservedRegionNode, _ log: inout [String]) {
    if let failure = initialiseHandlers(record, child, &log) {
      log.append("OF: reserved mem: node \(record.name) compatible matching fail")
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
      let end = record.base &+ record.size &- 1
      log.append(
        "OF: reserved mem: \(KernelFormat.pa(record.base))..\(KernelFormat.pa(end)) (\(record.size / 1024) KiB) \(child.noMap ? "nomap" : "map") \(child.reusable ? "reusable" : "non-reusable") \(record.name)"
      )
    }
  }

  /// The late pass (`fdt_scan_reserved_mem_reg_nodes()`, from `unflatten_device_tree()`): record
  /// and initialise each static region's first tuple, then report overlaps.
  mutating func recordStaticRegions(_ log: inout [String]) -> [String] {
    guard let node = board.reservedMemory else {
      log.append("OF: reserved mem: Reserved memory: No reserved-memory node in the DT")
      return []
    }
    guard reservedMemoryFormatIsSupported else {
      log.append(Self.unsupportedFormatMessage)
      return []
    }
    for (index, child) in node.children.enumerated() {
      guard let reg = child.reg, child.isAvailable else { continue }
      if reg.byteLength != 0 && reg.byteLength % tupleBytes != 0 {
        log.append("OF: reserved mem: Reserved memory: invalid reg property in '\(child.name)', skipping node.")
        continue
      }
      if reg.byteLength > tupleBytes {
        log.append(
          "OF: reserved mem: fdt_scan_reserved_mem_reg_nodes() ignores \(reg.byteLength / tupleBytes - 1) regions in node '\(child.name)'"
        )
      }
      guard let first = reg.tuples.first, first.size != 0,
        let reservationIndex = staticReservationIndex[index]
      else { continue }
      saveNode(
        child, childIndex: index, base: first.address, size: first.size, reservationIndex: reservationIndex, &log)
    }
    reportOverlaps(&log)
    return []
  }

  /// `__rmem_check_for_overlap()`: sort by (base, size, node offset); report neighbours only.
  mutating func reportOverlaps(_ log: inout [String]) {
    guard records.count >= 2 else { return }
    let sorted = records.sorted { a, b in
      if a.base != b.base { return a.base < b.base }
      if a.size != b.size { return a.size < b.size }
      return a.childIndex < b.childIndex
    }
    for (this, next) in zip(sorted, sorted.dropFirst()) where this.base &+ this.size > next.base {
      log.append("OF: reserved mem: OVERLAP DETECTED!")
      log.append(
        "\(this.name) (\(KernelFormat.pa(this.base))--\(KernelFormat.pa(this.base &+ this.size))) overlaps with \(next.name) (\(KernelFormat.pa(next.base))--\(KernelFormat.pa(next.base &+ next.size)))"
      )
    }
  }
}
