internal import MemoryModel

/// A memory map as a standalone SVG 1.1 document: one lane per kind of region on one address
/// axis, every region a shape with a `<title>` (name, range, size, status, why) that browsers
/// show on hover, labels inside shapes when they fit and beside them (with a leader) when not, a
/// legend, and the axis's compressed holes marked. Several scenes (before and after) share the
/// axis and are drawn lane by lane, one row each.
public enum SVGMap {
  static let canvasWidth = 1200.0
  static let margin = 16.0
  static let plotX = 200.0
  static var plotWidth: Double { canvasWidth - plotX - margin }
  static let rowHeight = 20.0
  static let rowGap = 3.0
  static let labelRowHeight = 13.0
  static let fontSize = 11.0
  /// DejaVu Sans Mono's advance (0.602 em); other monospace fonts are within a few percent.
  static let characterWidth = 0.61 * fontSize
  static let minimumWidth = 4.0
  static let breakWidth = 56.0
  static let monospace = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace"
  static let sans = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

  static func textWidth(_ text: String, size: Double = fontSize) -> Double { Double(text.count) * 0.61 * size }

  /// - captions: one per scene when there are several ("before: a.dtb").
  public static func render(_ scenes: [MapScene], captions: [String] = []) -> String {
    let axis = AddressAxis(
      covering: scenes.flatMap(\.ranges), width: plotWidth, minimumWidth: minimumWidth, breakWidth: breakWidth)
    var svg = SVGWriter()
    var y = 30.0
    let title = scenes.map(\.title).joined(separator: " → ")
    svg.text(
      fitted(title, width: canvasWidth - 2 * margin, size: 17),
      [("x", margin), ("y", y), ("font-size", 17), ("font-weight", "bold"), ("font-family", sans)])
    for (index, scene) in scenes.enumerated() {
      y += 18
      let caption = index < captions.count ? "\(captions[index]) — \(scene.subtitle)" : scene.subtitle
      svg.text(
        fitted(caption, width: canvasWidth - 2 * margin, size: 12),
        [("x", margin), ("y", y), ("font-size", 12), ("font-family", sans), ("fill", "#333333")])
    }
    y += 18
    let lanesTop = y
    var gridBottom = y
    let kinds = Set(scenes.flatMap { $0.lanes.map(\.kind) }).sorted()
    var lanesBody = SVGWriter()
    var key: [MapShape] = []
    for kind in kinds {
      for (index, scene) in scenes.enumerated() {
        let shapes = scene.lanes.first { $0.kind == kind }?.shapes ?? []
        let caption = scenes.count > 1 ? (index < captions.count ? captions[index] : "#\(index + 1)") : nil
        y = drawLane(
          kind, shapes, top: y, heading: index == 0 ? kind.title : nil, caption: caption, axis: axis, key: &key,
          into: &lanesBody)
      }
      lanesBody.element(
        "line",
        [
          ("x1", margin), ("y1", y + 2), ("x2", canvasWidth - margin), ("y2", y + 2), ("stroke", "#DDDDDD"),
          ("stroke-width", 1),
        ])
      y += 6
      gridBottom = y
    }
    // Compressed holes: a band through every lane, behind the shapes.
    for gap in axis.breaks {
      let x = plotX + gap.x
      svg.open("g")
      svg.title([
        "hole of \(ByteCount.human(gap.end - gap.start)) (not to scale)",
        "[mem \(Hex.padded(UInt64(gap.start)))-\(Hex.padded(UInt64(gap.end - 1)))]",
      ])
      svg.element(
        "rect",
        [
          ("x", x + 2), ("y", lanesTop - 4), ("width", gap.width - 4), ("height", gridBottom - lanesTop + 4),
          ("fill", "url(#break)"),
          ("stroke", "#999999"), ("stroke-dasharray", "2 3"),
        ])
      svg.close("g")
    }
    svg.body += lanesBody.body
    y = drawAxis(axis, top: gridBottom + 4, into: &svg)
    y = drawLegend(scenes, axis: axis, top: y + 10, into: &svg)
    y = drawKey(key, top: y + 4, into: &svg)
    return document(
      svg.body, height: y + margin, title: title, description: scenes.map(\.subtitle).joined(separator: "; "))
  }

