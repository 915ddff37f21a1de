internal import MemoryModel

/// Dynamic (`size`) children: placement with `alignment`, `alloc-ranges` and the CMA minimum
/// (`__reserved_mem_alloc_size()`), one by one in DT order.
extension Arm64BootState {
  /// Dynamic children in DT order: `__reserved_mem_alloc_size()`, each placed, recorded and
  /// initialised before the next is tried.
  mutating func allocateDynamicRegions(_ events: inout [BootEvent]) -> [String] {
    guard let node = board.reservedMemory else { return [] }
    placementNotes = []
    for index in dynamicChildren {
      allocateDynamic(node.children[index], childIndex: index, &events)
    }
    defer { placementNotes = [] }
    // The dynamic nodes sit in a 64-entry array on the stack, filled without a bound check:
    // a 65th overwrites the stack canary and the function's return panics.
    if dynamicChildren.count > Self.maximumRecords {
      let overflow = BootStop(.reservedMemoryArrayOverflow(dynamicChildren: dynamicChildren.count))
      diagnostics.append(
        Diagnostic(
          .error, at: node.path,
          "\(dynamicChildren.count) dynamic children: Linux 6.12 keeps them in a \(Self.maximumRecords)-entry array on "
            + "the stack without a bound check; the kernel panics (\(log.message(for: overflow))) before its console "
            + "is up, so the boot just hangs"
        ))
      stop(overflow, &events)
      return [
        "\(dynamicChildren.count) dynamic children overflow the kernel's \(Self.maximumRecords)-entry array: panic"
      ]
    }
    return placementNotes
  }

  /// 6.12: each dynamic child is placed, then recorded and initialised before the next.
  mutating func allocateDynamic(_ child: ReservedRegionNode, childIndex: Int, _ events: inout [BootEvent]) {
    guard let placed = placeDynamic(child, &events) else { return }
    saveNode(
      child, childIndex: childIndex, base: placed.base, size: placed.size, reservationIndex: placed.reservationIndex,
      &events)
  }

  /// `__reserved_mem_alloc_size()`: reads `size`, `alignment` and `alloc-ranges`, places the
  /// region and appends its reservation; nil (with a failed reservation) when the kernel cannot.
  mutating func placeDynamic(
    _ child: ReservedRegionNode, _ events: inout [BootEvent]
  ) -> (base: UInt64, size: UInt64, reservationIndex: Int)? {
    let cells = board.rootCells
    let node = ReservedNode(child)
    func fail(_ reason: String, size: UInt64? = nil, align: UInt64? = nil) {
      reservations.append(
        Reservation(
          name: child.name, path: child.path, origin: .dynamicRegion, requestedSize: size, alignment: align,
          allocRanges: child.allocRanges?.tuples ?? [], noMap: child.noMap, reusable: child.reusable,
          compatible: child.compatible, status: .failed(reason: reason)))
    }
    guard let sizeProperty = child.size, let size = sizeProperty.value else {
      events.append(.reservedMemory(.invalidProperty(node, .size)))
      fail("size is \(child.size?.byteLength ?? 0) bytes; the kernel needs exactly #size-cells (\(cells.size)) cells")
      return nil
    }
    var align: UInt64 = 0
    if let alignment = child.alignment {
      guard let value = alignment.value else {
        events.append(.reservedMemory(.invalidProperty(node, .alignment)))
        fail(
          "alignment is \(alignment.byteLength) bytes; Linux \(request.kernel) reads it with #address-cells "
            + "(\(cells.alignmentCells) cells)",
          size: size)
        return nil
      }
      align = value
    }
    let noMap = child.noMap
    if child.isSharedDMAPool && child.reusable && !noMap {
      align = max(align, request.pageSize.cmaMinimumAlignment)
    }
    var base: UInt64 = 0
    var usedWindow: (index: Int, range: PhysicalRange)? = nil
    if let ranges = child.allocRanges {
      guard ranges.byteLength % tupleBytes == 0 else {
        events.append(.reservedMemory(.invalidProperty(node, .allocRanges)))
        fail(
          "alloc-ranges is \(ranges.byteLength) bytes, not a multiple of one (address, size) tuple", size: size,
          align: align)
        return nil
      }
      for (index, window) in ranges.tuples.enumerated() {
        base = 0
        if let placed = allocateInWindow(
          size: size, align: align, start: window.address, end: window.address &+ window.size, noMap: noMap)
        {
          base = placed
          usedWindow = (index, PhysicalRange(start: window.address, cappedSize: window.size))
          break
        }
      }
    } else if let placed = allocateArch(size: size, align: align, start: 0, end: 0, noMap: noMap) {
      base = placed
    }
    let effectiveAlign = align == 0 ? arm64CacheLineBytes : align
    guard base != 0 else {
      let request = AllocationRequest(size: size, alignment: effectiveAlign, windows: child.allocRanges?.tuples ?? [])
      events.append(.reservedMemory(.allocationFailed(node, request)))
      let searched = child.allocRanges == nil ? "in free memory" : "in any alloc-ranges window"
      fail(
        "no free \(ByteCount.human(size)) block aligned to \(Hex.short(effectiveAlign)) \(searched)", size: size,
        align: effectiveAlign)
      return nil
    }
    events.append(.reservedMemory(.allocated(node, base: base, size: size, alignment: effectiveAlign)))
    // Only `--explain` shows why a region landed where it did (`recordsChanges`).
    if request.recordsChanges {
      placementNotes.append(
        placementReason(
          child.name, base: base, size: size, align: effectiveAlign, window: usedWindow,
          bottomUp: lastAllocationBottomUp))
    }
    let reservationIndex = reservations.count
    reservations.append(
      Reservation(
        name: child.name, path: child.path, origin: .dynamicRegion,
        range: PhysicalRange(start: base, cappedSize: size), requestedSize: size,
        alignment: effectiveAlign, allocRanges: child.allocRanges?.tuples ?? [], noMap: noMap,
        reusable: child.reusable, compatible: child.compatible, status: .allocated))
    return (base, size, reservationIndex)
  }

