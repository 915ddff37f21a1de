/// A half-open range of physical addresses `[start, start + size)`.
///
/// The range may end exactly at 2^64 (the last byte is `0xffff_ffff_ffff_ffff`), which a
/// `UInt64` exclusive end cannot express; `end` is therefore a `UInt128`. Construction is
/// checked: a range that would run past 2^64 cannot be made, so arithmetic on untrusted input
/// goes through the failable initialisers and never traps.
public struct PhysicalRange: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The first address.
  public let start: UInt64
  /// The number of bytes; may be zero.
  public let size: UInt64

  /// The highest representable exclusive end: 2^64.
  public static let addressSpaceEnd: UInt128 = UInt128(UInt64.max) + 1

  /// A range of `size` bytes from `start`, or nil if it would run past 2^64.
  public init?(start: UInt64, size: UInt64) {
    guard UInt128(start) + UInt128(size) <= PhysicalRange.addressSpaceEnd else { return nil }
    self.start = start
    self.size = size
  }

  /// `size` bytes from `start`, cut so that the range ends at 2^64 - 1 at the latest: how the
  /// kernel caps a (base, size) pair it reads (`memblock_cap_size()`, `__e820__range_update()`).
  public init(start: UInt64, cappedSize size: UInt64) {
    self.start = start
    self.size = min(size, UInt64.max - start)
  }

  /// The range `[start, end)`, or nil if `end < start` or `end > 2^64`.
  public init?(start: UInt64, end: UInt128) {
    // A range covering all 2^64 addresses from 0 has a size that does not fit in UInt64.
    guard end >= UInt128(start), end <= PhysicalRange.addressSpaceEnd,
      end - UInt128(start) <= UInt128(UInt64.max)
    else { return nil }
    self.start = start
    self.size = UInt64(end - UInt128(start))
  }

  /// The range `[first, last]` given by its inclusive bounds (as the kernel prints them).
  public init?(first: UInt64, last: UInt64) {
    guard last >= first, !(first == 0 && last == UInt64.max) else { return nil }
    self.start = first
    self.size = last - first + 1
  }

  /// The exclusive end; up to 2^64.
  @inline(__always) public var end: UInt128 { UInt128(start) + UInt128(size) }

  /// The exclusive end when it fits in 64 bits (nil for a range ending at 2^64).
  public var endIfRepresentable: UInt64? {
    let e = end
    return e <= UInt128(UInt64.max) ? UInt64(e) : nil
  }

  /// The last address in the range. Only meaningful when the range is not empty.
  public var last: UInt64 { size == 0 ? start : start + (size - 1) }

  public var isEmpty: Bool { size == 0 }

  public func contains(_ address: UInt64) -> Bool {
    address >= start && UInt128(address) < end
  }

  /// True when every address of `other` lies in this range (an empty range is contained if its
  /// start lies inside or at the end).
  public func contains(_ other: PhysicalRange) -> Bool {
    other.start >= start && other.end <= end
  }

  /// True when the two ranges share at least one address (touching ranges do not overlap).
  public func overlaps(_ other: PhysicalRange) -> Bool {
    !isEmpty && !other.isEmpty && UInt128(other.start) < end && UInt128(start) < other.end
  }

  /// The addresses both ranges contain, or nil when they are disjoint.
  public func intersection(_ other: PhysicalRange) -> PhysicalRange? {
    let lo = max(start, other.start)
    let hi = min(end, other.end)
    guard UInt128(lo) < hi else { return nil }
    return PhysicalRange(start: lo, end: hi)
  }

  /// This range minus `other`: zero, one or two pieces, in address order.
  public func subtracting(_ other: PhysicalRange) -> [PhysicalRange] {
    guard overlaps(other) else { return isEmpty ? [] : [self] }
    var pieces: [PhysicalRange] = []
    if other.start > start, let low = PhysicalRange(start: start, end: UInt128(other.start)) {
      pieces.append(low)
    }
    if other.end < end, let high = PhysicalRange(start: UInt64(other.end), end: end) {
      pieces.append(high)
    }
    return pieces
  }

  /// The range shrunk inward to multiples of `alignment` — the start rounded up, the end down —
  /// as the kernel trims memory to whole pages (`memblock_trim_memory`, PFN_UP/PFN_DOWN) or dax
  /// trims persistent memory to memory blocks; nil when no whole aligned unit is left.
  public func roundedInward(to alignment: UInt64) -> PhysicalRange? {
    guard let first = Alignment.up(start, alignment) else { return nil }
    let last = end - end % UInt128(alignment)
    guard UInt128(first) < last else { return nil }
    return PhysicalRange(start: first, end: last)
  }

  public static func < (a: PhysicalRange, b: PhysicalRange) -> Bool {
    a.start != b.start ? a.start < b.start : a.size < b.size
  }

  /// `[mem 0x…-0x…]` with an inclusive end, as the kernel prints ranges.
  public var description: String {
    "[mem \(Hex.padded(start))-\(Hex.padded(last))]"
  }
}