  static func document(_ body: String, height: Double, title: String, description: String) -> String {
    let (width, tall) = (SVGWriter.number(canvasWidth), SVGWriter.number(height))
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
    out += "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
    out += " width=\"\(width)\" height=\"\(tall)\" viewBox=\"0 0 \(width) \(tall)\">\n"
    out += "<title>\(SVGWriter.escape("Memory map: " + title))</title>\n"
    let hover = ". Drawn by dtmem; hover a region for its name, range, size, status and why."
    out += "<desc>\(SVGWriter.escape(description + hover))</desc>\n"
    out += defs
    out += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(tall)\" fill=\"#FFFFFF\"/>\n"
    out += body
    out += "</svg>\n"
    return out
  }

  /// The patterns shapes are overlaid with (status, no-map, lost parts, compressed holes).
  static let defs: String = {
    func pattern(_ id: String, _ size: Int, _ content: String) -> String {
      "<pattern id=\"\(id)\" patternUnits=\"userSpaceOnUse\" width=\"\(size)\" height=\"\(size)\">"
        + content + "</pattern>\n"
    }
    func lines(_ path: String, opacity: String, width: String) -> String {
      "<path d=\"\(path)\" stroke=\"#000000\" stroke-opacity=\"\(opacity)\" stroke-width=\"\(width)\"/>"
    }
    return "<defs>\n"
      + pattern("hatch", 6, lines("M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2", opacity: "0.55", width: "1.2"))
      + pattern("cross", 6, lines("M0,0 l6,6 M6,0 l-6,6", opacity: "0.6", width: "1"))
      + pattern("dots", 5, "<circle cx=\"2.5\" cy=\"2.5\" r=\"1\" fill=\"#000000\" fill-opacity=\"0.5\"/>")
      + pattern("lost", 6, lines("M-1,5 l2,2 M0,0 l6,6 M5,-1 l2,2", opacity: "0.45", width: "1"))
      + pattern(
        "break", 8,
        "<rect width=\"8\" height=\"8\" fill=\"#F4F4F4\"/>"
          + "<path d=\"M0,4 l2,-2 l4,4 l2,-2\" fill=\"none\" stroke=\"#BBBBBB\" stroke-width=\"1\"/>")
      + "</defs>\n"
  }()

