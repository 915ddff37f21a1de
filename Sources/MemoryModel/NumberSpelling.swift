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
