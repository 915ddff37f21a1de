internal import MemoryModel

/// x86 `mem=` as `parse_memopt()` (arch/x86/kernel/e820.c, Linux 6.12) reads it: an address
/// limit — usable RAM at and above it is removed, other types stay, holes below it are not
/// made up for.
public enum X86MemParameter: Hashable, Sendable {
  /// `mem` without a value: -EINVAL, `Malformed early option 'mem'`; `userdef` unchanged.
  case missingValue
  /// `mem=nopentium` on x86-64: a warning, then -EINVAL; `userdef` unchanged.
  case nopentium
  /// A value that parses to 0 (`mem=0`, `mem=foo`, `mem=`, `mem=16E`): -EINVAL, nothing removed,
  /// but `userdef` is already set.
  case zero(String)
  /// `e820__range_remove(limit, ULLONG_MAX - limit, E820_TYPE_RAM, 1)`; text after the number
  /// (`mem=4G@1G`) is ignored.
  case limit(UInt64, ignoredText: String?)

  public static func parse(_ value: String?) -> X86MemParameter {
    guard let value else { return .missingValue }
    if value == "nopentium" { return .nopentium }
    let bytes = Array(value.utf8)
    let parsed = MemParse.memparse(bytes)
    guard parsed.value != 0 else { return .zero(value) }
    let rest = parsed.end < bytes.count ? String(decoding: bytes[parsed.end...], as: UTF8.self) : nil
    return .limit(parsed.value, ignoredText: rest)
  }

  /// Whether the kernel's handler sets `userdef` (every value but `nopentium`).
  public var setsUserDefinedMap: Bool {
    switch self {
    case .missingValue, .nopentium: false
    case .zero, .limit: true
    }
  }
}