  /// One row group of one scene's lane; returns the y below it.
  static func drawLane(
    _ kind: LaneKind, _ shapes: [MapShape], top: Double, heading: String?, caption: String?, axis: AddressAxis,
    key: inout [MapShape], into svg: inout SVGWriter
  ) -> Double {
    var top = top
    if let heading {
      svg.text(
        heading, [("x", margin), ("y", top + 14), ("font-size", 12), ("font-weight", "bold"), ("font-family", sans)])
      // Several scenes: the heading gets a line of its own, each scene's row its caption.
      if caption != nil { top += 18 }
    }
    if let caption {
      let text =
        textWidth(caption, size: 10) > plotX - margin - 16
        ? String(caption.prefix(Int((plotX - margin - 16) / 6.1) - 1)) + "…" : caption
      svg.text(
        text, [("x", margin + 8), ("y", top + 14), ("font-size", 10), ("font-family", sans), ("fill", "#555555")])
    }
    guard !shapes.isEmpty else {
      svg.text(
        "none", [("x", plotX + 4), ("y", top + 14), ("font-size", 10), ("font-family", sans), ("fill", "#777777")])
      return top + rowHeight + rowGap
    }
    let spans = shapes.map { shape -> (start: Double, end: Double) in
      let x0 = axis.x(shape.range.start)
      return (x0, max(axis.x(shape.range.end), x0 + 1))
    }
    let rows = RowPacking.rows(spans).map { $0 ?? 0 }
    let rowCount = (rows.max() ?? 0) + 1
    let shapesBottom = top + Double(rowCount) * (rowHeight + rowGap)
    // Labels that do not fit inside their shape go in up to three rows below, joined by a leader
    // line; when those are full, the region gets a number there and a line in the key.
    var outside: [(index: Int, text: String, span: (start: Double, end: Double))] = []
    func span(_ index: Int, _ text: String) -> (start: Double, end: Double) {
      let centre = (spans[index].start + spans[index].end) / 2
      let half = textWidth(text, size: 10) / 2 + 2
      let start = min(max(centre - half, 0), axis.width - 2 * half)
      return (start, start + 2 * half)
    }
    for (index, shape) in shapes.enumerated()
    where textWidth(shape.label) + 6 > spans[index].end - spans[index].start && kind.labelsOutside
      && !shape.label.isEmpty
    {
      outside.append((index, shape.label, span(index, shape.label)))
    }
    var labelRows = RowPacking.rows(outside.map(\.span), gap: 4, maximumRows: 3)
    let named = (labelRows.compactMap { $0 }.max() ?? -1) + 1
    let numbered = outside.indices.filter { labelRows[$0] == nil }
    let isNumbered = Set(numbered)
    for position in numbered {
      key.append(shapes[outside[position].index])
      outside[position].text = "\(key.count)"
      outside[position].span = span(outside[position].index, outside[position].text)
    }
    let numberRows = RowPacking.rows(numbered.map { outside[$0].span }, gap: 3)
    for (position, row) in zip(numbered, numberRows) { labelRows[position] = (row ?? 0) + named }
    let labelRowCount = (labelRows.compactMap { $0 }.max() ?? -1) + 1
    for (index, shape) in shapes.enumerated() {
      let look = Palette.look(shape.style)
      let x = plotX + spans[index].start
      let width = spans[index].end - spans[index].start
      let y = top + Double(rows[index]) * (rowHeight + rowGap)
      svg.open("g")
      svg.title(shape.details)
      var rect: [(String, Any)] = [
        ("x", x), ("y", y), ("width", width), ("height", rowHeight), ("fill", look.fill), ("stroke", look.stroke),
        ("stroke-width", 1),
      ]
      if let dash = look.dash { rect.append(("stroke-dasharray", dash)) }
      svg.element("rect", rect)
      for pattern in [look.pattern, shape.noMap ? Palette.Pattern.hatch : nil].compactMap({ $0 }) {
        svg.element(
          "rect",
          [
            ("x", x), ("y", y), ("width", width), ("height", rowHeight), ("fill", "url(#\(pattern.rawValue))"),
            ("stroke", "none"),
          ])
      }
      if textWidth(shape.label) + 6 <= width {
        // A light backing keeps text legible over patterns.
        let textX = x + width / 2
        if look.pattern != nil || shape.noMap {
          let w = textWidth(shape.label) + 4
          svg.element(
            "rect",
            [
              ("x", textX - w / 2), ("y", y + 4), ("width", w), ("height", rowHeight - 8), ("fill", "#FFFFFF"),
              ("fill-opacity", 0.8),
            ])
        }
        svg.text(
          shape.label,
          [
            ("x", textX), ("y", y + 14), ("font-size", fontSize), ("font-family", monospace), ("text-anchor", "middle"),
            ("fill", look.pattern != nil || shape.noMap ? "#000000" : look.text),
          ])
      }
      svg.close("g")
    }
    // Leaders first, then the labels on a white backing, so no line crosses a name.
    var placed: [(position: Int, x: Double, baseline: Double)] = []
    for (position, item) in outside.enumerated() {
      guard let row = labelRows[position] else { continue }
      let centre = plotX + (spans[item.index].start + spans[item.index].end) / 2
      let baseline = shapesBottom + Double(row) * labelRowHeight + 10
      let labelX = plotX + item.span.start + 2
      let shapeBottom = top + Double(rows[item.index]) * (rowHeight + rowGap) + rowHeight
      let elbow = min(max(centre, labelX), labelX + item.span.end - item.span.start - 4)
      let points = [(centre, shapeBottom), (centre, baseline - 9), (elbow, baseline - 9)]
        .map { "\(SVGWriter.number($0.0)),\(SVGWriter.number($0.1))" }.joined(separator: " ")
      svg.element("polyline", [("points", points), ("fill", "none"), ("stroke", "#888888"), ("stroke-width", 0.8)])
      placed.append((position, labelX, baseline))
    }
    for (position, x, baseline) in placed {
      let item = outside[position]
      let isNumber = isNumbered.contains(position)
      svg.open("g")
      svg.title(shapes[item.index].details)
      svg.element(
        "rect",
        [
          ("x", x - 1), ("y", baseline - 9), ("width", textWidth(item.text, size: 10) + 2), ("height", 11),
          ("fill", "#FFFFFF"),
        ])
      svg.text(
        item.text,
        [
          ("x", x), ("y", baseline), ("font-size", 10), ("font-family", monospace),
          ("fill", isNumber ? "#0B4F8A" : "#222222"),
          ("font-weight", isNumber ? "bold" : "normal"),
        ])
      svg.close("g")
    }
    return shapesBottom + Double(labelRowCount) * labelRowHeight + (labelRowCount > 0 ? 4 : 0)
  }

