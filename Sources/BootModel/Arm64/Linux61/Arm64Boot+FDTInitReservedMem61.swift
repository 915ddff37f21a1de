internal import MemoryModel

/// Linux 6.1's `fdt_init_reserved_mem()` (drivers/of/of_reserved_mem.c, 6.1.176).
extension Arm64BootState {
  /// `__rmem_check_for_overlap()` sorts `reserved_mem[]` by (base, size) with lib/sort.c's
  /// heapsort (`SortR61`) — before any dynamic region has a place, so every dynamic entry is
  /// (0, 0) and their order is whatever the heapsort leaves — and reports overlapping neighbours.
  /// Then each entry in that order: a dynamic one (size 0) is placed (`__reserved_mem_alloc_size()`),
  /// and a placed or static one is initialised (`__reserved_mem_init_node()`); when its handler
  /// fails, the memory is given back (`node … compatible matching fail`).
  mutating func initReservedMem61(_ events: inout [BootEvent]) -> [String] {
    guard let node = board.reservedMemory else { return [] }
    var table = table61
    SortR61.sort(&table, Self.compareReservedMem61)
    if table.count >= 2 {
      for (this, next) in zip(table, table.dropFirst()) where this.base &+ this.size > next.base {
        events.append(.reservedMemory(.overlap(region61(this), region61(next))))
      }
    }
    var notes: [String] = []
    let order = table.filter { $0.size == 0 }.map { node.children[$0.childIndex].name }
    if order.count > 1 { notes.append("dynamic regions placed in sorted order: \(order.joined(separator: ", "))") }
    for entry in table {
      let child = node.children[entry.childIndex]
      var base = entry.base
      var size = entry.size
      var reservationIndex = entry.reservationIndex
      if size == 0 {
        // A static entry of size 0 is placed too if the node has `size`; without, -EINVAL.
        guard child.size != nil, let placed = placeDynamic(child, &events) else { continue }
        (base, size, reservationIndex) = (placed.base, placed.size, placed.reservationIndex)
      }
      guard let reservationIndex else { continue }
      let record = ReservedMemoryRecord(
        childIndex: entry.childIndex,
        region: RecordedRegion(
          node: ReservedNode(child), base: base, size: size, noMap: child.noMap, reusable: child.reusable),
        reservationIndex: reservationIndex)
      records.append(record)
      initialise(record, child, &events)
    }
    return notes
  }

  /// `__rmem_cmp()`: by base, then size (dynamic entries, size 0, before a static one at 0).
  static func compareReservedMem61(_ a: ReservedMemoryEntry61, _ b: ReservedMemoryEntry61) -> Int {
    if a.base != b.base { return a.base < b.base ? -1 : 1 }
    if a.size != b.size { return a.size < b.size ? -1 : 1 }
    return 0
  }

  func region61(_ entry: ReservedMemoryEntry61) -> RecordedRegion {
    let child = board.reservedMemory!.children[entry.childIndex]
    return RecordedRegion(
      node: ReservedNode(child), base: entry.base, size: entry.size, noMap: child.noMap, reusable: child.reusable)
  }

  /// `__reserved_mem_alloc_size()` (6.1) tries each `alloc-ranges` window with
  /// `early_init_dt_alloc_reserved_memory_arch()` as it is: top-down, whatever is recorded
  /// around it (6.12's `__reserved_mem_alloc_in_range()` may go bottom-up).
  mutating func allocateInWindow61(size: UInt64, align: UInt64, start: UInt64, end: UInt64, noMap: Bool) -> UInt64? {
    allocateArch(size: size, align: align, start: start, end: end, noMap: noMap)
  }
}
