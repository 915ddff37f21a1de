import TestSupport
import Testing

@testable import BootModel

/// The allocator model against brute force on small spaces.
@Suite struct MemblockTests {
  /// The highest `align`-aligned start where `size` free bytes fit inside one memory region,
  /// at or above max(start, page) and ending at or below `end`, by trying every address.
  func bruteForceTopDown(_ m: Memblock, size: UInt64, align: UInt64, start: UInt64, end: UInt64, page: UInt64)
    -> UInt64?
  {
    let low = max(start, page)
    guard end > low else { return nil }
    var candidate = end >= size ? (end - size) & ~(align - 1) : nil
    while let c = candidate, c >= low {
      let fitsOneRegion = m.memory.contains { r in
        !r.flags.contains(.noMap) && r.base <= c && c + size <= r.end
      }
      let free = !m.reserved.spans.contains { $0.base < c + size && c < $0.end }
      if fitsOneRegion && free { return c }
      candidate = c >= align ? c - align : nil
    }
    return nil
  }

  @Test func topDownPlacementMatchesBruteForce() {
    var generator = SplitMix64(seed: 5)
    for _ in 0..<1_500 {
      var m = Memblock()
      for _ in 0..<(1 + generator.next() % 3) {
        m.addMemory(0x1000 * (generator.next() % 64), 0x1000 * (1 + generator.next() % 32))
      }
      for _ in 0..<(generator.next() % 5) {
        m.reserve(0x100 * (generator.next() % 1024), 0x100 * (1 + generator.next() % 64))
      }
      if generator.next() % 3 == 0 {
        m.setFlag(.noMap, true, 0x1000 * (generator.next() % 64), 0x1000 * (1 + generator.next() % 8))
      }
      let size = 0x100 * (1 + generator.next() % 80)
      let align = UInt64(1) << (6 + generator.next() % 8)
      let end = generator.next() % 2 == 0 ? UInt64.max : 0x1000 * (generator.next() % 100)
      let start = 0x1000 * (generator.next() % 40)
      let limitedEnd = min(end, 0x70000)
      let expected = bruteForceTopDown(m, size: size, align: align, start: start, end: limitedEnd, page: 0x1000)
      #expect(m.find(size: size, align: align, start: start, end: end, pageSize: 0x1000) == expected)
    }
  }

  /// Many allocations in a row (which use the search ceilings) land exactly where a fresh
  /// search of the same state (which does not) puts them, including after frees.
  @Test func repeatedAllocationsMatchFreshSearches() {
    var generator = SplitMix64(seed: 21)
    for _ in 0..<60 {
      var m = Memblock()
      m.addMemory(0x10_0000, 0x400_0000)
      m.reserve(0x200_0000, 0x3000)
      for step in 0..<300 {
        let size = 0x1000 * (1 + generator.next() % 5)
        let align = UInt64(1) << (12 + generator.next() % 5)
        let end = generator.next() % 3 == 0 ? 0x300_0000 : UInt64.max
        let expected = m.find(size: size, align: align, start: 0, end: end, pageSize: 0x1000)
        let got = m.allocate(size: size, align: align, start: 0, end: end, pageSize: 0x1000)
        #expect(got == expected, "step \(step)")
        if step % 37 == 0, let got { m.freeReserved(got, size / 2) }
      }
    }
  }

  /// Taking pages in bulk is the same as taking them one at a time.
  @Test func bulkPagesMatchSinglePageAllocations() {
    var generator = SplitMix64(seed: 33)
    for _ in 0..<300 {
      var m = Memblock()
      m.addMemory(0x10_0000, 0x100_0000)
      for _ in 0..<(generator.next() % 12) {
        m.reserve(0x10_0000 + generator.next() % 0x100_0000, 1 + generator.next() % 0x8000)
      }
      if generator.next() % 2 == 0 { m.setFlag(.noMap, true, 0x80_0000, 0x1_0000) }
      var single = m
      let count = generator.next() % 5000
      for _ in 0..<count {
        _ = single.allocate(size: 0x1000, align: 0x1000, start: 0, end: UInt64.max, pageSize: 0x1000)
      }
      m.allocatePages(count, pageSize: 0x1000)
      #expect(m.reserved.spans == single.reserved.spans)
    }
  }