  /// Ticks at region boundaries with their addresses (two staggered rows, as many as fit), and
  /// the size of each compressed hole.
  static func drawAxis(_ axis: AddressAxis, top: Double, into svg: inout SVGWriter) -> Double {
    svg.element(
      "line",
      [("x1", plotX), ("y1", top), ("x2", plotX + axis.width), ("y2", top), ("stroke", "#333333"), ("stroke-width", 1)])
    svg.text(
      "physical address",
      [("x", margin), ("y", top + 14), ("font-size", 11), ("font-family", sans), ("fill", "#333333")])
    var boundaries: [(address: UInt128, x: Double)] = []
    for segment in axis.segments {
      if boundaries.last?.address != segment.start { boundaries.append((segment.start, segment.x)) }
      boundaries.append((segment.end, segment.x + segment.width))
    }
    for boundary in boundaries {
      svg.element(
        "line",
        [
          ("x1", plotX + boundary.x), ("y1", top), ("x2", plotX + boundary.x), ("y2", top + 4), ("stroke", "#333333"),
          ("stroke-width", 1),
        ])
    }
    let labels = boundaries.map { boundary -> (text: String, span: (start: Double, end: Double)) in
      let text = boundary.address > UInt128(UInt64.max) ? "2^64" : Hex.short(UInt64(boundary.address))
      let width = textWidth(text, size: 10)
      let start = min(max(boundary.x - width / 2, -plotX + margin), axis.width - width)
      return (text, (start, start + width))
    }
    let rows = RowPacking.rows(labels.map(\.span), gap: 6, maximumRows: 2)
    for (index, label) in labels.enumerated() {
      guard let row = rows[index] else { continue }
      let y = top + 15 + Double(row) * 12
      if row > 0 {
        svg.element(
          "line",
          [
            ("x1", plotX + boundaries[index].x), ("y1", top + 4), ("x2", plotX + boundaries[index].x), ("y2", y - 9),
            ("stroke", "#BBBBBB"), ("stroke-width", 0.8),
          ])
      }
      svg.text(
        label.text,
        [("x", plotX + label.span.start), ("y", y), ("font-size", 10), ("font-family", monospace), ("fill", "#333333")])
    }
    var y = top + 15 + 2 * 12
    for gap in axis.breaks {
      let centre = plotX + gap.x + gap.width / 2
      svg.text(
        "≈", [("x", centre), ("y", y + 2), ("font-size", 14), ("text-anchor", "middle"), ("font-family", sans)])
      svg.text(
        ByteCount.human(gap.end - gap.start),
        [
          ("x", centre), ("y", y + 14), ("font-size", 9), ("text-anchor", "middle"), ("font-family", sans),
          ("fill", "#333333"),
        ])
    }
    if !axis.breaks.isEmpty { y += 16 }
    return y
  }

