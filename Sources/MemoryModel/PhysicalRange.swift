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
