/// A JSON document with ordered object keys, written and read without Foundation (which would
/// cost start-up time). dtmem writes 64-bit quantities as `"0x…"` strings, so numbers here are
/// only ever small integers or doubles from foreign input.
public indirect enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let x): hasher.combine(x)
    case .number(let x): hasher.combine(x)
    case .string(let x): hasher.combine(x)
    case .array(let x): hasher.combine(x)
    case .object(let x):
      for (key, value) in x {
        hasher.combine(key)
        hasher.combine(value)
      }
    }
  }

  /// An integer (exact up to 2^53).
  public static func int(_ value: Int) -> JSONValue { .number(Double(value)) }

  /// The member `key` of an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  // MARK: Writing

  /// The document as text: two-space indentation, keys in insertion order, a final newline.
  public func rendered() -> String {
    var out = ""
    write(into: &out, indent: 0)
    out.append("\n")
    return out
  }

  /// The document on one line.
  public func renderedCompact() -> String {
    var out = ""
    write(into: &out, indent: nil)
    return out
  }

  func write(into out: inout String, indent: Int?) {
    switch self {
    case .null: out.append("null")
    case .bool(let b): out.append(b ? "true" : "false")
    case .number(let n):
      if n == n.rounded(), abs(n) < 1e15 { out.append(String(Int64(n))) } else { out.append(String(n)) }
    case .string(let s): JSONValue.writeString(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out.append("[]")
        return
      }
      // Arrays of scalars print on one line; others one item per line.
      if items.allSatisfy(\.isScalar) {
        out.append("[")
        for (index, item) in items.enumerated() {
          if index > 0 { out.append(", ") }
          item.write(into: &out, indent: nil)
        }
        out.append("]")
        return
      }
      out.append("[")
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(",") }
        if let indent {
          out.append("\n")
          out.append(String(repeating: " ", count: indent + 2))
          item.write(into: &out, indent: item.isFlat ? nil : indent + 2)
        } else {
          item.write(into: &out, indent: nil)
        }
      }
      if let indent {
        out.append("\n")
        out.append(String(repeating: " ", count: indent))
      }
      out.append("]")
    case .object(let members):
      if members.isEmpty {
        out.append("{}")
        return
      }
      out.append("{")
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { out.append(indent == nil ? ", " : ",") }
        if let indent {
          out.append("\n")
          out.append(String(repeating: " ", count: indent + 2))
        }
        JSONValue.writeString(key, into: &out)
        out.append(": ")
        value.write(into: &out, indent: indent.map { $0 + 2 })
      }
      if let indent {
        out.append("\n")
        out.append(String(repeating: " ", count: indent))
      }
      out.append("}")
    }
  }

  var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  /// An object whose members are scalars or arrays of scalars prints on one line inside arrays.
  var isFlat: Bool {
    guard case .object(let members) = self else { return false }
    return members.allSatisfy { member in
      switch member.1 {
      case .array(let a): return a.allSatisfy(\.isScalar)
      case .object(let o): return o.isEmpty
      default: return true
      }
    }
  }

  static func writeString(_ s: String, into out: inout String) {
    out.append("\"")
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out.append("\\\"")
      case "\\": out.append("\\\\")
      case "\n": out.append("\\n")
      case "\r": out.append("\\r")
      case "\t": out.append("\\t")
      default:
        if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
          // C0 and C1 controls and DEL as \u escapes: valid JSON, and nothing a terminal obeys.
          let hex = String(scalar.value, radix: 16)
          out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        } else if let byte = PathBytes.escapedByte(scalar) {
          // A byte of a name that is not UTF-8 (a file name, a command-line word) cannot be a
          // JSON string's content: it is written as the four characters `\xff`, as messages show it.
          let hex = String(byte, radix: 16)
          out.append("\\\\x" + (hex.count == 1 ? "0" : "") + hex)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out.append("\"")
  }
}
