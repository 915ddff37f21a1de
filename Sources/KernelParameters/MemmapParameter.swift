public import MemoryModel

/// One comma-separated item of an x86 `memmap=` value, parsed exactly as
/// `parse_memmap_one()` (arch/x86/kernel/e820.c, Linux 6.12) parses it.
///
/// ```
/// exactmap…            prefix match on 8 bytes: empty the table
/// SIZE@START           add usable (1)          SIZE#START  add ACPI data (3)
/// SIZE$START           add reserved (2)        SIZE!START  add persistent (type 12)
/// SIZE%START-T+N       retype T → N            SIZE%START+N  add type N
/// SIZE%START-T         remove type T           SIZE%START    remove every type
/// SIZE (or SIZE + any other character)         remove usable RAM at and above SIZE
/// ```
/// SIZE and START are `memparse()` numbers (a lone suffix letter is a valid 0); T and N are
/// `simple_strtoull()` numbers truncated to 32 bits (`enum e820_type`) before the kernel tests
/// them for zero, so `-0x100000000` counts as absent. The kernel never reports a bad item
/// (`parse_memmap_opt()` ignores the return value); `problems` says what it silently did.
public struct MemmapItem: Hashable, Sendable {
  public enum Operation: Hashable, Sendable {
    /// `exactmap`: `e820_table->nr_entries = 0`.
    case exactmap
    /// `e820__range_add(start, size, kind)`.
    case add(start: UInt64, size: UInt64, kind: RegionKind)
    /// `e820__range_update(start, size, from, to)`; the kernel hits `BUG()` when from == to.
    case retype(start: UInt64, size: UInt64, from: RegionKind, to: RegionKind)
    /// `e820__range_remove(start, size, kind, kind != nil)`.
    case remove(start: UInt64, size: UInt64, kind: RegionKind?)
    /// `e820__range_remove(size, ULLONG_MAX - size, E820_TYPE_RAM, 1)`: RAM at and above.
    case removeUsableAbove(UInt64)
    /// A `%` item with trailing text: nothing changes, but the map counts as user-defined.
    case nothing
    /// No number where the size should be: the item is ignored entirely.
    case ignored
  }

  /// The item as written.
  public var text: String
  /// Its byte offset in the parameter's value.
  public var offset: Int
  public var operation: Operation
  /// What the kernel silently does differently from what the item seems to ask (trailing text
  /// ignored, an unknown separator read as a bare size, a number wrapped, …).
  public var problems: [String]
  /// `parse_memmap_one()` returns -EINVAL (ignored by its caller).
  public var kernelRejects: Bool

  /// Whether the item sets `userdef` (every item whose size parsed, and `exactmap`).
  public var setsUserDefinedMap: Bool { operation != .ignored }
}

/// An x86 `memmap=` parameter: the items of one occurrence, in order.
public enum MemmapParameter {
  /// The separators of `SIZE<op>START` that add a range, and the type each gives
  /// (`parse_memmap_one()`); every other type needs `SIZE%START+TYPE`.
  public static func addedKind(_ separator: UInt8) -> RegionKind? {
    switch separator {
    case UInt8(ascii: "@"): .usable
    case UInt8(ascii: "#"): .acpiData
    case UInt8(ascii: "$"): .reserved
    case UInt8(ascii: "!"): .persistentLegacy
    default: nil
    }
  }

  /// The separator that adds a range of `kind`, if there is one (`addedKind`'s inverse).
  public static func addOperator(for kind: RegionKind) -> Character? {
    switch kind {
    case .usable: "@"
    case .acpiData: "#"
    case .reserved: "$"
    case .persistentLegacy: "!"
    default: nil
    }
  }

  /// `parse_memmap_opt()`: a missing value does nothing; otherwise the value is split at every
  /// comma (empty items included, each ignored) and each item parsed.
  public static func parse(_ value: String?) -> [MemmapItem] {
    guard let value else { return [] }
    let bytes = Array(value.utf8)
    var items: [MemmapItem] = []
    var start = 0
    var index = 0
    while index <= bytes.count {
      if index == bytes.count || bytes[index] == 0x2c {
        items.append(item(Array(bytes[start..<index]), offset: start))
        start = index + 1
      }
      index += 1
    }
    return items
  }