/// Alignment arithmetic that cannot trap.
public enum Alignment {
  /// `value` rounded down to a multiple of `alignment` (a power of two, or any non-zero value).
  @inline(__always)
  public static func down(_ value: UInt64, _ alignment: UInt64) -> UInt64 {
    guard alignment > 1 else { return value }
    if alignment & (alignment - 1) == 0 { return value & ~(alignment - 1) }
    return value - value % alignment
  }

  /// `value` rounded up to a multiple of `alignment`, or nil if that passes 2^64 - 1.
  @inline(__always)
  public static func up(_ value: UInt64, _ alignment: UInt64) -> UInt64? {
    guard alignment > 1 else { return value }
    let down = Alignment.down(value, alignment)
    if down == value { return value }
    let (sum, overflow) = down.addingReportingOverflow(alignment)
    return overflow ? nil : sum
  }

  public static func isPowerOfTwo(_ value: UInt64) -> Bool { value != 0 && value & (value - 1) == 0 }
}

/// Hexadecimal spellings used throughout (lower case, as the kernel prints).
public enum Hex {
  /// `0x` and 16 digits: the kernel's `%#018llx` / `%pa` on 64-bit.
  public static func padded(_ value: UInt64) -> String { padded(value, width: 16) }

  /// `0x` and at least `width` digits (`%#0Nllx` with N = width + 2). Written digit by digit into
  /// the string's storage: every map line prints a few, and `String(radix:)` plus padding and
  /// concatenation cost about ten times as much.
  public static func padded(_ value: UInt64, width: Int) -> String {
    let needed = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 3) / 4
    let count = max(width, needed)
    return String(unsafeUninitializedCapacity: count + 2) { bytes in
      bytes[0] = UInt8(ascii: "0")
      bytes[1] = UInt8(ascii: "x")
      for position in 0..<count {
        let shift = 4 * (count - 1 - position)
        let nibble = shift < 64 ? Int((value >> UInt64(shift)) & 0xf) : 0
        bytes[2 + position] = nibble < 10 ? UInt8(ascii: "0") + UInt8(nibble) : UInt8(ascii: "a") + UInt8(nibble - 10)
      }
      return count + 2
    }
  }

  /// `0x` and the shortest digits (`%#llx`, except that zero prints as `0x0`). `padded`'s digits:
  /// `String(radix:)` is the stdlib's unspecialized generic integer code (~1,000 instructions a
  /// number, and code and tables of its own to fault in at start-up).
  public static func short(_ value: UInt64) -> String { padded(value, width: 1) }

  /// Same as `short` for a value that may be 2^64.
  public static func short(_ value: UInt128) -> String { "0x" + String(value, radix: 16) }
}

/// Decimal spellings, as `String(value)` writes them.
public enum Digits {
  /// `value`'s digits, written one by one into the string's storage (as `Hex.padded` does). The
  /// stdlib's integer description lies in a part of its code that nothing else on a map command's
  /// path runs: one page-fault window at start-up for the few numbers a command prints.
  public static func decimal(_ value: UInt64) -> String {
    var count = 1
    var rest = value
    while rest >= 10 {
      rest /= 10
      count += 1
    }
    return String(unsafeUninitializedCapacity: count) { bytes in
      var rest = value
      var position = count
      repeat {
        position -= 1
        bytes[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
        rest /= 10
      } while position > 0
      return count
    }
  }

  /// Same as `decimal` for a signed value (a `-` before a negative one's digits).
  public static func decimal(_ value: Int) -> String {
    value < 0 ? "-" + decimal(UInt64(value.magnitude)) : decimal(UInt64(value))
  }
}
