internal import MemoryModel

/// A memory map as lines of block characters: the lanes of the SVG picture, one strip each,
/// sized to `width` columns, on the same kind of axis (holes compressed to `≈`). Where a column
/// holds several regions of a lane, the smallest wins, so no region vanishes. With `colour`,
/// glyphs get xterm-256 colours; without, every style still has its own glyph.
public enum TerminalMap {
  public static func render(_ scenes: [MapScene], captions: [String] = [], width: Int, colour: Bool) -> String {
    // Lane names (8 characters at most), and with several scenes a caption column after them.
    let captionWidth = scenes.count > 1 ? min(max(captions.map(\.count).max() ?? 2, 2), 8) + 1 : 0
    let labelColumn = 9 + captionWidth
    let strip = max(width - labelColumn - 1, 16)
    let axis = AddressAxis(covering: scenes.flatMap(\.ranges), width: Double(strip), minimumWidth: 1, breakWidth: 3)
    let title = scenes.map(\.title).joined(separator: " → ")
    var out = TextWrap.lines(title, width: width).joined(separator: "\n") + "\n"
    for (index, scene) in scenes.enumerated() {
      let line = (index < captions.count ? "\(captions[index]): " : "") + scene.subtitle
      out += TextWrap.lines(line, width: width).joined(separator: "\n") + "\n"
    }
    out += "\n"
    let kinds = Set(scenes.flatMap { $0.lanes.map(\.kind) }).sorted()
    for kind in kinds {
      for (index, scene) in scenes.enumerated() {
        let shapes = scene.lanes.first { $0.kind == kind }?.shapes ?? []
        var name = padded(index == 0 ? kind.shortTitle : "", 9)
        if scenes.count > 1 { name += padded(index < captions.count ? captions[index] : "#\(index + 1)", captionWidth) }
        out += lane(name, kind, shapes, axis: axis, labelColumn: labelColumn, strip: strip, colour: colour)
      }
    }
    out += axisLine(axis, labelColumn: labelColumn, strip: strip)
    out += legend(scenes, axis: axis, width: max(width, 40), colour: colour)
    for (index, scene) in scenes.enumerated() where !scene.unplaced.isEmpty {
      let prefix = scenes.count > 1 ? "\(index < captions.count ? captions[index] : "#\(index + 1)") " : ""
      for region in scene.unplaced {
        let line = "\(prefix)not placed: \(region.name) (\(region.status); \(region.detail))"
        out += TextWrap.lines(line, width: width, indent: "  ").joined(separator: "\n") + "\n"
      }
    }
    return out
  }

  static func padded(_ text: String, _ width: Int) -> String {
    let cut = text.count > width - 1 ? String(text.prefix(width - 1)) : text
    return cut + String(repeating: " ", count: width - cut.count)
  }

  /// The columns whose centres the range covers — breaks own the columns whose centres they
  /// cover, so every lane shows a hole equally wide — or, for a range narrower than that, the
  /// column its middle falls in.
  static func columns(_ range: PhysicalRange, axis: AddressAxis, strip: Int) -> ClosedRange<Int> {
    let start = axis.x(range.start)
    let end = axis.x(range.end)
    let first = Int((start - 0.5).rounded(.up))
    let last = Int((end - 0.5).rounded(.up)) - 1
    guard first <= last else {
      let middle = min(max(Int(((start + end) / 2).rounded(.down)), 0), strip - 1)
      return middle...middle
    }
    return min(max(first, 0), strip - 1)...min(max(last, 0), strip - 1)
  }

  static func lane(
    _ name: String, _ kind: LaneKind, _ shapes: [MapShape], axis: AddressAxis, labelColumn: Int, strip: Int,
    colour: Bool
  ) -> String {
    let spans = shapes.map { columns($0.range, axis: axis, strip: strip) }
    let rows = RowPacking.rows(shapes.map { (axis.x($0.range.start), axis.x($0.range.end)) }, gap: -1e-9).map {
      $0 ?? 0
    }
    let rowCount = max((rows.max() ?? 0) + 1, 1)
    var out = ""
    for row in 0..<rowCount {
      var cells = [Int?](repeating: nil, count: strip)
      for (index, shape) in shapes.enumerated() where rows[index] == row {
        for column in spans[index] {
          if let other = cells[column], shapes[other].range.size <= shape.range.size { continue }
          cells[column] = index
        }
      }
      var line = padded(row == 0 ? name : "", labelColumn)
      var glyphs: [(Character, Int?)] = []
      for column in 0..<strip {
        if let index = cells[column] {
          let shape = shapes[index]
          let look = Palette.look(shape.style)
          glyphs.append((shape.noMap && shape.style == .memory ? Palette.noMapGlyph : look.glyph, look.ansi))
        } else if isBreak(column, axis: axis) {
          glyphs.append((Palette.breakGlyph, 244))
        } else {
          glyphs.append((" ", nil))
        }
      }
      line += paint(glyphs, colour: colour)
      out += trimmed(line) + "\n"
      if row == rowCount - 1 && kind.labelsOutside {
        out += labels(shapes, spans, labelColumn: labelColumn, strip: strip)
      }
    }
    return out
  }

