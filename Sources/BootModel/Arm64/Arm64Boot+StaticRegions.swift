internal import MemoryModel

/// The early pass over `/reserved-memory`'s static (`reg`) children (`fdt_scan_reserved_mem()`).
extension Arm64BootState {
  /// The early pass over static children: `__reserved_mem_reserve_reg()` for each `reg` tuple;
  /// children with `size` and no `reg` are set aside for dynamic placement.
  mutating func reserveStaticRegions(_ events: inout [BootEvent]) -> [String] {
    guard let node = board.reservedMemory else { return ["no /reserved-memory node"] }
    guard reservedMemoryFormatIsSupported else {
      events.append(.reservedMemory(.unsupportedFormat))
      let reason = "\(node.path) is ignored: " + node.formatProblems(rootCells: board.rootCells).joined(separator: "; ")
      for child in node.children {
        reservations.append(
          Reservation(
            name: child.name, path: child.path, origin: child.reg != nil ? .staticRegion : .dynamicRegion,
            status: .failed(reason: reason)))
      }
      return ["whole node ignored"]
    }
    var notes: [String] = []
    if staticReservationIndex.count < node.children.count {
      staticReservationIndex.append(
        contentsOf: repeatElement(-1, count: node.children.count - staticReservationIndex.count))
    }
    for (index, child) in node.children.enumerated() {
      guard child.isAvailable else {
        reservations.append(
          Reservation(
            name: child.name, path: child.path, origin: child.reg != nil ? .staticRegion : .dynamicRegion,
            noMap: child.noMap, reusable: child.reusable, compatible: child.compatible, status: .disabled))
        continue
      }
      guard let reg = child.reg else {
        if child.size != nil {
          dynamicChildren.append(index)
        } else {
          reservations.append(
            Reservation(
              name: child.name, path: child.path, origin: .staticRegion, compatible: child.compatible,
              status: .failed(reason: "has neither reg nor size; the kernel ignores it")))
        }
        continue
      }
      if reg.byteLength != 0 && reg.byteLength % tupleBytes != 0 {
        events.append(.reservedMemory(.invalidProperty(ReservedNode(child), .reg)))
        reservations.append(
          Reservation(
            name: child.name, path: child.path, origin: .staticRegion, noMap: child.noMap, reusable: child.reusable,
            compatible: child.compatible,
            status: .failed(
              reason:
                "reg is \(reg.byteLength) bytes, not a multiple of one (address, size) tuple (\(tupleBytes) bytes with "
                + "the root's cells); the kernel skips the node"
            )))
        continue
      }
      if reg.tuples.isEmpty {
        reservations.append(
          Reservation(
            name: child.name, path: child.path, origin: .staticRegion, noMap: child.noMap, compatible: child.compatible,
            status: .failed(reason: "reg is empty; nothing is reserved")))
        continue
      }
      let node = ReservedNode(child)
      for (tupleIndex, tuple) in reg.tuples.enumerated() {
        var status = Reservation.Status.reserved
        if tuple.size == 0 {
          status = .failed(reason: "size 0")
          events.append(.reservedMemory(.reserveFailed(node, tuple, .sizeZero)))
        } else if let refused = earlyReserve(tuple, noMap: child.noMap) {
          status = .failed(reason: refused.reason)
          events.append(.reservedMemory(.reserveFailed(node, tuple, refused.failure)))
        } else {
          events.append(.reservedMemory(.reserved(node, tuple, noMap: child.noMap)))
        }
        let range = tuple.cappedRange
        if tupleIndex == 0 { staticReservationIndex[index] = reservations.count }
        reservations.append(
          Reservation(
            name: child.name, path: child.path, origin: .staticRegion, range: range, noMap: child.noMap,
            reusable: child.reusable, compatible: child.compatible, status: status))
      }
      if reg.tuples.count > 1 {
        notes.append("\(child.name): \(reg.tuples.count) reg tuples, all reserved; the kernel records only the first")
      }
    }
    return notes
  }

  /// `early_init_dt_reserve_memory()`: no-map regions are refused when they overlap memory that
  /// is already reserved; otherwise marked no-map. Others are reserved. Returns why it failed.
  mutating func earlyReserve(
    _ tuple: RegTuple, noMap: Bool
  ) -> (failure: ReservedMemoryEvent.ReserveFailure, reason: String)? {
    if noMap {
      if memblock.overlapsMemory(tuple.address, tuple.size) && memblock.isReserved(tuple.address, tuple.size) {
        let range = tuple.cappedRange
        let culprits = reservations.compactMap { r -> ReservedMemoryEvent.ReservedBy? in
          guard r.status.holdsMemory, let held = r.range, held.overlaps(range) else { return nil }
          return ReservedMemoryEvent.ReservedBy(name: r.name, path: r.path, range: held)
        }
        let what =
          culprits.isEmpty
          ? "memory already reserved" : culprits.map { "\($0.name) \($0.range)" }.joined(separator: ", ")
        return (
          .noMapOverReserved(by: culprits),
          "no-map region overlaps \(what); the kernel refuses to unmap it (-EBUSY) and leaves it mapped and unreserved"
        )
      }
      memblock.setFlag(.noMap, true, tuple.address, tuple.size)
      return nil
    }
    memblock.reserve(tuple.address, tuple.size)
    return nil
  }
}
