/// Spelling sizes for people and for the kernel command line.
public enum ByteCount {
  static let units: [(suffix: Character, shift: UInt64)] = [
    ("E", 60), ("P", 50), ("T", 40), ("G", 30), ("M", 20), ("K", 10),
  ]

  /// The most compact exact `memparse` spelling: `64M`, `1164K`, `3G`, `4097`. Never rounded,
  /// so `memparse(compact(x)) == x` for every x.
  public static func compact(_ value: UInt64) -> String {
    guard value != 0 else { return "0" }
    for (suffix, shift) in units where value & ((1 << shift) - 1) == 0 {
      return Digits.decimal(value >> shift) + String(suffix)
    }
    return Digits.decimal(value)
  }

  /// A size for people: `2 GiB`, `1164 KiB`, `1.14 MiB`, `512 bytes`. Exact when a binary unit
  /// divides the value, otherwise two decimals (truncated, never rounded up).
  public static func human(_ value: UInt64) -> String {
    let names = ["EiB", "PiB", "TiB", "GiB", "MiB", "KiB"]
    for (index, unit) in units.enumerated() where value >> unit.shift != 0 {
      let whole = value >> unit.shift
      let rest = value & ((1 << unit.shift) - 1)
      if rest == 0 { return "\(Digits.decimal(whole)) \(names[index])" }
      let hundredths = UInt64((UInt128(rest) * 100) >> UInt128(unit.shift))
      return "\(Digits.decimal(whole)).\(hundredths < 10 ? "0" : "")\(Digits.decimal(hundredths)) \(names[index])"
    }
    return value == 1 ? "1 byte" : "\(Digits.decimal(value)) bytes"
  }

  /// A size for people, for values that may reach 2^64 (a whole address space).
  public static func human(_ value: UInt128) -> String {
    value > UInt128(UInt64.max) ? "16 EiB" : human(UInt64(value))
  }
}
