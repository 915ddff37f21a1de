/// What a range of physical memory is, in the vocabulary every format shares: the x86 e820 type
/// numbers (arch/x86/include/asm/e820/types.h). A device tree's facts map onto these (memory →
/// `.usable`, reservations → `.reserved`, `pmem-region` → `.persistentLegacy`), which is what
/// makes DT ↔ e820 ↔ `memmap=` conversion possible.
///
/// A raw-value struct, not an enum: firmware may hand over any 32-bit type, and the kernel keeps
/// unknown ones (printing them as `type N`), so dtmem must too.
public struct RegionKind: RawRepresentable, Hashable, Sendable, Comparable {
  public var rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// E820_TYPE_RAM (1).
  public static let usable = RegionKind(rawValue: 1)
  /// E820_TYPE_RESERVED (2).
  public static let reserved = RegionKind(rawValue: 2)
  /// E820_TYPE_ACPI (3): ACPI tables, reclaimable.
  public static let acpiData = RegionKind(rawValue: 3)
  /// E820_TYPE_NVS (4).
  public static let acpiNVS = RegionKind(rawValue: 4)
  /// E820_TYPE_UNUSABLE (5).
  public static let unusable = RegionKind(rawValue: 5)
  /// E820_TYPE_PMEM (7): ACPI 6 persistent memory.
  public static let persistent = RegionKind(rawValue: 7)
  /// E820_TYPE_PRAM (12): legacy persistent memory, what `memmap=nn!ss` makes.
  public static let persistentLegacy = RegionKind(rawValue: 12)
  /// `E820_TYPE_RESERVED_KERN` (128): setup_data inside RAM; printed as usable (removed in 6.15).
  /// It prints like RAM but is its own type to `e820__update_table()`, so it never merges with
  /// type-1 neighbours (recorded: x86-rec-0143).
  public static let reservedKernel = RegionKind(rawValue: 128)
  /// E820_TYPE_SOFT_RESERVED (0xefffffff): EFI specific-purpose memory.
  public static let softReserved = RegionKind(rawValue: 0xefff_ffff)

  /// Sanitize closes and reopens runs of these types at every boundary instead of merging them
  /// (e820.c `e820_nomerge()`), so each firmware range stays its own device.
  public var neverMerges: Bool { self == .persistentLegacy || self == .softReserved }

  /// The overlap rule of `e820__update_table()`: the numerically highest type wins.
  public static func < (a: RegionKind, b: RegionKind) -> Bool { a.rawValue < b.rawValue }
}
