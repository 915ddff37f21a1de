internal import MemoryModel

/// One entry of the kernel's `reserved_mem[]` table.
struct ReservedMemoryRecord: Hashable, Sendable {
  /// The child's position in `/reserved-memory` (stands in for its FDT offset, which orders the
  /// same way).
  var childIndex: Int
  var name: String
  var base: UInt64
  var size: UInt64
  /// Its entry in the result's reservation list.
  var reservationIndex: Int
}

/// Steps 5–7: `/reserved-memory` (drivers/of/of_reserved_mem.c, Linux 6.12), elfcorehdr and
/// `/memreserve/` (drivers/of/fdt.c).
extension Arm64BootState {
  /// `MAX_RESERVED_REGIONS`.
  static let maximumRecords = 64

  /// `__reserved_mem_check_root()`: the node's cell counts must equal the root's and `ranges`
  /// must exist, or the kernel ignores the whole node.
  var reservedMemoryFormatIsSupported: Bool {
    guard let node = board.reservedMemory else { return false }
    return node.sizeCells == board.rootCells.size && node.addressCells == board.rootCells.address
      && node.hasRanges
  }

  var tupleBytes: Int { board.rootCells.tupleBytes }

  static let unsupportedFormatMessage = "OF: reserved mem: Reserved memory: unsupported node format, ignoring"

