public import MemoryModel

/// `/sys/firmware/memmap` (drivers/firmware/memmap.c, Linux 6.12): one directory `N` per entry
/// of the firmware table, holding `start` and `end` (`0x%llx`, END inclusive) and `type` (the
/// `/proc/iomem` name). In 6.12 it shows `e820_table_firmware`: the table before `memmap=`/`mem=`.
///
/// Two spellings are read and written: the directory itself (as files), and text lines
/// `N/start:0x0` — what `cd /sys/firmware/memmap && grep -r .` prints (a path prefix before `N`
/// is allowed, so `grep -r . /sys/firmware/memmap` output reads too).
public enum E820Sysfs {
  /// The files of one entry directory as read: its name and the contents of its files.
  public struct EntryFiles: Hashable, Sendable {
    public var name: String
    public var start: String?
    public var end: String?
    public var type: String?

    public init(name: String, start: String?, end: String?, type: String?) {
      self.name = name
      self.start = start
      self.end = end
      self.type = type
    }
  }

  /// The table the entry directories describe, in the order of their numbers. Names that are not
  /// numbers are skipped.
  public static func decode(_ directories: [EntryFiles]) throws(E820DecodeError) -> E820Listing {
    var numbered: [(UInt64, EntryFiles)] = []
    for directory in directories {
      guard let number = decimal(Substring(directory.name)) else { continue }
      numbered.append((number, directory))
    }
    guard !numbered.isEmpty else {
      throw E820DecodeError("directory", "no entry directories (0/, 1/, … with start, end and type files)")
    }
    numbered.sort { $0.0 < $1.0 }
    var entries: [MapEntry] = []
    for (_, directory) in numbered {
      entries.append(try entry(directory))
    }
    return E820Listing(label: "sysfs", entries: entries)
  }

  static func entry(_ files: EntryFiles) throws(E820DecodeError) -> MapEntry {
    let n = files.name
    guard let startText = files.start else { throw E820DecodeError("\(n)/start", "missing") }
    guard let endText = files.end else { throw E820DecodeError("\(n)/end", "missing") }
    guard let typeText = files.type else { throw E820DecodeError("\(n)/type", "missing") }
    let startValue = trimmed(startText)
    let endValue = trimmed(endText)
    let typeValue = trimmed(typeText)
    guard let first = E820Hex.prefixed(startValue) else {
      throw E820DecodeError("\(n)/start", E820Hex.problem(startValue, prefixed: true))
    }
    guard let last = E820Hex.prefixed(endValue) else {
      throw E820DecodeError("\(n)/end", E820Hex.problem(endValue, prefixed: true))
    }
    guard let kind = RegionKind(resourceName: typeValue) else {
      throw E820DecodeError(
        "\(n)/type", "'\(typeValue.prefix(40))' is not an e820 type name (System RAM, Reserved, ACPI Tables, …)")
    }
    switch MapEntry.inclusive(first: first, last: last, kind: kind) {
    case .success(let entry): return entry
    case .failure(let why): throw E820DecodeError("\(n)", why.description)
    }
  }

  /// Reads `N/start:VALUE`, `N/end:VALUE`, `N/type:VALUE` lines (any path before `N`; blank
  /// lines skipped).
  public static func decodeText(_ bytes: [UInt8]) throws(E820DecodeError) -> E820Listing {
    var byNumber: [UInt64: EntryFiles] = [:]
    var lineNumber = 0
    for line in TextLines.split(bytes) {
      lineNumber += 1
      if trimmed(line).isEmpty { continue }
      guard let (number, field, value) = textLine(line) else {
        throw .line(
          lineNumber, "expected N/start:0x…, N/end:0x… or N/type:NAME (as `grep -r . /sys/firmware/memmap` prints)")
      }
      var files = byNumber[number] ?? EntryFiles(name: String(number), start: nil, end: nil, type: nil)
      let already: Bool
      switch field {
      case "start":
        already = files.start != nil
        files.start = String(value)
      case "end":
        already = files.end != nil
        files.end = String(value)
      default:
        already = files.type != nil
        files.type = String(value)
      }
      guard !already else { throw .line(lineNumber, "\(number)/\(field) given twice") }
      byNumber[number] = files
    }
    return try decode(Array(byNumber.values))
  }

  /// `[…/]N/FIELD:VALUE` split up, or nil.
  static func textLine(_ line: Substring) -> (UInt64, Substring, Substring)? {
    var search = line[...]
    while let colon = search.firstIndex(of: ":") {
      let path = line[..<colon]
      let components = path.split(separator: "/", omittingEmptySubsequences: false)
      if components.count >= 2, let field = components.last, field == "start" || field == "end" || field == "type",
        let number = decimal(components[components.count - 2])
      {
        return (number, field, line[line.index(after: colon)...])
      }
      search = line[line.index(after: colon)...]
    }
    return nil
  }

  /// Whether a line looks like `N/start:…` text (for input detection).
  public static func isTextLine(_ line: Substring) -> Bool { textLine(line) != nil }

  /// `N/start:0x…`, `N/end:0x…`, `N/type:NAME` lines for each region, N from 0.
  public static func renderText(_ map: MemoryMap) -> String {
    var out = ""
    for (path, contents) in files(map) { out += path + ":" + contents }
    return out
  }

  /// The files of a `/sys/firmware/memmap` directory for the map: paths `N/start`, `N/end`,
  /// `N/type` (in that order per entry) and their contents, each ending in a newline.
  public static func files(_ map: MemoryMap) -> [(path: String, contents: String)] {
    var result: [(String, String)] = []
    for (index, region) in map.regions.enumerated() {
      result.append(("\(index)/start", Hex.short(region.range.start) + "\n"))
      result.append(("\(index)/end", Hex.short(region.range.last) + "\n"))
      result.append(("\(index)/type", region.kind.resourceName + "\n"))
    }
    return result
  }

  static func decimal(_ text: Substring) -> UInt64? {
    guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return UInt64(text)
  }

  static func trimmed(_ text: String) -> Substring { trimmed(Substring(text)) }

  static func trimmed(_ text: Substring) -> Substring {
    var result = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    while let last = result.last, last == " " || last == "\t" || last == "\n" || last == "\r" {
      result = result.dropLast()
    }
    return result
  }
}
