public import MemoryModel
internal import Utilities

/// `/proc/iomem` (kernel/resource.c `r_show()`, Linux 6.12): `START-END : NAME` lines, END
/// inclusive, lower-case hex of at least 8 digits, two spaces of indentation per nesting level.
///
/// `e820__reserve_resources()` makes one resource per entry of the final `e820_table` (after
/// `memmap=`/`mem=`), named as `RegionKind.resourceName` says. The table read back is every line
/// with such a name (`System RAM`, `Reserved`, `ACPI Tables`, …) that is not nested inside
/// another such line: top-level entries, plus e820 entries the kernel nested under a PCI
/// resource (`PCI MMCONFIG …` › `Reserved`). `Kernel code`, `PCI Bus …`, `RAM buffer`, ROMs and
/// the like are not e820 entries and are skipped. `Unknown E820 type` reads as reserved.
public enum E820Iomem {
  public static func decode(_ bytes: [UInt8]) throws(E820DecodeError) -> E820Listing {
    var entries: [MapEntry] = []
    var lines: [Int] = []
    var enclosingIndent: Int? = nil
    var sawNonZeroAddress = false
    var sawLine = false
    var lineNumber = 0
    for line in TextLines.split(bytes) {
      lineNumber += 1
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
      guard let parsed = parse(line) else {
        throw .line(lineNumber, "not a /proc/iomem line (START-END : NAME)")
      }
      sawLine = true
      if parsed.first != 0 || parsed.last != 0 { sawNonZeroAddress = true }
      if let indent = enclosingIndent, parsed.indent > indent { continue }
      enclosingIndent = nil
      guard let kind = RegionKind(resourceName: parsed.name) else { continue }
      switch MapEntry.inclusive(first: parsed.first, last: parsed.last, kind: kind) {
      case .success(let entry):
        entries.append(entry)
        lines.append(lineNumber)
      case .failure(let why): throw .line(lineNumber, why.description)
      }
      enclosingIndent = parsed.indent
    }
    guard sawLine else { throw E820DecodeError("input", "no /proc/iomem lines") }
    guard sawNonZeroAddress else {
      throw E820DecodeError("input", "every address is 0: /proc/iomem was read without CAP_SYS_ADMIN (read it as root)")
    }
    guard !entries.isEmpty else {
      throw E820DecodeError("input", "no e820 entries (System RAM, Reserved, ACPI Tables, …) in /proc/iomem")
    }
    return E820Listing(label: "iomem", entries: entries, lines: lines)
  }

  struct Line {
    var indent: Int
    var first: UInt64
    var last: UInt64
    var name: Substring
  }

  /// `␣␣START-END : NAME`, or nil (also when a number does not fit 64 bits).
  static func parse(_ line: Substring) -> Line? {
    let indent = line.prefix { $0 == " " }.count
    let rest = line.dropFirst(indent)
    guard let separator = ByteSearch.firstRange(of: " : ", in: rest) else { return nil }
    let bounds = rest[..<separator.lowerBound]
    guard let dash = bounds.firstIndex(of: "-") else { return nil }
    guard let first = E820Hex.digits(bounds[..<dash]), let last = E820Hex.digits(bounds[bounds.index(after: dash)...])
    else {
      return nil
    }
    var name = rest[separator.upperBound...]
    while let end = name.last, end == " " || end == "\t" { name = name.dropLast() }
    return Line(indent: indent, first: first, last: last, name: name)
  }

  /// Whether a line looks like `/proc/iomem` (for input detection).
  public static func isLine(_ line: Substring) -> Bool { parse(line) != nil }

  /// The map as top-level `/proc/iomem` lines: `%08llx-%08llx : NAME`.
  public static func render(_ map: MemoryMap) -> String {
    var out = ""
    for region in map.regions {
      out += digits(region.range.start) + "-" + digits(region.range.last) + " : " + region.kind.resourceName + "\n"
    }
    return out
  }

  static func digits(_ value: UInt64) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 8 - text.count)) + text
  }
}
