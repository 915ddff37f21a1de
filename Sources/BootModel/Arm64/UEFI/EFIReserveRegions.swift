public import FirmwareTables
public import MemoryModel

/// How Linux 6.12 turns UEFI memory descriptors into memblock memory: `reserve_regions()`,
/// `is_memory()`, `is_usable_memory()` (drivers/firmware/efi/efi-init.c) and
/// `memrange_efi_to_native()` (include/linux/efi.h). Checked against 141 recorded boots
/// (docs/kernel-findings-uefi.md §1–2).
enum EFIReserveRegions {
  /// `is_memory()`: the firmware can map it cacheable (WB, WT or WC) — also MMIO so marked.
  static func isMemory(_ descriptor: UEFIMemoryDescriptor) -> Bool {
    !descriptor.attributes.isDisjoint(with: [.writeBack, .writeThrough, .writeCombining])
  }

  /// `is_usable_memory()`: the types free after `ExitBootServices()` (Loader, Boot Services,
  /// Conventional, ACPI Reclaim, Persistent), and only when write-back cacheable.
  static func isUsableMemory(_ descriptor: UEFIMemoryDescriptor) -> Bool {
    let free: Set<UEFIMemoryType> = [
      .loaderCode, .loaderData, .acpiReclaim, .bootServicesCode, .bootServicesData, .conventional, .persistent,
    ]
    return free.contains(descriptor.type) && descriptor.attributes.contains(.writeBack)
  }

  /// `efi_soft_reserve_enabled()` with Debian's `CONFIG_EFI_SOFT_RESERVE=y` (and no
  /// `efi=nosoftreserve`): `EFI_MEMORY_SP` memory is left out of memblock.
  static func isSoftReserved(_ descriptor: UEFIMemoryDescriptor, softReserve: Bool) -> Bool {
    softReserve && descriptor.attributes.contains(.specificPurpose)
  }

  /// `memrange_efi_to_native()`: the descriptor rounded outward to the kernel's pages (start
  /// down, end up); nil for a descriptor that passes 2^64.
  static func nativeRange(_ descriptor: UEFIMemoryDescriptor, pageSize: UInt64) -> (base: UInt64, size: UInt64)? {
    guard let range = descriptor.range else { return nil }
    let base = range.start & ~(pageSize - 1)
    let end = UInt128(range.end)
    let roundedEnd = (end + UInt128(pageSize) - 1) & ~(UInt128(pageSize) - 1)
    let size = roundedEnd - UInt128(base)
    guard size <= UInt128(UInt64.max) else { return nil }
    return (base, UInt64(size))
  }

  /// What `reserve_regions()` does with one descriptor.
  enum Outcome: Hashable {
    case memory, noMapMemory, reclaimReserved, softReserved, notMemory
  }

  static func outcome(_ descriptor: UEFIMemoryDescriptor, softReserve: Bool) -> Outcome {
    guard isMemory(descriptor) else { return .notMemory }
    if isSoftReserved(descriptor, softReserve: softReserve) { return .softReserved }
    if !isUsableMemory(descriptor) { return .noMapMemory }
    return descriptor.type == .acpiReclaim ? .reclaimReserved : .memory
  }
}

extension UEFIMemoryMap {
  /// The ranges `reserve_regions()` makes memory (no-map included; soft-reserved left out).
  public var kernelMemoryRanges: [PhysicalRange] {
    PhysicalRanges.merged(
      descriptors.filter {
        let outcome = EFIReserveRegions.outcome($0, softReserve: true)
        return outcome != .notMemory && outcome != .softReserved
      }.compactMap(\.range))
  }

  /// The descriptors `is_usable_memory()` accepts (free after `ExitBootServices()`, write-back).
  public var usableDescriptors: [UEFIMemoryDescriptor] {
    descriptors.filter { EFIReserveRegions.isUsableMemory($0) && !$0.attributes.contains(.specificPurpose) }
  }

  /// The descriptors the firmware keeps using after `ExitBootServices()`: `EFI_MEMORY_RUNTIME`,
  /// or a runtime-services type.
  public var runtimeDescriptors: [UEFIMemoryDescriptor] {
    descriptors.filter {
      $0.attributes.contains(.runtime) || $0.type == .runtimeServicesCode || $0.type == .runtimeServicesData
    }
  }

  /// The same map with every region the firmware holds (memory `reserve_regions()` makes
  /// no-map or reserves) as free Conventional memory and no firmware tables: where the tree's
  /// regions would go if the firmware were not there (a what-if for validation).
  public var withoutFirmwareHoldings: UEFIMemoryMap {
    var map = self
    map.descriptors = descriptors.map { descriptor in
      switch EFIReserveRegions.outcome(descriptor, softReserve: true) {
      case .noMapMemory, .reclaimReserved:
        return UEFIMemoryDescriptor(
          type: .conventional, physicalStart: descriptor.physicalStart, pages: descriptor.pages,
          attributes: .writeBack)
      default: return descriptor
      }
    }
    map.memoryAttributesTable = nil
    map.memReserveTable = nil
    map.firmwareVendor = "(none: what-if without firmware holdings)"
    return map
  }
}
