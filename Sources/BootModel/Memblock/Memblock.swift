internal import MemoryModel

/// The early memory allocator, as mm/memblock.c (Linux 6.12) keeps it: `memory` (what exists,
/// with per-region flags and node ids) and `reserved` (what is taken). Every operation follows the
/// kernel function it names, including its quirks: sizes are capped so a range never passes
/// `PHYS_ADDR_MAX`, adding over existing memory keeps the existing flags, alignment uses the
/// kernel's power-of-two masks even for other values, and page 0 is never handed out.
///
/// Ranges are `[base, end)` with `end <= UInt64.max` (the kernel's cap), so no sum can overflow.
struct Memblock: Sendable {
  struct Flags: OptionSet, Hashable, Sendable {
    let rawValue: UInt8
    static let hotplug = Flags(rawValue: 1 << 0)
    static let noMap = Flags(rawValue: 1 << 2)
  }

  /// `MAX_NUMNODES`: the node id of memory added before NUMA is set up.
  static let noNode = -1

  struct Region: Hashable, Sendable {
    var base: UInt64
    var end: UInt64
    var flags: Flags
    var node: Int
    var size: UInt64 { end - base }
  }

  /// memblock.memory: sorted, disjoint, with neighbours of equal flags and node merged.
  private(set) var memory: [Region] = []
  /// memblock.reserved: sorted, disjoint, merged.
  private(set) var reserved = SpanList()
  /// `memblock_set_bottom_up()`: allocation direction.
  var bottomUp = false
  /// `movable_node` on the command line: hot-pluggable memory is skipped by allocations.
  var movableNode = false {
    didSet { searchCeilings.removeAll() }
  }

  /// A top-down request for a power-of-two alignment, and the address below which every fit for
  /// it lies. Reserving or removing memory only removes fits, so a repeated request can start
  /// where the last one ended; anything that adds free memory clears the table. This keeps many
  /// placements near-linear without changing any result.
  struct SearchKey: Hashable {
    var size, align, start, end: UInt64
  }
  var searchCeilings: [SearchKey: UInt64] = [:]

  /// `memblock_cap_size()`: the end of `[base, base + size)`, clamped to `PHYS_ADDR_MAX`.
  static func cappedEnd(_ base: UInt64, _ size: UInt64) -> UInt64 {
    base + min(size, UInt64.max - base)
  }

  // MARK: memblock.memory

  /// `memblock_add()`: adds the parts of the range not already present, with `flags`/`node`;
  /// memory already present keeps its flags (the kernel only warns).
  mutating func addMemory(_ base: UInt64, _ size: UInt64, node: Int = Memblock.noNode, flags: Flags = []) {
    let end = Self.cappedEnd(base, size)
    guard end > base else { return }
    // The regions the range overlaps, with the new pieces between them.
    let low = firstRegion(endingAfter: base)
    var high = low
    var window: [Region] = []
    var added = false
    var cursor = base
    while high < memory.count && memory[high].base < end {
      let region = memory[high]
      if region.base > cursor {
        window.append(Region(base: cursor, end: region.base, flags: flags, node: node))
        added = true
      }
      window.append(region)
      cursor = max(cursor, region.end)
      high += 1
    }
    if cursor < end {
      window.append(Region(base: cursor, end: end, flags: flags, node: node))
      added = true
    }
    guard added else { return }
    searchCeilings.removeAll()
    replaceMemory(low..<high, with: window)
  }

  /// `memblock_add()` of many ranges into an empty memblock.memory, as x86
  /// `e820__memblock_setup()` adds every usable e820 entry: the same result as adding them one by
  /// one (their union, neighbours merged) in O(n log n) instead of O(n²).
  mutating func addMemory(union ranges: [Span], node: Int = Memblock.noNode, flags: Flags = []) {
    guard memory.isEmpty else {
      for range in ranges { addMemory(range.base, range.end - range.base, node: node, flags: flags) }
      return
    }
    var result: [Region] = []
    for range in ranges.filter({ $0.end > $0.base }).sorted(by: { $0.base < $1.base }) {
      if let last = result.last, range.base <= last.end {
        result[result.count - 1].end = max(last.end, range.end)
      } else {
        result.append(Region(base: range.base, end: range.end, flags: flags, node: node))
      }
    }
    memory = result
  }

