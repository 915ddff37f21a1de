/// A strict JSON (RFC 8259) reader for dtmem's own documents, with positions in its errors.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
  public var offset: Int
  public var message: String
  public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

extension JSONValue {
  /// Parses a whole document. Nesting deeper than 512 levels is refused rather than recursed, and
  /// so is a key that appears twice in one object.
  public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    var parser = Parser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else { throw parser.error("trailing characters") }
    return value
  }

  struct Parser {
    let bytes: [UInt8]
    var index = 0

    func error(_ message: String) -> JSONParseError { JSONParseError(offset: index, message: message) }

    mutating func skipWhitespace() {
      while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
    }

    mutating func expect(_ literal: String) throws(JSONParseError) {
      for byte in literal.utf8 {
        guard index < bytes.count, bytes[index] == byte else { throw error("expected \(literal)") }
        index += 1
      }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
      guard depth < 512 else { throw error("nested too deeply") }
      guard index < bytes.count else { throw error("unexpected end of input") }
      switch bytes[index] {
      case 0x7b: return try object(depth: depth)
      case 0x5b: return try array(depth: depth)
      case 0x22: return .string(try string())
      case 0x74:
        try expect("true")
        return .bool(true)
      case 0x66:
        try expect("false")
        return .bool(false)
      case 0x6e:
        try expect("null")
        return .null
      default: return try number()
      }
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
      index += 1
      var members: [(String, JSONValue)] = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == 0x7d {
        index += 1
        return .object(members)
      }
      var keys: Set<String> = []
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == 0x22 else { throw error("expected a key") }
        let keyOffset = index
        let key = try string()
        // RFC 8259 leaves duplicate names to the reader; dtmem's documents never repeat one, so a
        // repeated key is a hand edit whose meaning would be a guess.
        guard keys.insert(key).inserted else {
          throw JSONParseError(offset: keyOffset, message: "duplicate key \"\(key)\" in one object")
        }
        skipWhitespace()
        try expect(":")
        skipWhitespace()
        members.append((key, try value(depth: depth + 1)))
        skipWhitespace()
        guard index < bytes.count else { throw error("unterminated object") }
        if bytes[index] == 0x2c {
          index += 1
          continue
        }
        guard bytes[index] == 0x7d else { throw error("expected ',' or '}'") }
        index += 1
        return .object(members)
      }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
      index += 1
      var items: [JSONValue] = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == 0x5d {
        index += 1
        return .array(items)
      }
      while true {
        skipWhitespace()
        items.append(try value(depth: depth + 1))
        skipWhitespace()
        guard index < bytes.count else { throw error("unterminated array") }
        if bytes[index] == 0x2c {
          index += 1
          continue
        }
        guard bytes[index] == 0x5d else { throw error("expected ',' or ']'") }
        index += 1
        return .array(items)
      }
    }

    mutating func string() throws(JSONParseError) -> String {
      index += 1
      var scalars = String.UnicodeScalarView()
      var start = index
      var raw: [UInt8] = []
      while true {
        guard index < bytes.count else { throw error("unterminated string") }
        let byte = bytes[index]
        if byte == 0x22 {
          raw.append(contentsOf: bytes[start..<index])
          index += 1
          break
        }
        guard byte >= 0x20 else { throw error("control character in string") }
        if byte == 0x5c {
          raw.append(contentsOf: bytes[start..<index])
          index += 1
          guard index < bytes.count else { throw error("unterminated escape") }
          let escaped = bytes[index]
          index += 1
          switch escaped {
          case 0x22: raw.append(0x22)
          case 0x5c: raw.append(0x5c)
          case 0x2f: raw.append(0x2f)
          case 0x62: raw.append(0x08)
          case 0x66: raw.append(0x0c)
          case 0x6e: raw.append(0x0a)
          case 0x72: raw.append(0x0d)
          case 0x74: raw.append(0x09)
          case 0x75:
            var code = try hex4()
            if (0xd800..<0xdc00).contains(code), index + 1 < bytes.count, bytes[index] == 0x5c,
              bytes[index + 1] == 0x75
            {
              index += 2
              let low = try hex4()
              guard (0xdc00..<0xe000).contains(low) else { throw error("bad surrogate pair") }
              code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("bad \\u escape") }
            raw.append(contentsOf: Array(String(Character(scalar)).utf8))
          default: throw error("bad escape")
          }
          start = index
          continue
        }
        index += 1
      }
      scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
      return String(scalars)
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
      guard index + 4 <= bytes.count else { throw error("short \\u escape") }
      var value: UInt32 = 0
      for _ in 0..<4 {
        let c = bytes[index]
        let digit: UInt32
        switch c {
        case 0x30...0x39: digit = UInt32(c - 0x30)
        case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
        case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
        default: throw error("bad hex digit")
        }
        value = value << 4 | digit
        index += 1
      }
      return value
    }

    mutating func number() throws(JSONParseError) -> JSONValue {
      let start = index
      if index < bytes.count, bytes[index] == 0x2d { index += 1 }
      var digits = 0
      while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
        index += 1
        digits += 1
      }
      guard digits > 0 else { throw error("unexpected character") }
      if index < bytes.count, bytes[index] == 0x2e {
        index += 1
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
      }
      if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
        index += 1
        if index < bytes.count, bytes[index] == 0x2b || bytes[index] == 0x2d { index += 1 }
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
      }
      guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
        throw error("bad number")
      }
      return .number(value)
    }
  }
}
