/// How ranges and sizes are written in messages for people (rules, diffs).
public enum Describe {
  /// `[0x40000000-0x7fffffff]` (inclusive end, short hex).
  public static func range(_ range: PhysicalRange) -> String {
    range.isEmpty ? "[\(Hex.short(range.start)), empty]" : "[\(Hex.short(range.start))-\(Hex.short(range.last))]"
  }

  /// A range and its size: `[0x40000000-0x7fffffff] (1 GiB)`.
  public static func sized(_ range: PhysicalRange) -> String {
    "\(Self.range(range)) (\(ByteCount.human(range.size)))"
  }

  /// `N bytes` for people, exact in hex when not a round unit: `4 KiB`, `1.50 MiB (0x180000)`.
  public static func bytes(_ count: UInt64) -> String {
    let human = ByteCount.human(count)
    return human.contains(".") ? "\(human) (\(Hex.short(count)) bytes)" : human
  }

  public static func bytes(_ count: UInt128) -> String {
    count > UInt128(UInt64.max) ? "16 EiB" : bytes(UInt64(count))
  }
}