  /// One `alloc-ranges` window, as the request's kernel tries it: 6.12 may flip to bottom-up
  /// (`__reserved_mem_alloc_in_range()`); 6.1 always allocates top-down (`allocateInWindow61`).
  mutating func allocateInWindow(size: UInt64, align: UInt64, start: UInt64, end: UInt64, noMap: Bool) -> UInt64? {
    switch request.kernel {
    case .v6_1: allocateInWindow61(size: size, align: align, start: start, end: end, noMap: noMap)
    case .v6_12: allocateInRange(size: size, align: align, start: start, end: end, noMap: noMap)
    }
  }

  /// `early_init_dt_alloc_reserved_memory_arch()`.
  mutating func allocateArch(size: UInt64, align: UInt64, start: UInt64, end: UInt64, noMap: Bool) -> UInt64? {
    let end = end == 0 ? UInt64.max : end
    let align = align == 0 ? arm64CacheLineBytes : align
    lastAllocationBottomUp = memblock.bottomUp
    guard let base = memblock.allocate(size: size, align: align, start: start, end: end, pageSize: page) else {
      return nil
    }
    if noMap { memblock.setFlag(.noMap, true, base, size) }
    return base
  }

  /// `__reserved_mem_alloc_in_range()`: flips to bottom-up when the window starts at or inside an
  /// already recorded region (and does not also end inside one), to keep regions together.
  mutating func allocateInRange(size: UInt64, align: UInt64, start: UInt64, end: UInt64, noMap: Bool) -> UInt64? {
    var bottomUp = false
    var topDown = false
    for record in records where record.size != 0 {
      let recordEnd = record.base &+ record.size
      if start >= record.base && start <= recordEnd { bottomUp = true }
      if end >= record.base && end <= recordEnd { topDown = true }
    }
    let previous = memblock.bottomUp
    if bottomUp != topDown { memblock.bottomUp = bottomUp }
    defer { memblock.bottomUp = previous }
    return allocateArch(size: size, align: align, start: start, end: end, noMap: noMap)
  }
}
