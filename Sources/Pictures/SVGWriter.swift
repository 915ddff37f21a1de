/// The little XML an SVG document needs: escaped text and attributes, numbers with one decimal,
/// elements appended to a buffer.
struct SVGWriter {
  var body = ""

  /// Text safe in XML 1.0 content and attribute values: the five special characters escaped,
  /// characters XML cannot carry at all (controls other than tab and newline, lone surrogates'
  /// replacements, U+FFFE/U+FFFF) replaced by `?`.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n": out.unicodeScalars.append(scalar)
      default:
        let value = scalar.value
        if value < 0x20 || value == 0xFFFE || value == 0xFFFF || (0x7F...0x9F).contains(value) {
          out += "?"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// A coordinate with at most one decimal (deterministic, no locale).
  static func number(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
  }

  /// `name="value"` pairs; numbers formatted, strings escaped.
  static func attributes(_ pairs: [(String, Any)]) -> String {
    pairs.map { name, value in
      let text: String
      switch value {
      case let number as Double: text = Self.number(number)
      case let number as Int: text = String(number)
      default: text = Self.escape("\(value)")
      }
      return " \(name)=\"\(text)\""
    }.joined()
  }

  mutating func element(_ name: String, _ pairs: [(String, Any)]) {
    body += "<\(name)\(Self.attributes(pairs))/>\n"
  }

  mutating func text(_ content: String, _ pairs: [(String, Any)]) {
    body += "<text\(Self.attributes(pairs))>\(Self.escape(content))</text>\n"
  }

  mutating func open(_ name: String, _ pairs: [(String, Any)] = []) {
    body += "<\(name)\(Self.attributes(pairs))>\n"
  }

  mutating func close(_ name: String) {
    body += "</\(name)>\n"
  }

  /// A `<title>` (the hover text of its parent).
  mutating func title(_ lines: [String]) {
    body += "<title>\(Self.escape(lines.joined(separator: "\n")))</title>\n"
  }
}
