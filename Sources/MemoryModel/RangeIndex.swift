/// Ranges sorted once, for asking many times which of them overlap a range: each question costs
/// a binary search (and, to name one, a walk over the ranges that reach it), not a pass over all.
public struct RangeIndex: Sendable {
  /// The ranges as given.
  public let ranges: [PhysicalRange]
  /// Indices of the non-empty ranges, sorted by start.
  let order: [Int]
  let starts: [UInt128]
  /// The ends of the non-empty ranges, sorted.
  let ends: [UInt128]
  /// `reach[i]`: the furthest end among `order[0...i]`.
  let reach: [UInt128]

  public init(_ ranges: [PhysicalRange]) {
    self.ranges = ranges
    order = ranges.indices.filter { !ranges[$0].isEmpty }.sorted { a, b in
      ranges[a].start != ranges[b].start ? ranges[a].start < ranges[b].start : a < b
    }
    starts = order.map { UInt128(ranges[$0].start) }
    ends = order.map { ranges[$0].end }.sorted()
    var furthest: UInt128 = 0
    reach = order.map { index in
      furthest = max(furthest, ranges[index].end)
      return furthest
    }
  }

  /// How many of the ranges overlap `range`: all but those that start at or after its end and
  /// those that end at or before its start.
  public func count(overlapping range: PhysicalRange) -> Int {
    guard !range.isEmpty else { return 0 }
    let startingAfter = order.count - starts.partitionPoint { $0 >= range.end }
    let endingBefore = ends.partitionPoint { $0 > UInt128(range.start) }
    return order.count - startingAfter - endingBefore
  }

  /// One range overlapping `range` that `accept` takes (the one starting last), as an index into
  /// `ranges`; nil when there is none.
  public func last(overlapping range: PhysicalRange, where accept: (Int) -> Bool) -> Int? {
    guard !range.isEmpty else { return nil }
    var position = starts.partitionPoint { $0 >= range.end } - 1
    while position >= 0 && reach[position] > UInt128(range.start) {
      let index = order[position]
      if ranges[index].end > UInt128(range.start) && accept(index) { return index }
      position -= 1
    }
    return nil
  }

}
