public import MemoryModel

/// The e820 view of a UEFI memory map, as x86 Linux 6.12 builds its e820 table from one
/// (`do_add_efi_memmap()`, arch/x86/platform/efi/efi.c): Loader, Boot Services and Conventional
/// memory are usable when write-back (soft reserved with `EFI_MEMORY_SP`, reserved otherwise),
/// ACPI Reclaim is ACPI data, ACPI NVS is NVS, Unusable unusable, Persistent type 7, and every
/// other type (runtime, MMIO, reserved, PAL, OEM/OS types) reserved. Raw, in map order: the
/// kernel sanitizes it (`e820__update_table()`).
extension UEFIMemoryMap {
  public func e820Entries(softReserve: Bool = true) -> [MapEntry] {
    descriptors.compactMap { descriptor in
      guard let range = descriptor.range else { return nil }
      let kind: RegionKind
      switch descriptor.type {
      case .loaderCode, .loaderData, .bootServicesCode, .bootServicesData, .conventional:
        if softReserve && descriptor.attributes.contains(.specificPurpose) {
          kind = .softReserved
        } else {
          kind = descriptor.attributes.contains(.writeBack) ? .usable : .reserved
        }
      case .acpiReclaim: kind = .acpiData
      case .acpiNVS: kind = .acpiNVS
      case .unusable: kind = .unusable
      case .persistent: kind = .persistent
      default: kind = .reserved
      }
      return MapEntry(start: range.start, size: range.size, kind: kind)
    }
  }
}
