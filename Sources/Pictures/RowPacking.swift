/// Greedy interval packing: each interval, in order of its start, goes in the first row where it
/// does not overlap the row's last interval (plus `gap`). Overlapping regions of one lane get
/// rows of their own this way, and so do labels set beside narrow regions.
enum RowPacking {
  /// The row of each interval (`[start, end)`), indexed like `intervals`.
  static func rows(_ intervals: [(start: Double, end: Double)], gap: Double = 0, maximumRows: Int = .max) -> [Int?] {
    let order = intervals.indices.sorted { intervals[$0].start < intervals[$1].start }
    var rowEnds: [Double] = []
    var result = [Int?](repeating: nil, count: intervals.count)
    for index in order {
      let interval = intervals[index]
      if let row = rowEnds.firstIndex(where: { $0 + gap <= interval.start }) {
        rowEnds[row] = interval.end
        result[index] = row
      } else if rowEnds.count < maximumRows {
        rowEnds.append(interval.end)
        result[index] = rowEnds.count - 1
      }
    }
    return result
  }
}
