/// A UEFI memory descriptor's `Type` (`EFI_MEMORY_TYPE`, UEFI 2.10 §7.2), with the names each
/// tool prints it by. Values the specification does not name (OEM 0x70000000…, OS 0x80000000…)
/// are kept as numbers.
public struct UEFIMemoryType: RawRepresentable, Hashable, Sendable, Comparable {
  public var rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public static let reserved = UEFIMemoryType(rawValue: 0)
  public static let loaderCode = UEFIMemoryType(rawValue: 1)
  public static let loaderData = UEFIMemoryType(rawValue: 2)
  public static let bootServicesCode = UEFIMemoryType(rawValue: 3)
  public static let bootServicesData = UEFIMemoryType(rawValue: 4)
  public static let runtimeServicesCode = UEFIMemoryType(rawValue: 5)
  public static let runtimeServicesData = UEFIMemoryType(rawValue: 6)
  public static let conventional = UEFIMemoryType(rawValue: 7)
  public static let unusable = UEFIMemoryType(rawValue: 8)
  public static let acpiReclaim = UEFIMemoryType(rawValue: 9)
  public static let acpiNVS = UEFIMemoryType(rawValue: 10)
  public static let mmio = UEFIMemoryType(rawValue: 11)
  public static let mmioPortSpace = UEFIMemoryType(rawValue: 12)
  public static let palCode = UEFIMemoryType(rawValue: 13)
  public static let persistent = UEFIMemoryType(rawValue: 14)
  public static let unaccepted = UEFIMemoryType(rawValue: 15)

  /// The types the specification names (0…15).
  public var isStandard: Bool { rawValue <= 15 }

  public static func < (a: UEFIMemoryType, b: UEFIMemoryType) -> Bool { a.rawValue < b.rawValue }

  /// The kernel's `memory_type_name[]` (drivers/firmware/efi/efi.c, 6.12), as `efi=debug`
  /// prints it: `Conventional`, `Boot Data`, `ACPI Mem NVS`, …; others as `type=N`.
  public var kernelName: String {
    let names = [
      "Reserved", "Loader Code", "Loader Data", "Boot Code", "Boot Data", "Runtime Code", "Runtime Data",
      "Conventional", "Unusable", "ACPI Reclaim", "ACPI Mem NVS", "MMIO", "MMIO Port", "PAL Code", "Persistent",
      "Unaccepted",
    ]
    return isStandard ? names[Int(rawValue)] : "type=\(rawValue)"
  }

  /// The UEFI Shell `memmap` column (EDK2 ShellPkg MemMap.c short names): `Available`,
  /// `BS_Data`, `RT_Code`, `ACPI_Recl`, …; others as 8 hex digits (`80000001`).
  public var shellName: String {
    let names = [
      "Reserved", "LoaderCode", "LoaderData", "BS_Code", "BS_Data", "RT_Code", "RT_Data", "Available", "Unusable",
      "ACPI_Recl", "ACPI_NVS", "MMIO", "MMIO_Port", "PalCode", "Persistent", "Unaccepted",
    ]
    return isStandard ? names[Int(rawValue)] : Self.hex8(rawValue)
  }

  /// `memmap -sfo`'s full names (`BootServiceData`, `MemoryMappedIO`, …).
  public var shellFullName: String {
    let names = [
      "Reserved", "LoaderCode", "LoaderData", "BootServiceCode", "BootServiceData", "RuntimeCode", "RuntimeData",
      "Available", "UnusableMemory", "ACPIReclaimMemory", "ACPIMemoryNVS", "MemoryMappedIO",
      "MemoryMappedIOPortSpace", "PalCode", "Persistent", "Unaccepted",
    ]
    return isStandard ? names[Int(rawValue)] : Self.hex8(rawValue)
  }

  /// U-Boot `efidebug memmap`'s `efi_mem_type_string[]` (cmd/efidebug.c): `CONVENTIONAL`,
  /// `BOOT DATA`, `IO`, …; others as `(unknown)`.
  public var uBootName: String {
    let names = [
      "RESERVED", "LOADER CODE", "LOADER DATA", "BOOT CODE", "BOOT DATA", "RUNTIME CODE", "RUNTIME DATA",
      "CONVENTIONAL", "UNUSABLE MEM", "ACPI RECLAIM MEM", "ACPI NVS", "IO", "IO PORT", "PAL", "PERSISTENT",
      "UNACCEPTED",
    ]
    return isStandard ? names[Int(rawValue)] : "(unknown)"
  }

  /// The specification's own name (`EfiConventionalMemory`), used in dtmem's JSON.
  public var specificationName: String {
    let names = [
      "EfiReservedMemoryType", "EfiLoaderCode", "EfiLoaderData", "EfiBootServicesCode", "EfiBootServicesData",
      "EfiRuntimeServicesCode", "EfiRuntimeServicesData", "EfiConventionalMemory", "EfiUnusableMemory",
      "EfiACPIReclaimMemory", "EfiACPIMemoryNVS", "EfiMemoryMappedIO", "EfiMemoryMappedIOPortSpace", "EfiPalCode",
      "EfiPersistentMemory", "EfiUnacceptedMemoryType",
    ]
    return isStandard ? names[Int(rawValue)] : Self.hex8(rawValue)
  }

  static func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }

  /// A type from any of the names above (exact spelling, as each tool prints it), or from a
  /// number: `type=N` (decimal, the kernel's), 8 hex digits (the Shell's), `0x…`.
  public init?(name: Substring) {
    let all = (0...15).map { UEFIMemoryType(rawValue: UInt32($0)) }
    if let match = all.first(where: {
      $0.kernelName == name || $0.shellName == name || $0.shellFullName == name || $0.uBootName == name
        || $0.specificationName == name
    }) {
      self = match
      return
    }
    if name.hasPrefix("type="), let value = UInt32(name.dropFirst(5)) {
      self.init(rawValue: value)
    } else if name.hasPrefix("0x"), let value = UInt32(name.dropFirst(2), radix: 16) {
      self.init(rawValue: value)
    } else if name.count == 8, let value = UInt32(name, radix: 16) {
      self.init(rawValue: value)
    } else {
      return nil
    }
  }
}