  @Test func memoryRegionsMergeOnlyWithEqualFlagsAndNodes() {
    var m = Memblock()
    m.addMemory(0x4000_0000, 0x1000_0000)
    m.addMemory(0x5000_0000, 0x1000_0000)
    #expect(m.memory.count == 1)
    m.setFlag(.noMap, true, 0x4800_0000, 0x10_0000)
    #expect(m.memory.count == 3)
    m.setFlag(.noMap, false, 0x4800_0000, 0x10_0000)
    #expect(m.memory.count == 1)
    m.setNode(1, 0x5000_0000, 0x1000_0000)
    #expect(m.memory.map(\.node) == [Memblock.noNode, 1])
  }

  @Test func memLimitCountsFromTheLowestRegion() {
    var m = Memblock()
    m.addMemory(0x4000_0000, 0x2000_0000)
    m.addMemory(0x8000_0000, 0x4000_0000)
    m.reserve(0x9000_0000, 0x1000)
    m.limitMemory(to: 0x3000_0000)  // 512 MiB from the first bank, 256 MiB from the second
    #expect(m.memory.map { [$0.base, $0.end] } == [[0x4000_0000, 0x6000_0000], [0x8000_0000, 0x9000_0000]])
    #expect(m.reserved.spans.isEmpty)  // reservations above the cap are truncated
  }

  @Test func capKeepsNoMapRegionsOutsideTheRange() {
    var m = Memblock()
    m.addMemory(0x4000_0000, 0x4000_0000)
    m.setFlag(.noMap, true, 0x7000_0000, 0x10_0000)
    m.capMemoryRange(0x4000_0000, 0x1000_0000)
    #expect(m.memory.count == 2)
    #expect(m.memory[1].flags.contains(.noMap))
  }
}

/// The chunked span list against the plain sorted-array operations it replaces.
@Suite struct SpanListTests {
  @Test func behavesLikeASortedMergedArray() {
    var generator = SplitMix64(seed: 11)
    for round in 0..<40 {
      var list = SpanList()
      var plain: [Span] = []
      for _ in 0..<(200 + round * 20) {
        let base = generator.next() % 100_000
        let span = Span(base: base, end: base + 1 + generator.next() % (round % 2 == 0 ? 40 : 900))
        if generator.next() % 4 == 0 {
          list.remove(span)
          Span.remove(span, from: &plain)
        } else {
          list.insert(span)
          Span.insert(span, into: &plain)
        }
        let probe = Span(base: generator.next() % 100_000, end: 0)
        let probeSpan = Span(base: probe.base, end: probe.base + 1 + generator.next() % 100)
        #expect(list.overlaps(probeSpan) == Span.overlaps(probeSpan, plain))
      }
      #expect(list.spans == plain)
      // Gap walks agree with the plain list, with and without chunk skipping.
      let window = Span(base: generator.next() % 50_000, end: 50_000 + generator.next() % 50_000)
      let minimum = generator.next() % 64
      var fromList: [Span] = []
      list.forEachGapReversed(in: window, minimum: minimum) {
        fromList.append($0)
        return true
      }
      var expected: [Span] = []
      var top = window.end
      for taken in plain.reversed() where taken.base < window.end && taken.end > window.base {
        if max(taken.end, window.base) < top { expected.append(Span(base: max(taken.end, window.base), end: top)) }
        top = min(top, taken.base)
      }
      if top > window.base { expected.append(Span(base: window.base, end: top)) }
      #expect(fromList.filter { $0.end - $0.base >= minimum } == expected.filter { $0.end - $0.base >= minimum })
      var upward: [Span] = []
      list.forEachGap(in: window, minimum: minimum) {
        upward.append($0)
        return true
      }
      #expect(
        upward.filter { $0.end - $0.base >= minimum } == expected.reversed().filter { $0.end - $0.base >= minimum })
      // Starting below a limit visits exactly the gaps that start below it, whole.
      let limit = window.base + generator.next() % (window.end - window.base + 1)
      var limited: [Span] = []
      list.forEachGapReversed(in: window, minimum: 0, below: limit) {
        limited.append($0)
        return true
      }
      #expect(limited == expected.filter { $0.base < limit })
    }
  }
}