  static func isBreak(_ column: Int, axis: AddressAxis) -> Bool {
    let centre = Double(column) + 0.5
    return axis.breaks.contains { centre >= $0.x && centre < $0.x + $0.width }
  }

  /// One row of names, each at its region's first column, as many as fit.
  static func labels(_ shapes: [MapShape], _ spans: [ClosedRange<Int>], labelColumn: Int, strip: Int) -> String {
    let starts = shapes.indices.map { min(spans[$0].lowerBound, max(strip - shapes[$0].label.count, 0)) }
    let intervals = shapes.indices.map { (Double(starts[$0]), Double(starts[$0] + shapes[$0].label.count)) }
    let rows = RowPacking.rows(intervals, gap: 1, maximumRows: 1)
    var line = [Character](repeating: " ", count: strip)
    var placed = false
    for (index, shape) in shapes.enumerated() where rows[index] == 0 && Int(intervals[index].1) <= strip {
      for (offset, character) in shape.label.enumerated() { line[starts[index] + offset] = character }
      placed = true
    }
    return placed ? trimmed(String(repeating: " ", count: labelColumn) + String(line)) + "\n" : ""
  }

  static func paint(_ glyphs: [(Character, Int?)], colour: Bool) -> String {
    guard colour else { return String(glyphs.map(\.0)) }
    var out = ""
    var current: Int? = nil
    for (glyph, code) in glyphs {
      if code != current {
        if current != nil { out += "\u{1B}[0m" }
        if let code { out += "\u{1B}[38;5;\(code)m" }
        current = code
      }
      out.append(glyph)
    }
    if current != nil { out += "\u{1B}[0m" }
    return out
  }

  static func trimmed(_ line: String) -> String {
    var text = line
    while text.hasSuffix(" ") { text.removeLast() }
    return text
  }

  /// Addresses under the strip: the ends and the edges of every hole first, others where room
  /// is left.
  static func axisLine(_ axis: AddressAxis, labelColumn: Int, strip: Int) -> String {
    var boundaries: [(address: UInt128, column: Int, important: Bool)] = []
    for (index, segment) in axis.segments.enumerated() {
      let important = index == 0 || segment.isBreak || (index > 0 && axis.segments[index - 1].isBreak)
      if boundaries.last?.address != segment.start {
        boundaries.append((segment.start, Int(segment.x.rounded(.down)), important))
      }
      if index == axis.segments.count - 1 || segment.isBreak {
        boundaries.append((segment.end, Int((segment.x + segment.width).rounded(.down)), true))
      }
    }
    var line = [Character](repeating: " ", count: strip)
    var taken = [Bool](repeating: false, count: strip)
    func place(_ boundary: (address: UInt128, column: Int, important: Bool), last: Bool) {
      let text = Array(boundary.address > UInt128(UInt64.max) ? "2^64" : Hex.short(UInt64(boundary.address)))
      // The last address ends where the strip ends; others start at their column if they fit.
      let start = last ? max(min(boundary.column + 1, strip) - text.count, 0) : min(boundary.column, strip - text.count)
      let end = start + text.count
      guard start >= 0, end <= strip, !taken[max(start - 1, 0)..<min(end + 1, strip)].contains(true) else { return }
      for (offset, character) in text.enumerated() { line[start + offset] = character }
      for column in start..<end { taken[column] = true }
    }
    for (index, boundary) in boundaries.enumerated() where boundary.important {
      place(boundary, last: index == boundaries.count - 1)
    }
    for (index, boundary) in boundaries.enumerated() where !boundary.important {
      place(boundary, last: index == boundaries.count - 1)
    }
    return trimmed(String(repeating: " ", count: labelColumn) + String(line)) + "\n"
  }

  static func legend(_ scenes: [MapScene], axis: AddressAxis, width: Int, colour: Bool) -> String {
    let shapes = scenes.flatMap { $0.lanes.flatMap(\.shapes) }
    let used = Set(shapes.map(\.style))
    var items: [(Character, Int, String)] = ShapeStyle.allCases.filter(used.contains).map {
      let look = Palette.look($0)
      return (look.glyph, look.ansi, look.legend)
    }
    if shapes.contains(where: { $0.noMap && $0.style == .memory }) {
      items.append((Palette.noMapGlyph, Palette.look(.memory).ansi, "no-map"))
    }
    if !axis.breaks.isEmpty { items.append((Palette.breakGlyph, 244, "hole, not to scale")) }
    var out = ""
    var line = ""
    var visible = 0
    for (glyph, code, label) in items {
      let item = paint([(glyph, code)], colour: colour) + " " + label
      let length = label.count + 2
      if visible > 0 && visible + 2 + length > width {
        out += line + "\n"
        line = ""
        visible = 0
      }
      line += (visible > 0 ? "  " : "") + item
      visible += (visible > 0 ? 2 : 0) + length
    }
    if !line.isEmpty { out += line + "\n" }
    return out
  }
}
