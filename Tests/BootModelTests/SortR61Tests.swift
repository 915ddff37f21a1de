import TestSupport
import Testing

@testable import BootModel

/// lib/sort.c's heapsort as Linux 6.1 has it: a sort (checked against the standard library's on
/// random arrays), and unstable in exactly the kernel's way (checked against the order a recorded
/// 6.1 boot placed equal-keyed regions in).
@Suite struct SortR61Tests {
  func compare(_ a: Int, _ b: Int) -> Int { a < b ? -1 : (a > b ? 1 : 0) }

  @Test func itSortsLikeAnySort() {
    var random = SplitMix64(seed: 61)
    for count in 0..<40 {
      for _ in 0..<20 {
        let values = (0..<count).map { _ in Int(random.next() % 8) }
        var sorted = values
        SortR61.sort(&sorted, compare)
        #expect(sorted == values.sorted(), "\(values)")
      }
    }
  }

  /// arm64-10000 (conformance/arm64-reserved-memory-6.1.jsonl): reserved_mem[] in tree order is
  /// pool-0 (0,0), fw-1 (0,0), region@40300000, region@86070000, fw-4 (0,0); 6.1 placed the
  /// dynamic ones as pool-0, fw-4, fw-1.
  @Test func equalKeysEndWhereTheKernelLeavesThem() {
    var table: [(name: String, base: UInt64, size: UInt64)] = [
      ("pool-0", 0, 0), ("fw-1", 0, 0), ("region@40300000", 0x4030_0000, 0x10_0000),
      ("region@86070000", 0x8607_0000, 0x20_0000), ("fw-4", 0, 0),
    ]
    SortR61.sort(&table) { a, b in
      if a.base != b.base { return a.base < b.base ? -1 : 1 }
      return a.size < b.size ? -1 : (a.size > b.size ? 1 : 0)
    }
    #expect(table.map(\.name) == ["pool-0", "fw-4", "fw-1", "region@40300000", "region@86070000"])
  }
}
