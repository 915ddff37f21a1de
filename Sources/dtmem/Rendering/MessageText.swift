import Utilities

/// Text from untrusted input made safe to print: control characters never reach the terminal.
///
/// A node name, a JSON string or an e820 type name can hold a newline (which would turn one
/// message into two), NUL or ESC (which a terminal obeys). Messages escape them all; text output
/// keeps its line breaks and tabs and escapes the rest.
enum MessageText {
  /// One message line: every control character escaped (`\n`, `\t`, `\r`, else `\xNN` or
  /// `\u{NNNN}`), and raw bytes of a non-UTF-8 argument as `\xNN`.
  static func line(_ text: String) -> String { escaped(text, keepingLayout: false) }

  /// Text output: as `line`, except that line breaks and tabs stay.
  static func output(_ text: String) -> String { escaped(text, keepingLayout: true) }

  static func escaped(_ text: String, keepingLayout: Bool) -> String {
    func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
      let value = scalar.value
      if keepingLayout && (value == 0x0a || value == 0x09) { return false }
      return value < 0x20 || (0x7f...0x9f).contains(value) || PathBytes.escapedByte(scalar) != nil
    }
    guard !isPlain(text, keepingLayout: keepingLayout), text.unicodeScalars.contains(where: needsEscape) else {
      return text
    }
    var out = String.UnicodeScalarView()
    func append(_ string: String) { out.append(contentsOf: string.unicodeScalars) }
    func hex(_ value: UInt32, digits: Int) -> String {
      let text = String(value, radix: 16)
      return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
    for scalar in text.unicodeScalars {
      guard needsEscape(scalar) else {
        out.append(scalar)
        continue
      }
      if let byte = PathBytes.escapedByte(scalar) {
        append("\\x" + hex(UInt32(byte), digits: 2))
        continue
      }
      switch scalar.value {
      case 0x0a: append("\\n")
      case 0x09: append("\\t")
      case 0x0d: append("\\r")
      case 0..<0x80: append("\\x" + hex(scalar.value, digits: 2))
      default: append("\\u{" + hex(scalar.value, digits: 4) + "}")
      }
    }
    return String(out)
  }

  /// Whether `text` certainly needs no escape, read as UTF-8 bytes: printable ASCII (and line
  /// breaks and tabs, for layout) needs none, nor does any scalar whose first byte is not 0xC2
  /// (U+0080…U+00BF, the C1 controls among them) or 0xF4 (U+100000…, the escape scalars among
  /// them). The scalars are looked at only past such a byte or a control character.
  static func isPlain(_ text: String, keepingLayout: Bool) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { bytes in
      for byte in bytes {
        switch byte {
        case 0x20..<0x7f, 0x80..<0xc2, 0xc3..<0xf4, 0xf5...: continue
        case 0x0a, 0x09: if !keepingLayout { return false }
        default: return false
        }
      }
      return true
    } ?? false
  }
}
