import MemoryModel
import TestSupport
import Testing

/// `MemoryMap.sanitized` (the kernel's e820__update_table) against an independent oracle: cut
/// the address space at every entry boundary, give each piece the highest kind covering it,
/// then merge equal neighbours except PRAM and soft-reserved.
@Suite struct SanitizeTests {
  static let kinds: [RegionKind] = [
    .usable, .reserved, .acpiData, .acpiNVS, .unusable, .persistent, .persistentLegacy, .softReserved,
    RegionKind(rawValue: 0), RegionKind(rawValue: 20),
  ]

  func oracle(_ entries: [MapEntry]) -> [MapRegion] {
    let points = Set(entries.filter { $0.size > 0 }.flatMap { [$0.start, $0.start + $0.size] }).sorted()
    var pieces: [MapRegion] = []
    for (low, high) in zip(points, points.dropFirst()) {
      let covering = entries.filter { $0.size > 0 && $0.start <= low && $0.start + $0.size >= high }
      let kind = covering.map(\.kind).max() ?? RegionKind(rawValue: 0)
      guard kind.rawValue != 0 else { continue }
      let range = PhysicalRange(start: low, end: UInt128(high))!
      if let last = pieces.last, last.kind == kind, last.range.end == UInt128(low), !kind.neverMerges {
        pieces[pieces.count - 1].range = PhysicalRange(start: last.range.start, end: UInt128(high))!
      } else {
        pieces.append(MapRegion(range: range, kind: kind))
      }
    }
    return pieces
  }

  @Test func matchesTheOracleOnRandomTables() throws {
    var generator = SplitMix64(seed: 2024)
    for _ in 0..<5_000 {
      let count = Int(generator.next() % 12) + 1
      let entries = (0..<count).map { _ in
        MapEntry(
          start: generator.next() % 64 * 0x1000, size: generator.next() % 24 * 0x1000,
          kind: Self.kinds[Int(generator.next() % UInt64(Self.kinds.count))])
      }
      let map = try MemoryMap.sanitized(entries)
      #expect(map.regions == oracle(entries), "\(entries)")
    }
  }

  @Test func persistentMemorySplitsAtEveryBoundaryBeneathIt() throws {
    // memmap=1G!0x40000000 over two usable firmware entries: two PRAM entries.
    let map = try MemoryMap.sanitized([
      MapEntry(start: 0x4000_0000, size: 0x2000_0000, kind: .usable),
      MapEntry(start: 0x6000_0000, size: 0x2000_0000, kind: .usable),
      MapEntry(start: 0x4000_0000, size: 0x4000_0000, kind: .persistentLegacy),
    ])
    #expect(map.regions.map(\.range.start) == [0x4000_0000, 0x6000_0000])
    #expect(map.regions.allSatisfy { $0.kind == .persistentLegacy })
  }

  @Test func anEntryReachingTwoToTheSixtyFourFails() {
    #expect(throws: MemoryMap.SanitizeError.self) {
      try MemoryMap.sanitized([MapEntry(start: 0xffff_ffff_ffff_f000, size: 0x1000, kind: .usable)])
    }
    #expect(throws: MemoryMap.SanitizeError.self) {
      try MemoryMap.sanitized([MapEntry(start: 1, size: UInt64.max, kind: .reserved)])
    }
  }

  @Test func capacityDropsTheRest() throws {
    let entries = (0..<10).map { MapEntry(start: UInt64($0) * 0x2000, size: 0x1000, kind: .usable) }
    #expect(try MemoryMap.sanitized(entries, capacity: 4).regions.count == 4)
  }
}
