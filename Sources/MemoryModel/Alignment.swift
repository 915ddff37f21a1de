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