  /// Swatches for the styles drawn, then what the axis does and what was not drawn.
  static func drawLegend(_ scenes: [MapScene], axis: AddressAxis, top: Double, into svg: inout SVGWriter) -> Double {
    let shapes = scenes.flatMap { $0.lanes.flatMap(\.shapes) }
    let used = Set(shapes.map(\.style))
    var items: [(label: String, look: Palette.Look?, noMap: Bool)] = ShapeStyle.allCases.filter(used.contains).map {
      (Palette.look($0).legend, Palette.look($0), false)
    }
    if shapes.contains(where: \.noMap) { items.append(("no-map", nil, true)) }
    var x = margin
    var y = top + 4
    svg.text(
      "Legend", [("x", margin), ("y", y + 10), ("font-size", 12), ("font-weight", "bold"), ("font-family", sans)])
    x += 56
    for item in items {
      let width = 30 + textWidth(item.label, size: 10) + 14
      if x + width > canvasWidth - margin {
        x = margin + 56
        y += 20
      }
      if let look = item.look {
        var rect: [(String, Any)] = [
          ("x", x), ("y", y), ("width", 24), ("height", 13), ("fill", look.fill), ("stroke", look.stroke),
        ]
        if let dash = look.dash { rect.append(("stroke-dasharray", dash)) }
        svg.element("rect", rect)
        if let pattern = look.pattern {
          svg.element(
            "rect", [("x", x), ("y", y), ("width", 24), ("height", 13), ("fill", "url(#\(pattern.rawValue))")])
        }
      } else {
        svg.element(
          "rect", [("x", x), ("y", y), ("width", 24), ("height", 13), ("fill", "#FFFFFF"), ("stroke", "#555555")])
        svg.element("rect", [("x", x), ("y", y), ("width", 24), ("height", 13), ("fill", "url(#hatch)")])
      }
      svg.text(item.label, [("x", x + 30), ("y", y + 11), ("font-size", 10), ("font-family", sans)])
      x += width
    }
    y += 30
    var notes: [String] = []
    var axisNote =
      "Axis: not to scale — cut at every region boundary, each stretch as wide as the square root of its size "
      + "(at least \(SVGWriter.number(axis.minimumWidth)) px), linear within it"
    if !axis.breaks.isEmpty { axisNote += "; ≈ marks a large hole, drawn narrow, its size below it" }
    notes.append(axisNote + ".")
    notes.append("Hover a region for its name, range, size, status and why.")
    for (index, scene) in scenes.enumerated() where !scene.unplaced.isEmpty {
      let prefix = scenes.count > 1 ? "\(scene.title) (#\(index + 1)): " : ""
      notes.append(
        prefix + "not placed: "
          + scene.unplaced.map { "\($0.name) (\($0.status); \($0.detail))" }.joined(separator: "; "))
    }
    for note in notes {
      for line in TextWrap.lines(note, width: Int((canvasWidth - 2 * margin) / (0.55 * 11))) {
        svg.text(line, [("x", margin), ("y", y), ("font-size", 11), ("font-family", sans), ("fill", "#333333")])
        y += 15
      }
    }
    return y
  }

  /// The numbered regions whose names did not fit beside them: number, name, range, size, status.
  static func drawKey(_ key: [MapShape], top: Double, into svg: inout SVGWriter) -> Double {
    guard !key.isEmpty else { return top }
    var y = top + 12
    svg.text("Key", [("x", margin), ("y", y), ("font-size", 12), ("font-weight", "bold"), ("font-family", sans)])
    let columns = 2
    let columnWidth = (canvasWidth - 2 * margin - 56) / Double(columns)
    let characters = Int(columnWidth / (0.61 * 10)) - 1
    let rows = (key.count + columns - 1) / columns
    for (index, shape) in key.enumerated() {
      let column = index / rows
      let row = index % rows
      let x = margin + 56 + Double(column) * columnWidth
      var line = shape.label + "  " + (shape.details.dropFirst().first ?? "")
      if line.count > characters - 4 { line = String(line.prefix(characters - 5)) + "…" }
      svg.open("g")
      svg.title(shape.details)
      let baseline = y + Double(row) * 13
      svg.text(
        "\(index + 1)",
        [
          ("x", x + 18), ("y", baseline), ("font-size", 10), ("font-family", monospace), ("font-weight", "bold"),
          ("fill", "#0B4F8A"),
          ("text-anchor", "end"),
        ])
      svg.text(
        line, [("x", x + 24), ("y", baseline), ("font-size", 10), ("font-family", monospace), ("fill", "#222222")])
      svg.close("g")
    }
    y += Double(rows) * 13
    return y
  }

  /// `text`, its start cut off with `…` when it is wider than `width` (sans-serif, bold or not:
  /// 0.62 em a character is a safe upper bound for DejaVu Sans).
  static func fitted(_ text: String, width: Double, size: Double) -> String {
    let fits = Int(width / (0.62 * size))
    return text.count <= fits ? text : "…" + String(text.suffix(fits - 1))
  }

}
