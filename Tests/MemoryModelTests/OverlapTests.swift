import MemoryModel
import TestSupport
import Testing

/// RangeIndex and OverlapSweep against comparing every pair.
@Suite struct OverlapTests {
  /// Small ranges on a small grid, so that overlaps, nesting, duplicates and empty ranges are common.
  static func ranges(_ generator: inout SplitMix64, count: Int) -> [PhysicalRange] {
    (0..<count).map { _ in
      let start = (generator.next() % 64) * 0x1000
      let size = (generator.next() % 12) * 0x1000
      return PhysicalRange(start: start, size: size)!
    }
  }

  @Test func rangeIndexCountsAndFindsWhatEveryPairComparisonFinds() {
    var generator = SplitMix64(seed: 1414)
    for _ in 0..<400 {
      let ranges = Self.ranges(&generator, count: Int(generator.next() % 40))
      let index = RangeIndex(ranges)
      for query in Self.ranges(&generator, count: 8) {
        let overlapping = ranges.indices.filter { ranges[$0].overlaps(query) }
        #expect(index.count(overlapping: query) == overlapping.count)
        let odd = index.last(overlapping: query) { $0 % 2 == 1 }
        #expect(odd.map { ranges[$0].overlaps(query) && $0 % 2 == 1 } ?? !overlapping.contains { $0 % 2 == 1 })
      }
    }
  }

  @Test func sweepReportsEachOverlappingRangeOnce() {
    var generator = SplitMix64(seed: 800)
    for _ in 0..<400 {
      let ranges = Self.ranges(&generator, count: Int(generator.next() % 40))
      let overlaps = OverlapSweep.overlaps(ranges)
      // Before, in start order (equal starts: by index).
      func before(_ a: Int, _ b: Int) -> Bool {
        ranges[a].start != ranges[b].start ? ranges[a].start < ranges[b].start : a < b
      }
      let expected = Set(
        ranges.indices.filter { i in
          ranges.indices.contains { j in j != i && before(j, i) && ranges[j].overlaps(ranges[i]) }
        })
      #expect(Set(overlaps.map(\.index)) == expected)
      #expect(overlaps.count == expected.count)
      for overlap in overlaps {
        #expect(before(overlap.partner, overlap.index) && ranges[overlap.partner].overlaps(ranges[overlap.index]))
        #expect(
          overlap.count
            == ranges.indices.filter { $0 != overlap.index && ranges[$0].overlaps(ranges[overlap.index]) }.count)
      }
      // Every overlapping pair shows up: one of its two is reported.
      let reported = Set(overlaps.map(\.index))
      for i in ranges.indices {
        for j in ranges.indices where i < j && ranges[i].overlaps(ranges[j]) {
          #expect(reported.contains(i) || reported.contains(j))
        }
      }
    }
  }

  /// 800 identical ranges are 319,600 pairs: 799 reports, each counting the other 799.
  @Test func identicalRangesAreReportedOncePerRange() {
    let ranges = Array(repeating: PhysicalRange(start: 0x8000_0000, size: 0x1000)!, count: 800)
    let overlaps = OverlapSweep.overlaps(ranges)
    #expect(overlaps.count == 799)
    #expect(overlaps.allSatisfy { $0.partner == 0 && $0.count == 799 })
  }
}
