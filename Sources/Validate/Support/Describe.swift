internal import BootModel
internal import MemoryModel

/// Wording shared by the rules.
enum Describe {
  /// `[0x40000000-0x7fffffff]` (inclusive end, short hex).
  static func range(_ range: PhysicalRange) -> String {
    range.isEmpty ? "[\(Hex.short(range.start)), empty]" : "[\(Hex.short(range.start))-\(Hex.short(range.last))]"
  }

  /// A range and its size: `[0x40000000-0x7fffffff] (1 GiB)`.
  static func sized(_ range: PhysicalRange) -> String {
    "\(Self.range(range)) (\(ByteCount.human(range.size)))"
  }

  /// `N bytes` for people, exact in hex when not a round unit: `4 KiB`, `1.50 MiB (0x180000)`.
  static func bytes(_ count: UInt64) -> String {
    let human = ByteCount.human(count)
    return human.contains(".") ? "\(human) (\(Hex.short(count)) bytes)" : human
  }

  static func bytes(_ count: UInt128) -> String {
    count > UInt128(UInt64.max) ? "16 EiB" : bytes(UInt64(count))
  }

  /// How a reservation is named in a message.
  static func reservation(_ r: Reservation) -> String {
    switch r.origin {
    case .staticRegion, .dynamicRegion: return r.path
    case .memoryReservationBlock:
      let index = r.name.split(separator: "-").last.map(String.init) ?? "?"
      return "/memreserve/ entry #\(index)"
    case .initrd: return "the initrd (\(r.path))"
    case .elfCoreHeader: return "linux,elfcorehdr (\(r.path))"
    case .loader: return "--reserve \(r.name)"
    case .reserveMemParameter: return "reserve_mem=\(r.name)"
    case .defaultCMA: return "the default CMA area"
    case .crashKernel: return "the crash kernel"
    }
  }

  /// The page size as people write it.
  static func page(_ size: PageSize) -> String { ByteCount.human(size.bytes) }
}