  /// The early pass over static children: `__reserved_mem_reserve_reg()` for each `reg` tuple;
  /// children with `size` and no `reg` are set aside for dynamic placement.
  mutating func reserveStaticRegions(_ log: inout [String]) -> [String] {
    guard let node = board.reservedMemory else { return ["no /reserved-memory node"] }
    guard reservedMemoryFormatIsSupported else {
      log.append(Self.unsupportedFormatMessage)
      let reason =
        "\(node.path) is ignored: its #address-cells/#size-cells (\(node.addressCells.map(String.init) ?? "absent")/\(node.sizeCells.map(String.init) ?? "absent")) must equal the root's (\(board.rootCells.address)/\(board.rootCells.size)) and it needs a ranges property\(node.hasRanges ? "" : " (missing)")"
      for child in node.children {
        reservations.append(
          Reservation(name: child.name, path: child.path, origin: child.reg != nil ? .staticRegion : .dynamicRegion, status: .failed(reason: reason)))
      }
      return ["whole node ignored"]
    }
    var notes: [String] = []
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
        log.append("OF: reserved mem: Reserved memory: invalid reg property in '\(child.name)', skipping node.")
        reservations.append(
          Reservation(
            name: child.name, path: child.path, origin: .staticRegion, noMap: child.noMap, reusable: child.reusable,
            compatible: child.compatible,
            status: .failed(reason: "reg is \(reg.byteLength) bytes, not a multiple of one (address, size) tuple (\(tupleBytes) bytes with the root's cells); the kernel skips the node")))
        continue
      }
      if reg.tuples.isEmpty {
        reservations.append(
          Reservation(
            name: child.name, path: child.path, origin: .staticRegion, noMap: child.noMap, compatible: child.compatible,
            status: .failed(reason: "reg is empty; nothing is reserved")))
        continue
      }
      for (tupleIndex, tuple) in reg.tuples.enumerated() {
        var status = Reservation.Status.reserved
        if tuple.size == 0 {
          status = .failed(reason: "size 0")
        } else if let refusal = earlyReserve(tuple, noMap: child.noMap) {
          status = .failed(reason: refusal)
        }
        if case .failed = status {
          log.append(
            "OF: reserved mem: Reserved memory: failed to reserve memory for node '\(child.name)': base \(KernelFormat.pa(tuple.address)), size \(KernelFormat.mib(tuple.size))")
        }
        let range = PhysicalRange(start: tuple.address, size: min(tuple.size, UInt64.max - tuple.address))
        staticReservationIndex[ChildTuple(child: index, tuple: tupleIndex)] = reservations.count
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
  mutating func earlyReserve(_ tuple: RegTuple, noMap: Bool) -> String? {
    if noMap {
      if memblock.overlapsMemory(tuple.address, tuple.size) && memblock.isReserved(tuple.address, tuple.size) {
        let range = PhysicalRange(start: tuple.address, size: min(tuple.size, UInt64.max - tuple.address))
        let culprits = reservations.filter { r in
          guard let other = r.range, let range else { return false }
          switch r.status {
          case .reserved, .allocated: return other.overlaps(range)
          default: return false
          }
        }.map { "\($0.name) \($0.range!)" }
        let what = culprits.isEmpty ? "memory already reserved" : culprits.joined(separator: ", ")
        return "no-map region overlaps \(what); the kernel refuses to unmap it (-EBUSY) and leaves it mapped and unreserved"
      }
      memblock.setFlag(.noMap, true, tuple.address, tuple.size)
      return nil
    }
    memblock.reserve(tuple.address, tuple.size)
    return nil
  }

  /// Dynamic children in DT order: `__reserved_mem_alloc_size()`, each placed, recorded and
  /// initialised before the next is tried.
  mutating func allocateDynamicRegions(_ log: inout [String]) -> [String] {
    guard let node = board.reservedMemory else { return [] }
    for index in dynamicChildren {
      allocateDynamic(node.children[index], childIndex: index, &log)
    }
    // The dynamic nodes sit in a 64-entry array on the stack, filled without a bound check:
    // a 65th overwrites the stack canary and the function's return panics.
    if dynamicChildren.count > Self.maximumRecords {
      let message = "stack-protector: Kernel stack is corrupted in: fdt_scan_reserved_mem"
      log.append("Kernel panic - not syncing: \(message)")
      panic = message
      diagnostics.append(
        Diagnostic(
          .error, at: node.path,
          "\(dynamicChildren.count) dynamic children: Linux 6.12 keeps them in a \(Self.maximumRecords)-entry array on the stack without a bound check; the kernel panics (\(message)) before its console is up, so the boot just hangs"))
      return ["\(dynamicChildren.count) dynamic children overflow the kernel's \(Self.maximumRecords)-entry array: panic"]
    }
    return []
  }

  mutating func allocateDynamic(_ child: ReservedRegionNode, childIndex: Int, _ log: inout [String]) {
    let cells = board.rootCells
    func fail(_ reason: String, size: UInt64? = nil, align: UInt64? = nil) {
      reservations.append(
        Reservation(
          name: child.name, path: child.path, origin: .dynamicRegion, requestedSize: size, alignment: align,
          allocRanges: child.allocRanges?.tuples ?? [], noMap: child.noMap, reusable: child.reusable,
          compatible: child.compatible, status: .failed(reason: reason)))
    }
    guard let sizeProperty = child.size, let size = sizeProperty.value else {
      log.append("OF: reserved mem: invalid size property in '\(child.name)' node.")
      fail("size is \(child.size?.byteLength ?? 0) bytes; the kernel needs exactly #size-cells (\(cells.size)) cells")
      return
    }
    var align: UInt64 = 0
    if let alignment = child.alignment {
      guard let value = alignment.value else {
        log.append("OF: reserved mem: invalid alignment property in '\(child.name)' node.")
        fail(
          "alignment is \(alignment.byteLength) bytes; Linux 6.12 reads it with #address-cells (\(cells.address) cells)",
          size: size)
        return
      }
      align = value
    }
    let noMap = child.noMap
    if child.isSharedDMAPool && child.reusable && !noMap {
      align = max(align, configuration.pageSize.cmaMinimumAlignment)
    }
    var base: UInt64 = 0
    if let ranges = child.allocRanges {
      guard ranges.byteLength % tupleBytes == 0 else {
        log.append("OF: reserved mem: invalid alloc-ranges property in '\(child.name)', skipping node.")
        fail("alloc-ranges is \(ranges.byteLength) bytes, not a multiple of one (address, size) tuple", size: size, align: align)
        return
      }
      for window in ranges.tuples {
        base = 0
        if let placed = allocateInRange(size: size, align: align, start: window.address, end: window.address &+ window.size, noMap: noMap) {
          base = placed
          break
        }
      }
    } else if let placed = allocateArch(size: size, align: align, start: 0, end: 0, noMap: noMap) {
      base = placed
    }
    let effectiveAlign = align == 0 ? arm64CacheLineBytes : align
    guard base != 0 else {
      log.append("OF: reserved mem: failed to allocate memory for node '\(child.name)': size \(KernelFormat.mib(size))")
      let where_ = child.allocRanges == nil ? "in free memory" : "in any alloc-ranges window"
      fail("no free \(ByteCount.human(size)) block aligned to \(Hex.short(effectiveAlign)) \(where_)", size: size, align: effectiveAlign)
      return
    }
    let reservationIndex = reservations.count
    reservations.append(
      Reservation(
        name: child.name, path: child.path, origin: .dynamicRegion,
        range: PhysicalRange(start: base, size: min(size, UInt64.max - base)), requestedSize: size,
        alignment: effectiveAlign, allocRanges: child.allocRanges?.tuples ?? [], noMap: noMap,
        reusable: child.reusable, compatible: child.compatible, status: .allocated))
    saveNode(child, childIndex: childIndex, base: base, size: size, reservationIndex: reservationIndex, &log)
  }

  /// `early_init_dt_alloc_reserved_memory_arch()`.
  mutating func allocateArch(size: UInt64, align: UInt64, start: UInt64, end: UInt64, noMap: Bool) -> UInt64? {
    let end = end == 0 ? UInt64.max : end
    let align = align == 0 ? arm64CacheLineBytes : align
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

  /// `fdt_reserved_mem_save_node()`: record (64 at most) and initialise.
  mutating func saveNode(
    _ child: ReservedRegionNode, childIndex: Int, base: UInt64, size: UInt64, reservationIndex: Int,
    _ log: inout [String]
  ) {
    guard records.count < Self.maximumRecords else {
      log.append("OF: reserved mem: not enough space for all defined regions.")
      diagnostics.append(
        Diagnostic(
          .warning, at: child.path,
          "the kernel's table of reserved regions is full (\(Self.maximumRecords)); this region stays reserved but is never initialised"))
      return
    }
    let record = ReservedMemoryRecord(childIndex: childIndex, name: child.name, base: base, size: size, reservationIndex: reservationIndex)
    records.append(record)
    initialise(record, child, &log)
  }

  /// `fdt_init_reserved_mem_node()`: run the handlers; on failure give the memory back.
  mutating func initialise(_ record: ReservedMemoryRecord, _ child: ReservedRegionNode, _ log: inout [String]) {
    let outcome = initialiseHandlers(record, child, &log)
    if let failure = outcome {
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
      reservations[record.reservationIndex].status = .failed(reason: "\(failure); \(consequence)")
    } else {
      let end = record.base &+ record.size &- 1
      log.append(
        "OF: reserved mem: \(KernelFormat.pa(record.base))..\(KernelFormat.pa(end)) (\(record.size / 1024) KiB) \(child.noMap ? "nomap" : "map") \(child.reusable ? "reusable" : "non-reusable") \(record.name)")
    }
  }

  /// `fdt_reserve_elfcorehdr()` (6.12: after dynamic placement).
  mutating func reserveElfCoreHeader(_ log: inout [String]) -> [String] {
    guard let header = elfCoreHeader, header.size != 0 else { return [] }
    let range = PhysicalRange(start: header.address, size: min(header.size, UInt64.max - header.address))
    let path = board.chosen?.path ?? "/chosen"
    if memblock.isReserved(header.address, header.size) {
      log.append("OF: fdt: elfcorehdr is overlapped")
      reservations.append(
        Reservation(
          name: "elfcorehdr", path: path, origin: .elfCoreHeader, range: range,
          status: .failed(reason: "overlaps memory already reserved; the kernel does not reserve it")))
      return []
    }
    memblock.reserve(header.address, header.size)
    log.append("OF: fdt: Reserving \(header.size >> 10) KiB of memory at \(KernelFormat.llx(header.address)) for elfcorehdr")
    reservations.append(Reservation(name: "elfcorehdr", path: path, origin: .elfCoreHeader, range: range, status: .reserved))
    return []
  }

  /// `/memreserve/` entries, reserved last in 6.12: dynamic regions may already sit on them.
  mutating func reserveHeaderEntries() -> [String] {
    var notes: [String] = []
    for (index, entry) in board.memoryReservations.enumerated() {
      let range = PhysicalRange(start: entry.address, size: min(entry.size, UInt64.max - entry.address))
      if let range, let clash = reservations.first(where: {
        $0.origin == .dynamicRegion && $0.status == .allocated && ($0.range?.overlaps(range) ?? false)
      }) {
        notes.append("/memreserve/ #\(index) overlaps dynamic region \(clash.name), placed before it")
      }
      memblock.reserve(entry.address, entry.size)
      reservations.append(
        Reservation(name: "memreserve-\(index)", path: "/memreserve/", origin: .memoryReservationBlock, range: range, status: .reserved))
    }
    return notes
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
          "OF: reserved mem: fdt_scan_reserved_mem_reg_nodes() ignores \(reg.byteLength / tupleBytes - 1) regions in node '\(child.name)'")
      }
      guard let first = reg.tuples.first, first.size != 0,
        let reservationIndex = staticReservationIndex[ChildTuple(child: index, tuple: 0)]
      else { continue }
      saveNode(child, childIndex: index, base: first.address, size: first.size, reservationIndex: reservationIndex, &log)
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
        "\(this.name) (\(KernelFormat.pa(this.base))--\(KernelFormat.pa(this.base &+ this.size))) overlaps with \(next.name) (\(KernelFormat.pa(next.base))--\(KernelFormat.pa(next.base &+ next.size)))")
    }
  }
}

/// A `reg` tuple of a `/reserved-memory` child.
struct ChildTuple: Hashable, Sendable {
  var child: Int
  var tuple: Int
}

extension ReservedRegionNode {
  /// `of_flat_dt_is_compatible(node, "shared-dma-pool")` (case-insensitive, any entry).
  var isSharedDMAPool: Bool { compatible.contains { $0.lowercased() == "shared-dma-pool" } }
}
