extension RandomAccessCollection {
  /// The first index whose element satisfies `isPast`, for a predicate that is false up to some
  /// element and true from there on (sorted ranges, sorted starts): a binary search, O(log n).
  /// `endIndex` when no element does. The one binary search every sorted list here uses.
  @inlinable
  public func partitionPoint(where isPast: (Element) throws -> Bool) rethrows -> Index {
    var low = startIndex
    var remaining = count
    while remaining > 0 {
      let half = remaining / 2
      let middle = index(low, offsetBy: half)
      if try isPast(self[middle]) {
        remaining = half
      } else {
        low = index(after: middle)
        remaining -= half + 1
      }
    }
    return low
  }
}
