public import MemoryModel

/// An e820 table as some source lists it: the entries in the order given (raw: possibly
/// unsorted, overlapping, or with empty entries), and what kind of listing it is.
public struct E820Listing: Hashable, Sendable {
  /// Which table this is: `BIOS-e820`, `extended`, `user`, `sysfs`, `iomem`, `json`, …
  public var label: String
  public var entries: [MapEntry]
  /// The line (1-based) of each entry in its source, when it has lines.
  public var lines: [Int]

  public init(label: String, entries: [MapEntry], lines: [Int] = []) {
    self.label = label
    self.entries = entries
    self.lines = lines
  }
}

/// Reading hexadecimal numbers the way the kernel prints them, without trapping on anything.
enum E820Hex {
  /// `0x` (or `0X`) and 1…16 hex digits; nil otherwise.
  static func prefixed(_ text: Substring) -> UInt64? {
    guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
    return digits(text.dropFirst(2))
  }

  /// 1…16 hex digits (leading zeros beyond 16 digits are allowed); nil otherwise.
  static func digits(_ text: Substring) -> UInt64? {
    guard !text.isEmpty, text.utf8.allSatisfy(isHexDigit) else { return nil }
    let significant = text.drop { $0 == "0" }
    guard significant.utf8.count <= 16 else { return nil }
    return significant.isEmpty ? 0 : UInt64(significant, radix: 16)
  }

  static func isHexDigit(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
  }

  /// Why `text` is not a hex number, for messages.
  static func problem(_ text: Substring, prefixed: Bool) -> String {
    let body = prefixed && (text.hasPrefix("0x") || text.hasPrefix("0X")) ? text.dropFirst(2) : text
    if prefixed && !(text.hasPrefix("0x") || text.hasPrefix("0X")) {
      return "'\(text.prefix(40))' is not a 0x hex number"
    }
    if body.isEmpty { return "'\(text.prefix(40))' has no hex digits" }
    if !body.utf8.allSatisfy(isHexDigit) { return "'\(text.prefix(40))' is not a hex number" }
    return "'\(text.prefix(40))' does not fit in 64 bits"
  }
}

extension MapEntry {
  /// The entry `[first, last]` (inclusive bounds, as the kernel prints them), or why not.
  static func inclusive(first: UInt64, last: UInt64, kind: RegionKind) -> Result<MapEntry, Why> {
    guard last >= first else {
      return .failure("the range ends (\(Hex.short(last))) before it starts (\(Hex.short(first)))")
    }
    guard !(first == 0 && last == UInt64.max) else {
      return .failure("the range covers all 2^64 addresses; an e820 entry's 64-bit size cannot hold that")
    }
    return .success(MapEntry(start: first, size: last - first + 1, kind: kind))
  }
}

/// Splitting text input into lines at the byte level (`\r\n` is one Swift Character, so
/// splitting a String on "\n" would miss it).
enum TextLines {
  /// The lines of `bytes`, without `\n` and a trailing `\r`; a final line without newline counts.
  static func split(_ bytes: [UInt8]) -> [Substring] {
    var lines: [Substring] = []
    var start = 0
    var index = 0
    while index <= bytes.count {
      if index == bytes.count || bytes[index] == 0x0a {
        var end = index
        while end > start && bytes[end - 1] == 0x0d { end -= 1 }
        if index < bytes.count || start < bytes.count {
          lines.append(Substring(String(decoding: bytes[start..<end], as: UTF8.self)))
        }
        start = index + 1
      }
      index += 1
    }
    return lines
  }
}
