public import MemoryModel

/// The kernel's spellings of e820 types (arch/x86/kernel/e820.c, Linux 6.12).
extension RegionKind {
  /// `E820_TYPE_RESERVED_KERN` (128): setup_data inside RAM; printed as usable (removed in 6.15).
  public static let reservedKernel = RegionKind(rawValue: 128)

  /// `e820_print_type()`: what `BIOS-e820:` / `user:` lines say.
  public var dmesgName: String {
    switch self {
    case .usable, .reservedKernel: "usable"
    case .reserved: "reserved"
    case .softReserved: "soft reserved"
    case .acpiData: "ACPI data"
    case .acpiNVS: "ACPI NVS"
    case .unusable: "unusable"
    case .persistent, .persistentLegacy: "persistent (type \(rawValue))"
    default: "type \(rawValue)"
    }
  }

  /// `e820_type_to_string()`: the `/proc/iomem` and `/sys/firmware/memmap/N/type` name.
  public var resourceName: String {
    switch self {
    case .usable, .reservedKernel: "System RAM"
    case .acpiData: "ACPI Tables"
    case .acpiNVS: "ACPI Non-volatile Storage"
    case .unusable: "Unusable memory"
    case .persistentLegacy: "Persistent Memory (legacy)"
    case .persistent: "Persistent Memory"
    case .reserved: "Reserved"
    case .softReserved: "Soft Reserved"
    default: "Unknown E820 type"
    }
  }
}
