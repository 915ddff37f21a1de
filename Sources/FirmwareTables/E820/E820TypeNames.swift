public import MemoryModel

/// The kernel's spellings of e820 types (arch/x86/kernel/e820.c, Linux 6.12), both ways.
extension RegionKind {
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

  /// The type a dmesg name stands for: every spelling `e820_print_type()` produces in 6.12
  /// (`usable`, `reserved`, `ACPI data`, `ACPI NVS`, `unusable`, `persistent (type N)`,
  /// `soft reserved`, `type N` with N unsigned decimal), plus the 7.x spellings (`System RAM`,
  /// `device reserved`, `persistent RAM (type N)`) so newer logs read too. `usable` means type 1
  /// (type 128 prints the same and cannot be told apart). Nil for anything else.
  public init?(dmesgName name: Substring) {
    switch name {
    case "usable", "System RAM": self = .usable
    case "reserved", "device reserved": self = .reserved
    case "ACPI data": self = .acpiData
    case "ACPI NVS": self = .acpiNVS
    case "unusable": self = .unusable
    case "soft reserved": self = .softReserved
    default:
      for prefix in ["persistent (type ", "persistent RAM (type "] where name.hasPrefix(prefix) && name.hasSuffix(")") {
        guard let number = RegionKind.decimalType(name.dropFirst(prefix.count).dropLast()) else { return nil }
        self = number
        return
      }
      guard name.hasPrefix("type "), let number = RegionKind.decimalType(name.dropFirst(5)) else { return nil }
      self = number
    }
  }

  /// The type a `/proc/iomem` or `/sys/firmware/memmap` name stands for. `Unknown E820 type`
  /// loses the number; it reads as reserved, as kexec-tools reads it. Nil for names that are not
  /// e820 types (`PCI Bus 0000:00`, `Kernel code`, …).
  public init?(resourceName name: Substring) {
    switch name {
    case "System RAM": self = .usable
    case "Reserved", "reserved", "Unknown E820 type": self = .reserved
    case "ACPI Tables": self = .acpiData
    case "ACPI Non-volatile Storage": self = .acpiNVS
    case "Unusable memory": self = .unusable
    case "Persistent Memory": self = .persistent
    case "Persistent Memory (legacy)": self = .persistentLegacy
    case "Soft Reserved": self = .softReserved
    default: return nil
    }
  }

  /// A type number as `%u` prints it: decimal digits only, at most 2^32 - 1.
  static func decimalType(_ digits: Substring) -> RegionKind? {
    guard !digits.isEmpty, digits.utf8.count <= 10, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
      let value = UInt32(digits)
    else { return nil }
    return RegionKind(rawValue: value)
  }
}
