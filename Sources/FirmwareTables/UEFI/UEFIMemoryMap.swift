internal import MemoryModel

/// A UEFI memory map (`GetMemoryMap()`), as a firmware tool or the kernel printed it, with the
/// configuration-table addresses the same output gave (the kernel's `efi: … MEMATTR=0x…` line).
public struct UEFIMemoryMap: Hashable, Sendable {
  /// How the map was written, for messages and for what it can leave out.
  public enum Format: String, Hashable, Sendable {
    /// The kernel's `efi=debug` lines (`efi:   0x…-0x… [Type|…]`): the map the kernel used.
    case kernelLog = "kernel efi=debug log"
    /// UEFI Shell `memmap` (EDK2 ShellPkg): the map before the EFI stub's own allocations.
    case shell = "UEFI Shell memmap"
    /// UEFI Shell `memmap -sfo` (CSV; EDK2 leaves OS-defined types out).
    case shellStandardFormat = "UEFI Shell memmap -sfo"
    /// U-Boot `efidebug memmap`.
    case uBootEfidebug = "U-Boot efidebug memmap"
    /// dtmem's JSON (`efi_memmap`).
    case json = "dtmem JSON"
  }

  public var descriptors: [UEFIMemoryDescriptor]
  public var format: Format
  /// `EFI_MEMORY_ATTRIBUTES_TABLE`'s address (`MEMATTR=`), when the input gave it.
  public var memoryAttributesTable: UInt64?
  /// `LINUX_EFI_MEMRESERVE_TABLE`'s address (`MEMRESERVE=`), when the input gave it.
  public var memReserveTable: UInt64?
  /// The firmware's vendor as the kernel printed it (`EDK II`, `Das U-Boot`), when given.
  public var firmwareVendor: String?

  public init(
    _ descriptors: [UEFIMemoryDescriptor], format: Format, memoryAttributesTable: UInt64? = nil,
    memReserveTable: UInt64? = nil, firmwareVendor: String? = nil
  ) {
    self.descriptors = descriptors
    self.format = format
    self.memoryAttributesTable = memoryAttributesTable
    self.memReserveTable = memReserveTable
    self.firmwareVendor = firmwareVendor
  }
}

/// Why a UEFI memory map could not be read, and where (`line 12`, `efi_memmap[3].pages`).
public struct UEFIMapDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
  public var position: String
  public var message: String

  public init(_ position: String, _ message: String) {
    self.position = position
    self.message = message
  }

  static func line(_ number: Int, _ message: String) -> UEFIMapDecodeError {
    UEFIMapDecodeError("line \(number)", message)
  }

  public var description: String { "\(position): \(message)" }
}
