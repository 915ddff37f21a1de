/// Which of many ranges overlap, once per range, in n·log n: the answer for checks that would
/// otherwise compare every pair (800 identical /memreserve/ entries are 320,000 pairs).
public enum OverlapSweep {
  /// A range that overlaps at least one range before it in start order.
  public struct Overlap: Hashable, Sendable {
    /// The range (an index into the ranges given).
    public var index: Int
    /// Among the ranges before it in start order that overlap it, the one reaching furthest.
    public var partner: Int
    /// How many other ranges overlap it, on either side.
    public var count: Int
  }

  /// One entry per range that overlaps a range starting before it (equal starts: the earlier
  /// index counts as before), in start order; empty ranges overlap nothing. Every overlapping
  /// pair has at least one of its two ranges reported.
  public static func overlaps(_ ranges: [PhysicalRange]) -> [Overlap] {
    let index = RangeIndex(ranges)
    guard var furthest = index.order.first else { return [] }
    var result: [Overlap] = []
    for current in index.order.dropFirst() {
      let range = ranges[current]
      if UInt128(range.start) < ranges[furthest].end {
        result.append(Overlap(index: current, partner: furthest, count: index.count(overlapping: range) - 1))
      }
      if range.end > ranges[furthest].end { furthest = current }
    }
    return result
  }
}
