/// Unions of physical ranges as sorted, disjoint lists: the set algebra the translators and the
/// validator share.
public enum PhysicalRanges {
  /// The union of `ranges`: sorted, disjoint, touching ranges joined, empty ones dropped.
  public static func merged(_ ranges: [PhysicalRange]) -> [PhysicalRange] {
    var result: [PhysicalRange] = []
    for range in ranges.filter({ !$0.isEmpty }).sorted() {
      if let last = result.last, UInt128(range.start) <= last.end {
        if range.end > last.end, let joined = PhysicalRange(start: last.start, end: range.end) {
          result[result.count - 1] = joined
        }
      } else {
        result.append(range)
      }
    }
    return result
  }

  /// The parts of `range` that no range of `covering` contains.
  public static func uncovered(_ range: PhysicalRange, by covering: [PhysicalRange]) -> [PhysicalRange] {
    var pieces = range.isEmpty ? [] : [range]
    for cover in covering where cover.overlaps(range) {
      pieces = pieces.flatMap { $0.subtracting(cover) }
    }
    return pieces
  }

  /// The parts of `range` that some range of `covering` contains.
  public static func covered(_ range: PhysicalRange, by covering: [PhysicalRange]) -> [PhysicalRange] {
    covering.compactMap { $0.intersection(range) }
  }

  /// Every range of `ranges` minus `cut`.
  public static func subtracting(_ ranges: [PhysicalRange], _ cut: PhysicalRange) -> [PhysicalRange] {
    ranges.flatMap { $0.subtracting(cut) }
  }

  /// The total size of disjoint `ranges`.
  public static func bytes(_ ranges: [PhysicalRange]) -> UInt128 {
    ranges.reduce(0) { $0 + UInt128($1.size) }
  }
}
