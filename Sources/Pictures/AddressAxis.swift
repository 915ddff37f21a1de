public import MemoryModel

/// Where addresses sit along a picture's width. The axis is cut at every region boundary; each
/// stretch between two boundaries gets a width that grows with the square root of its size, and
/// at least `minimumWidth` — real maps put twenty carve-outs of a few MiB next to gigabytes of
/// plain memory, and a linear axis would squeeze them into a sliver. Within a stretch addresses
/// are linear. Large holes — stretches no region covers that are at least a sixteenth of
/// everything covered — are drawn as fixed-width breaks that say how big they are.
public struct AddressAxis: Hashable, Sendable {
  /// A stretch between two consecutive region boundaries.
  public struct Segment: Hashable, Sendable {
    public var start: UInt128
    public var end: UInt128
    public var x: Double
    public var width: Double
    /// A compressed hole: not to scale.
    public var isBreak: Bool
    /// Some region covers it.
    public var isCovered: Bool
  }

  public var segments: [Segment]
  public var width: Double
  /// What the minimum became when the stretches could not all get it (many of them, little room).
  public var minimumWidth: Double

  /// - covered: every range drawn, in any lane of any of the pictures that share the axis.
  public init(covering covered: [PhysicalRange], width: Double, minimumWidth wanted: Double, breakWidth: Double) {
    self.width = width
    var points: [UInt128] = []
    for range in covered where !range.isEmpty {
      points.append(UInt128(range.start))
      points.append(range.end)
    }
    points.sort()
    var unique: [UInt128] = []
    for point in points where unique.last != point { unique.append(point) }
    let union = PhysicalRanges.merged(covered)
    var pieces: [Segment] = []
    var runIndex = 0
    for (start, end) in zip(unique, unique.dropFirst()) {
      while runIndex < union.count && union[runIndex].end <= start { runIndex += 1 }
      let covered = runIndex < union.count && UInt128(union[runIndex].start) <= start
      pieces.append(Segment(start: start, end: end, x: 0, width: 0, isBreak: false, isCovered: covered))
    }
    let coveredBytes = pieces.filter(\.isCovered).reduce(UInt128(0)) { $0 + ($1.end - $1.start) }
    let threshold = max(coveredBytes / 16, 1)
    for index in pieces.indices where !pieces[index].isCovered && pieces[index].end - pieces[index].start >= threshold {
      pieces[index].isBreak = true
    }
    let breaks = pieces.filter(\.isBreak).count
    let breakRoom = min(breakWidth, pieces.isEmpty ? 0 : width / Double(max(pieces.count, 1)))
    let available = max(width - Double(breaks) * breakRoom, 0)
    let scaled = pieces.indices.filter { !pieces[$0].isBreak }
    let minimum = scaled.isEmpty ? wanted : min(wanted, available / Double(scaled.count))
    let widths = Self.waterFill(
      scaled.map { Double(pieces[$0].end - pieces[$0].start).squareRoot() }, room: available, minimum: minimum)
    for (position, index) in scaled.enumerated() { pieces[index].width = widths[position] }
    var x = 0.0
    for index in pieces.indices {
      if pieces[index].isBreak { pieces[index].width = breakRoom }
      pieces[index].x = x
      x += pieces[index].width
    }
    segments = pieces
    minimumWidth = minimum
  }

  /// Widths proportional to `weights`, none below `minimum`, summing to `room`: the stretches
  /// that would fall below the minimum get it, the others share the rest in proportion.
  static func waterFill(_ weights: [Double], room: Double, minimum: Double) -> [Double] {
    guard !weights.isEmpty else { return [] }
    // Lightest first: the first k get the minimum when the rest, scaled to the room left, leave
    // none of them below it.
    let order = weights.indices.sorted { weights[$0] < weights[$1] }
    var rest = weights.reduce(0, +)
    var fixed = 0
    var scale = 0.0
    while fixed < order.count {
      let left = room - Double(fixed) * minimum
      scale = rest > 0 && left > 0 ? left / rest : 0
      if weights[order[fixed]] * scale >= minimum { break }
      rest -= weights[order[fixed]]
      fixed += 1
    }
    var widths = weights.map { $0 * scale }
    for index in order.prefix(fixed) { widths[index] = minimum }
    return widths
  }

  /// The position of `address`; addresses outside the axis clamp to its ends.
  public func x(_ address: UInt128) -> Double {
    guard let first = segments.first, let last = segments.last else { return 0 }
    if address <= first.start { return 0 }
    if address >= last.end { return last.x + last.width }
    // The segment holding `address`: one exists, since first.start < address < last.end.
    let segment = segments[segments.partitionPoint { $0.end > address }]
    let fraction = Double(address - segment.start) / Double(segment.end - segment.start)
    return segment.x + fraction * segment.width
  }

  public func x(_ address: UInt64) -> Double { x(UInt128(address)) }

  /// The compressed holes.
  public var breaks: [Segment] { segments.filter(\.isBreak) }
}
