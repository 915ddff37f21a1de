/// The kernel's number parsers, byte for byte: `simple_strtoull()` (lib/vsprintf.c) and
/// `memparse()` (lib/cmdline.c), as in Linux 6.12.
///
/// They never fail and never trap: digits are consumed until the first character that is not a
/// digit of the radix, overflow wraps modulo 2^64 exactly as the kernel's unchecked arithmetic
/// does, and the caller learns where parsing stopped (which is how the kernel detects "no number").
/// Positions past the end of the input read as the C string's terminating NUL.
public enum MemParse {
  /// The result of a parse: the value and the index just past what was consumed.
  public struct Parsed: Equatable, Sendable {
    public var value: UInt64
    public var end: Int
    /// The kernel wrapped the value modulo 2^64 (it does not report this; dtmem can).
    public var overflowed: Bool = false
  }

  /// The byte at `i`, or the C string terminator past the end.
  @inline(__always)
  public static func byte(_ s: [UInt8], _ i: Int) -> UInt8 { i < s.count ? s[i] : 0 }

  @inline(__always)
  static func lower(_ c: UInt8) -> UInt8 { (c >= 0x41 && c <= 0x5a) ? c | 0x20 : c }

  @inline(__always)
  static func isHexDigit(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (lower(c) >= 0x61 && lower(c) <= 0x66)
  }

  /// `simple_strtoull(s + start, &end, base)`. `base` 0 detects the radix like the kernel:
  /// `0x` followed by a hex digit is hexadecimal, any other leading `0` is octal, else decimal.
  public static func strtoull(_ s: [UInt8], from start: Int = 0, base: Int = 0) -> Parsed {
    var radix = UInt64(base)
    var i = start
    // _parse_integer_fixup_radix()
    if radix == 0 {
      if byte(s, i) == 0x30 {
        radix = (lower(byte(s, i + 1)) == 0x78 && isHexDigit(byte(s, i + 2))) ? 16 : 8
      } else {
        radix = 10
      }
    }
    if radix == 16 && byte(s, i) == 0x30 && lower(byte(s, i + 1)) == 0x78 { i += 2 }
    // _parse_integer_limit(): wraps silently on overflow.
    var value: UInt64 = 0
    var overflowed = false
    while true {
      let c = byte(s, i)
      let digit: UInt64
      if c >= 0x30 && c <= 0x39 {
        digit = UInt64(c - 0x30)
      } else if lower(c) >= 0x61 && lower(c) <= 0x66 {
        digit = UInt64(lower(c) - 0x61 + 10)
      } else {
        break
      }
      if digit >= radix { break }
      let (product, o1) = value.multipliedReportingOverflow(by: radix)
      let (sum, o2) = product.addingReportingOverflow(digit)
      overflowed = overflowed || o1 || o2
      value = sum
      i += 1
    }
    return Parsed(value: value, end: i, overflowed: overflowed)
  }

  /// `memparse(s + start, &end)`: a number as `strtoull` reads it, then at most one suffix
  /// K M G T P E (either case) that shifts it left by 10, 20, … 60 bits (overflow wraps).
  /// The suffix is consumed even when no digit was — exactly what the kernel does.
  public static func memparse(_ s: [UInt8], from start: Int = 0) -> Parsed {
    var parsed = strtoull(s, from: start)
    let shift: UInt64
    switch byte(s, parsed.end) {
    case 0x45, 0x65: shift = 60  // E e
    case 0x50, 0x70: shift = 50  // P p
    case 0x54, 0x74: shift = 40  // T t
    case 0x47, 0x67: shift = 30  // G g
    case 0x4d, 0x6d: shift = 20  // M m
    case 0x4b, 0x6b: shift = 10  // K k
    default: return parsed
    }
    if parsed.value >> (64 - shift) != 0 { parsed.overflowed = true }
    parsed.value = parsed.value << shift
    parsed.end += 1
    return parsed
  }

  /// A whole string read with `memparse`: the value when the string is exactly one number with an
  /// optional suffix, nil otherwise. This is the strict form dtmem uses for its own options
  /// (`--reserve 0x40000000:64M`), where trailing garbage should be an error, not ignored.
  public static func wholeNumber(_ text: Substring) -> UInt64? {
    let bytes = Array(text.utf8)
    guard !bytes.isEmpty else { return nil }
    let parsed = memparse(bytes)
    guard parsed.end == bytes.count, parsed.end > 0 else { return nil }
    // A lone suffix ("K") parses as 0 in the kernel; refuse it here.
    let first = bytes[0]
    guard first >= 0x30 && first <= 0x39 else { return nil }
    guard !parsed.overflowed else { return nil }
    return parsed.value
  }
}
