/// A UEFI memory descriptor's `Attribute` bits (`EFI_MEMORY_*`, UEFI 2.10 §7.2).
public struct UEFIMemoryAttributes: OptionSet, Hashable, Sendable {
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }

  public static let uncacheable = UEFIMemoryAttributes(rawValue: 0x1)  // UC
  public static let writeCombining = UEFIMemoryAttributes(rawValue: 0x2)  // WC
  public static let writeThrough = UEFIMemoryAttributes(rawValue: 0x4)  // WT
  public static let writeBack = UEFIMemoryAttributes(rawValue: 0x8)  // WB
  public static let uncacheableExported = UEFIMemoryAttributes(rawValue: 0x10)  // UCE
  public static let writeProtected = UEFIMemoryAttributes(rawValue: 0x1000)  // WP
  public static let readProtected = UEFIMemoryAttributes(rawValue: 0x2000)  // RP
  public static let executeProtected = UEFIMemoryAttributes(rawValue: 0x4000)  // XP
  public static let nonVolatile = UEFIMemoryAttributes(rawValue: 0x8000)  // NV
  public static let moreReliable = UEFIMemoryAttributes(rawValue: 0x1_0000)  // MR
  public static let readOnly = UEFIMemoryAttributes(rawValue: 0x2_0000)  // RO
  public static let specificPurpose = UEFIMemoryAttributes(rawValue: 0x4_0000)  // SP
  public static let cpuCrypto = UEFIMemoryAttributes(rawValue: 0x8_0000)  // CC
  public static let hotPluggable = UEFIMemoryAttributes(rawValue: 0x10_0000)  // HP
  public static let runtime = UEFIMemoryAttributes(rawValue: 1 << 63)  // RUN

  /// The flags the kernel's `efi_md_typeattr_format()` names, in its column order, with the
  /// width it pads a clear flag to.
  public static let kernelColumns: [(name: String, bit: UEFIMemoryAttributes)] = [
    ("RUN", .runtime), ("HP", .hotPluggable), ("MR", .moreReliable), ("CC", .cpuCrypto), ("SP", .specificPurpose),
    ("NV", .nonVolatile),
    ("XP", .executeProtected), ("RP", .readProtected), ("WP", .writeProtected), ("RO", .readOnly),
    ("UCE", .uncacheableExported), ("WB", .writeBack), ("WT", .writeThrough), ("WC", .writeCombining),
    ("UC", .uncacheable),
  ]

  /// Every bit the kernel names; others make it print `attr=0x…` instead of the flags.
  public static let kernelKnown = UEFIMemoryAttributes(kernelColumns.map(\.bit))

  /// The short names, highest column first (`RUN|WB`), for messages.
  public var names: String {
    let known = Self.kernelColumns.filter { contains($0.bit) }.map(\.name)
    let unknown = subtracting(Self.kernelKnown)
    return (known + (unknown.isEmpty ? [] : ["0x" + String(unknown.rawValue, radix: 16)])).joined(separator: "|")
  }
}