  /// `memblock_trim_memory(align)`: every memory region shrinks inward to whole multiples of
  /// `align`; regions left empty go.
  mutating func trimMemory(_ align: UInt64) {
    memory = memory.compactMap { region in
      guard let kept = PhysicalRange(start: region.base, size: region.size)?.roundedInward(to: align) else {
        return nil
      }
      return Region(base: kept.start, end: UInt64(kept.end), flags: region.flags, node: region.node)
    }
  }

  /// `memblock_phys_mem_size()`: the bytes of memory.
  var memorySize: UInt64 { memory.reduce(0) { $0 &+ $1.size } }

  /// memblock.memory as the kernel prints "Early memory node ranges" (`free_area_init()`): one
  /// line per region from PFN_UP(base) to PFN_DOWN(end), empty ones skipped.
  func printedRanges(pageSize: UInt64) -> [MemoryBlock] {
    memory.compactMap { region in
      guard let range = PhysicalRange(start: region.base, size: region.size)?.roundedInward(to: pageSize) else {
        return nil
      }
      return MemoryBlock(
        range: range, node: max(region.node, 0), noMap: region.flags.contains(.noMap),
        hotpluggable: region.flags.contains(.hotplug))
    }
  }

  /// The kernel's `memblock_isolate_range()` followed by an edit of the isolated regions: every
  /// region is split at the range's edges and each piece inside is replaced by `edit(piece)`
  /// (nil removes it); regions are merged again afterwards.
  private mutating func editMemory(_ base: UInt64, _ size: UInt64, _ edit: (Region) -> Region?) {
    let end = Self.cappedEnd(base, size)
    guard end > base else { return }
    let low = firstRegion(endingAfter: base)
    var high = low
    var window: [Region] = []
    while high < memory.count && memory[high].base < end {
      let region = memory[high]
      if region.base < base {
        window.append(Region(base: region.base, end: base, flags: region.flags, node: region.node))
      }
      let inner = Region(
        base: max(region.base, base), end: min(region.end, end), flags: region.flags, node: region.node)
      if let edited = edit(inner) { window.append(edited) }
      if region.end > end { window.append(Region(base: end, end: region.end, flags: region.flags, node: region.node)) }
      high += 1
    }
    guard high > low else { return }
    replaceMemory(low..<high, with: window)
  }

  /// The index of the first region of memory that ends after `address`.
  func firstRegion(endingAfter address: UInt64) -> Int { firstRegion { $0.end > address } }

  /// The index of the first region of memory for which `isAbove` holds, for a predicate that holds
  /// from some region on (binary search: the regions are sorted and disjoint).
  func firstRegion(where isAbove: (Region) -> Bool) -> Int { memory.partitionPoint(where: isAbove) }

  /// Replaces the regions `range` of memory with `regions` (sorted, disjoint, between the
  /// regions around `range`) and merges them with each other and with those two neighbours:
  /// the rest of memory is merged already, so `memblock_merge_regions()` has nothing else to do.
  /// One replacement per edit keeps adding or marking n regions O(n log n) for regions that
  /// come in order.
  private mutating func replaceMemory(_ range: Range<Int>, with regions: [Region]) {
    let low = max(range.lowerBound - 1, 0)
    let high = min(range.upperBound + 1, memory.count)
    var merged: [Region] = []
    merged.reserveCapacity(regions.count + 2)
    for region in memory[low..<range.lowerBound] { Self.appendMerging(region, to: &merged) }
    for region in regions { Self.appendMerging(region, to: &merged) }
    for region in memory[range.upperBound..<high] { Self.appendMerging(region, to: &merged) }
    memory.replaceSubrange(low..<high, with: merged)
  }

  /// Appends `region`, joining it to the last region when they touch with equal flags and node.
  private static func appendMerging(_ region: Region, to regions: inout [Region]) {
    if let last = regions.last, last.end == region.base, last.flags == region.flags, last.node == region.node {
      regions[regions.count - 1].end = region.end
    } else {
      regions.append(region)
    }
  }

