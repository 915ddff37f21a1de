internal import MemoryModel

/// Allocation from memblock: `memblock_phys_alloc_range()` and the searches under it.
extension Memblock {

  /// `memblock_phys_alloc_range()` → `memblock_find_in_range_node()` + `memblock_reserve()`:
  /// the highest (or, bottom-up, lowest) `align`-aligned `size` bytes of free memory in
  /// `[start, end)`, skipping NOMAP memory and (with movable_node) hot-pluggable memory.
  /// nil when nothing fits. `end == UInt64.max` means anywhere.
  mutating func allocate(size: UInt64, align: UInt64, start: UInt64, end: UInt64, pageSize: UInt64) -> UInt64? {
    // Top-down with a power-of-two alignment returns the highest fit, so the ceiling applies.
    if !bottomUp && size > 0 && Alignment.isPowerOfTwo(align) {
      let low = max(start, pageSize)
      let key = SearchKey(size: size, align: align, start: low, end: max(low, end))
      let found = findTopDown(key.start, key.end, size: size, align: align, below: searchCeilings[key] ?? .max)
      searchCeilings[key] = found ?? key.start
      if let found { reserve(found, size) }
      return found
    }
    guard let found = find(size: size, align: align, start: start, end: end, pageSize: pageSize) else { return nil }
    reserve(found, size)
    return found
  }

  /// `count` single pages taken top-down one after another (what page-table allocations do),
  /// computed a gap at a time: each page goes to the highest free page-aligned page, so the
  /// pages fill the free gaps from the top. Returns how many pages were taken.
  @discardableResult
  mutating func allocatePages(_ count: UInt64, pageSize: UInt64) -> UInt64 {
    var remaining = count
    var taken: [Span] = []
    for region in memory.reversed() where usableForAllocation(region) && remaining > 0 {
      reserved.forEachGapReversed(in: Span(base: region.base, end: region.end), minimum: pageSize) { gap in
        let low = max(gap.base, pageSize)
        guard let firstPage = Alignment.up(low, pageSize) else { return true }
        let top = Alignment.down(gap.end, pageSize)
        guard top > firstPage else { return true }
        let pages = min((top - firstPage) / pageSize, remaining)
        taken.append(Span(base: top - pages * pageSize, end: top))
        remaining -= pages
        return remaining > 0
      }
    }
    for span in taken { reserve(span.base, span.end - span.base) }
    return count - remaining
  }

  /// `memblock_find_in_range_node()` without reserving.
  func find(size: UInt64, align: UInt64, start: UInt64, end: UInt64, pageSize: UInt64) -> UInt64? {
    // Avoid allocating the first page.
    let low = max(start, pageSize)
    let high = max(low, end)
    return bottomUp
      ? findBottomUp(low, high, size: size, align: align)
      : findTopDown(low, high, size: size, align: align)
  }

  /// `round_down()` and `round_up()` as the kernel's macros compute them (masks).
  @inline(__always) static func roundDown(_ x: UInt64, _ y: UInt64) -> UInt64 { x & ~(y &- 1) }
  @inline(__always) static func roundUp(_ x: UInt64, _ y: UInt64) -> UInt64 { ((x &- 1) | (y &- 1)) &+ 1 }

  func usableForAllocation(_ region: Region) -> Bool {
    if region.flags.contains(.noMap) { return false }
    if movableNode && region.flags.contains(.hotplug) { return false }
    return true
  }

  /// `__memblock_find_range_top_down()` over `for_each_free_mem_range_reverse`. Free ranges
  /// wholly outside `[start, end)` cannot hold a non-empty block, so they are skipped; an empty
  /// request walks every range exactly as the kernel does.
  func findTopDown(_ start: UInt64, _ end: UInt64, size: UInt64, align: UInt64, below ceiling: UInt64 = .max) -> UInt64?
  {
    let prune = size > 0
    // Regions starting at or above `end` or `ceiling` cannot hold the block: start below them.
    let top = prune ? firstRegion { $0.base >= min(end, ceiling) } : memory.count
    for region in memory[..<top].reversed() where usableForAllocation(region) {
      if prune && region.end <= start { break }
      var found: UInt64? = nil
      reserved.forEachGapReversed(in: Span(base: region.base, end: region.end), minimum: size, below: ceiling) { gap in
        let thisStart = min(max(gap.base, start), end)
        let thisEnd = min(max(gap.end, start), end)
        if thisEnd < size { return true }
        let candidate = Self.roundDown(thisEnd - size, align)
        if candidate >= thisStart {
          found = candidate
          return false
        }
        return !prune || gap.base > start
      }
      if let found { return found }
    }
    return nil
  }

  /// `__memblock_find_range_bottom_up()` over `for_each_free_mem_range`.
  func findBottomUp(_ start: UInt64, _ end: UInt64, size: UInt64, align: UInt64) -> UInt64? {
    let prune = size > 0
    // Regions ending at or below `start` cannot hold the block: start above them.
    let bottom = prune ? firstRegion(endingAfter: start) : 0
    for region in memory[bottom...] where usableForAllocation(region) {
      if prune && region.base >= end { break }
      var found: UInt64? = nil
      reserved.forEachGap(in: Span(base: region.base, end: region.end), minimum: size) { gap in
        let thisStart = min(max(gap.base, start), end)
        let thisEnd = min(max(gap.end, start), end)
        let candidate = Self.roundUp(thisStart, align)
        if candidate < thisEnd && thisEnd - candidate >= size {
          found = candidate
          return false
        }
        return !prune || gap.end < end
      }
      if let found { return found }
    }
    return nil
  }
}
