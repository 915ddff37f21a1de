@testable import BootModel
import TestSupport
import Testing

/// The allocator model against brute force on small spaces.
@Suite struct MemblockTests {
  /// The highest `align`-aligned start where `size` free bytes fit inside one memory region,
  /// at or above max(start, page) and ending at or below `end`, by trying every address.
  func bruteForceTopDown(_ m: Memblock, size: UInt64, align: UInt64, start: UInt64, end: UInt64, page: UInt64) -> UInt64? {
    let low = max(start, page)
    guard end > low else { return nil }
    var candidate = end >= size ? (end - size) & ~(align - 1) : nil
    while let c = candidate, c >= low {
      let fitsOneRegion = m.memory.contains { r in
        !r.flags.contains(.noMap) && r.base <= c && c + size <= r.end
      }
      let free = !m.reserved.contains { $0.base < c + size && c < $0.end }
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
      if generator.next() % 3 == 0 { m.setFlag(.noMap, true, 0x1000 * (generator.next() % 64), 0x1000 * (1 + generator.next() % 8)) }
      let size = 0x100 * (1 + generator.next() % 80)
      let align = UInt64(1) << (6 + generator.next() % 8)
      let end = generator.next() % 2 == 0 ? UInt64.max : 0x1000 * (generator.next() % 100)
      let start = 0x1000 * (generator.next() % 40)
      let limitedEnd = min(end, 0x70000)
      let expected = bruteForceTopDown(m, size: size, align: align, start: start, end: limitedEnd, page: 0x1000)
      #expect(m.find(size: size, align: align, start: start, end: end, pageSize: 0x1000) == expected)
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
    #expect(m.reserved.isEmpty)  // reservations above the cap are truncated
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