  /// `memblock_remove()`: drops every part of memory inside the range.
  mutating func removeMemory(_ base: UInt64, _ size: UInt64) {
    editMemory(base, size) { _ in nil }
  }

  /// `memblock_setclr_flag()` on memory: sets or clears `flag` on the part of memory inside the
  /// range (`memblock_mark_nomap`, `memblock_clear_nomap`, `memblock_mark_hotplug`).
  mutating func setFlag(_ flag: Flags, _ on: Bool, _ base: UInt64, _ size: UInt64) {
    if !on || flag == .hotplug { searchCeilings.removeAll() }
    editMemory(base, size) { region in
      var region = region
      if on { region.flags.insert(flag) } else { region.flags.remove(flag) }
      return region
    }
  }

  /// `memblock_set_node()`: gives the part of memory inside the range node `node`.
  mutating func setNode(_ node: Int, _ base: UInt64, _ size: UInt64) {
    editMemory(base, size) { region in
      var region = region
      region.node = node
      return region
    }
  }

  /// Gives every region the same node (the kernel's single faked node).
  mutating func setAllNodes(_ node: Int) {
    for index in memory.indices { memory[index].node = node }
    mergeMemory()
  }

  /// `memblock_merge_regions()`.
  private mutating func mergeMemory() {
    var result: [Region] = []
    result.reserveCapacity(memory.count)
    for region in memory { Self.appendMerging(region, to: &result) }
    memory = result
  }

  /// `memblock_cap_memory_range()`: removes all memory outside the range except NOMAP regions,
  /// and truncates reservations to it.
  mutating func capMemoryRange(_ base: UInt64, _ size: UInt64) {
    guard size != 0, !memory.isEmpty else { return }
    searchCeilings.removeAll()
    let end = Self.cappedEnd(base, size)
    var result: [Region] = []
    for region in memory {
      if region.flags.contains(.noMap) {
        result.append(region)
        continue
      }
      let low = max(region.base, base)
      let high = min(region.end, end)
      if low < high { result.append(Region(base: low, end: high, flags: region.flags, node: region.node)) }
    }
    memory = result
    mergeMemory()
    freeReserved(0, base)
    freeReserved(end, UInt64.max)
  }

  /// `memblock_mem_limit_remove_map()`: keeps the first `limit` bytes of memory counted from the
  /// lowest region (NOMAP regions count), as `mem=` does on arm64.
  mutating func limitMemory(to limit: UInt64) {
    guard limit != 0 else { return }
    var remaining = limit
    var maxAddress: UInt64? = nil
    for region in memory {
      if remaining <= region.size {
        maxAddress = region.base + remaining
        break
      }
      remaining -= region.size
    }
    guard let maxAddress else { return }
    capMemoryRange(0, maxAddress)
  }

  var startOfDRAM: UInt64? { memory.first?.base }
  var endOfDRAM: UInt64? { memory.last?.end }

  /// `memblock_overlaps_region(&memblock.memory, …)`.
  func overlapsMemory(_ base: UInt64, _ size: UInt64) -> Bool {
    let end = Self.cappedEnd(base, size)
    let index = firstRegion(endingAfter: base)
    return index < memory.count && memory[index].base < end
  }

  // MARK: memblock.reserved

  /// `memblock_reserve()`.
  mutating func reserve(_ base: UInt64, _ size: UInt64) {
    reserved.insert(Span(base: base, end: Self.cappedEnd(base, size)))
  }

  /// `memblock_phys_free()` / removal from memblock.reserved.
  mutating func freeReserved(_ base: UInt64, _ size: UInt64) {
    searchCeilings.removeAll()
    reserved.remove(Span(base: base, end: Self.cappedEnd(base, size)))
  }

  /// `memblock_is_region_reserved()`: any part of the range is reserved.
  func isReserved(_ base: UInt64, _ size: UInt64) -> Bool {
    reserved.overlaps(Span(base: base, end: Self.cappedEnd(base, size)))
  }
}