  /// `parse_memmap_one()` on one item.
  public static func item(_ p: [UInt8], offset: Int = 0) -> MemmapItem {
    let text = String(decoding: p, as: UTF8.self)
    var problems: [String] = []
    func result(_ operation: MemmapItem.Operation, rejects: Bool) -> MemmapItem {
      MemmapItem(text: text, offset: offset, operation: operation, problems: problems, kernelRejects: rejects)
    }
    // if (!strncmp(p, "exactmap", 8))
    if p.count >= 8 && p[0..<8].elementsEqual("exactmap".utf8) {
      if p.count > 8 {
        problems.append("'\(text)' counts as exactmap: the kernel compares only the first 8 characters")
      }
      return result(.exactmap, rejects: false)
    }
    let size = MemParse.memparse(p)
    guard size.end != 0 else {
      problems.append(p.isEmpty ? "empty item: ignored" : "no size: the kernel ignores '\(text)'")
      return result(.ignored, rejects: true)
    }
    describe(size, of: p, from: 0, as: "the size", into: &problems)
    let separator = MemParse.byte(p, size.end)
    if let kind = addedKind(separator) {
      let start = MemParse.memparse(p, from: size.end + 1)
      if start.end == size.end + 1 {
        problems.append("no start address after '\(Character(Unicode.Scalar(separator)))': the kernel uses 0")
      }
      describe(start, of: p, from: size.end + 1, as: "the start", into: &problems)
      let trailing = start.end < p.count
      if trailing {
        problems.append(
          "the kernel adds the range and ignores the trailing '\(String(decoding: p[start.end...], as: UTF8.self))'")
      }
      return result(.add(start: start.value, size: size.value, kind: kind), rejects: trailing)
    }
    switch separator {
    case 0x25:  // %
      let start = MemParse.memparse(p, from: size.end + 1)
      if start.end == size.end + 1 { problems.append("no start address after '%': the kernel uses 0") }
      describe(start, of: p, from: size.end + 1, as: "the start", into: &problems)
      var cursor = start.end
      var from: UInt32 = 0
      var to: UInt32 = 0
      if MemParse.byte(p, cursor) == 0x2d {
        let parsed = MemParse.strtoull(p, from: cursor + 1)
        from = UInt32(truncatingIfNeeded: parsed.value)
        if parsed.value > UInt64(UInt32.max) || parsed.overflowed {
          problems.append(
            "type -\(String(decoding: p[(cursor + 1)..<parsed.end], as: UTF8.self)) is truncated to 32 bits: "
              + "\(from)\(from == 0 ? " (no type)" : "")"
          )
        }
        cursor = parsed.end
      }
      if MemParse.byte(p, cursor) == 0x2b {
        let parsed = MemParse.strtoull(p, from: cursor + 1)
        to = UInt32(truncatingIfNeeded: parsed.value)
        if parsed.value > UInt64(UInt32.max) || parsed.overflowed {
          problems.append(
            "type +\(String(decoding: p[(cursor + 1)..<parsed.end], as: UTF8.self)) is truncated to 32 bits: "
              + "\(to)\(to == 0 ? " (no type)" : "")"
          )
        }
        cursor = parsed.end
      }
      if cursor < p.count {
        problems.append(
          "the kernel ignores the item because of the trailing '\(String(decoding: p[cursor...], as: UTF8.self))' "
            + "(types go as -FROM then +TO), but it still makes the map user-defined"
        )
        return result(.nothing, rejects: true)
      }
      let fromKind = RegionKind(rawValue: from)
      let toKind = RegionKind(rawValue: to)
      if from != 0 && to != 0 {
        if from == to {
          problems.append("-\(from)+\(to) retypes a type to itself: the kernel hits BUG() in __e820__range_update()")
        }
        return result(.retype(start: start.value, size: size.value, from: fromKind, to: toKind), rejects: false)
      }
      if to != 0 { return result(.add(start: start.value, size: size.value, kind: toKind), rejects: false) }
      if from != 0 { return result(.remove(start: start.value, size: size.value, kind: fromKind), rejects: false) }
      return result(.remove(start: start.value, size: size.value, kind: nil), rejects: false)
    default:
      if separator != 0 {
        problems.append(
          "'\(String(decoding: p[size.end...], as: UTF8.self))' after the size is not @ # $ ! or %: the kernel reads "
            + "the item as memmap=\(String(decoding: p[..<size.end], as: UTF8.self)) and removes all usable RAM at and "
            + "above \(Hex.short(size.value))"
        )
      }
      return result(.removeUsableAbove(size.value), rejects: separator != 0)
    }
  }

  /// Notes for a number the kernel reads surprisingly: a lone suffix (0), or a wrapped value.
  static func describe(
    _ parsed: MemParse.Parsed, of p: [UInt8], from start: Int, as what: String, into problems: inout [String]
  ) {
    let written = String(decoding: p[start..<parsed.end], as: UTF8.self)
    if parsed.end == start + 1, let c = p.indices.contains(start) ? p[start] : nil, !(c >= 0x30 && c <= 0x39) {
      problems.append("\(what) '\(written)' is a suffix without digits: the kernel reads 0")
    }
    if parsed.overflowed {
      problems.append("\(what) '\(written)' does not fit in 64 bits: the kernel wraps it to \(Hex.short(parsed.value))")
    }
  }
}
