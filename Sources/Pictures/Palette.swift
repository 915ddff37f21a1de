/// Colours, patterns and glyphs per shape style. Colours are the Okabe–Ito set, which stays
/// distinguishable with every common colour-vision deficiency; status never rests on colour
/// alone: failed regions are cross-hatched with a dashed outline, estimated ones dotted with a
/// dotted outline, disabled ones outline only, no-map memory hatched, and each style has its own
/// terminal glyph.
enum Palette {
  /// Okabe & Ito (2008), "Color Universal Design".
  enum OkabeIto {
    static let orange = "#E69F00"
    static let skyBlue = "#56B4E9"
    static let bluishGreen = "#009E73"
    static let yellow = "#F0E442"
    static let blue = "#0072B2"
    static let vermillion = "#D55E00"
    static let reddishPurple = "#CC79A7"
    static let black = "#000000"
  }

  /// An SVG pattern drawn over a shape's fill.
  enum Pattern: String, CaseIterable {
    /// Diagonal lines: no-map.
    case hatch
    /// Crossed lines: failed.
    case cross
    /// Dots: estimated.
    case dots
    /// Back-diagonal lines: part of a section or a pmem range that is lost.
    case lost
  }

  struct Look {
    var fill: String
    var stroke: String
    /// `stroke-dasharray`, or nil for a solid outline.
    var dash: String?
    var pattern: Pattern?
    /// Text drawn on the fill.
    var text: String
    /// The terminal glyph and its xterm-256 colour.
    var glyph: Character
    var ansi: Int
    var legend: String
  }

  static func look(_ style: ShapeStyle) -> Look {
    switch style {
    case .bank:
      Look(
        fill: OkabeIto.skyBlue, stroke: "#2A6F97", text: "#000000",
        glyph: "█", ansi: 74, legend: "memory bank")
    case .bankDisabled:
      Look(
        fill: "#FFFFFF", stroke: "#2A6F97", dash: "4 2", text: "#000000",
        glyph: "·", ansi: 245, legend: "bank, disabled")
    case .firmwareUsable:
      Look(
        fill: OkabeIto.skyBlue, stroke: "#2A6F97", text: "#000000",
        glyph: "█", ansi: 74, legend: "e820 usable")
    case .firmwareReserved:
      Look(
        fill: "#BBBBBB", stroke: "#555555", text: "#000000",
        glyph: "▒", ansi: 248, legend: "e820 reserved, ACPI, other")
    case .firmwarePersistent:
      Look(
        fill: OkabeIto.yellow, stroke: "#8C8400", text: "#000000",
        glyph: "▓", ansi: 227, legend: "e820 persistent")
    case .memory:
      Look(
        fill: OkabeIto.bluishGreen, stroke: "#005A42", text: "#000000",
        glyph: "█", ansi: 36, legend: "memory")
    case .reserved:
      Look(
        fill: OkabeIto.blue, stroke: "#003A5C", text: "#FFFFFF",
        glyph: "█", ansi: 32, legend: "reserved (static)")
    case .allocated:
      Look(
        fill: OkabeIto.orange, stroke: "#8A5F00", text: "#000000",
        glyph: "▓", ansi: 214, legend: "allocated (dynamic)")
    case .failed:
      Look(
        fill: OkabeIto.vermillion, stroke: "#000000", dash: "3 2", pattern: .cross, text: "#000000",
        glyph: "x", ansi: 166, legend: "failed")
    case .estimated:
      Look(
        fill: OkabeIto.reddishPurple, stroke: "#6E2F55", dash: "1 2", pattern: .dots, text: "#000000",
        glyph: "░", ansi: 175, legend: "estimated")
    case .disabled:
      Look(
        fill: "#FFFFFF", stroke: "#777777", dash: "4 2", text: "#000000",
        glyph: "·", ansi: 245, legend: "disabled")
    case .pmemUsable:
      Look(
        fill: OkabeIto.yellow, stroke: "#8C8400", text: "#000000",
        glyph: "█", ansi: 227, legend: "pmem, usable as RAM")
    case .pmemLost:
      Look(
        fill: "#FFF7B0", stroke: "#8C8400", dash: "3 2", pattern: .lost, text: "#000000",
        glyph: "▚", ansi: 185, legend: "pmem, lost to alignment")
    case .sectionWhole:
      Look(
        fill: "#D9D9D9", stroke: "#7F7F7F", text: "#000000",
        glyph: "█", ansi: 250, legend: "section, all memory")
    case .sectionPartial:
      Look(
        fill: "#D9D9D9", stroke: "#000000", dash: "3 2", pattern: .lost, text: "#000000",
        glyph: "▚", ansi: 244, legend: "section, partly holes")
    }
  }

  /// What no-map adds to any style: a hatch and its terminal glyph.
  static let noMapGlyph: Character = "▒"
  static let breakGlyph: Character = "≈"
}
