internal import FirmwareTables
internal import MemoryModel

/// Where the firmware and the EFI stub left what the kernel reserves during `efi_init()`, found
/// in the UEFI memory map. The map gives the regions (by type) but not always the address inside
/// one; what is not stated is estimated from the layouts recorded under EDK2 and U-Boot
/// (docs/kernel-findings-uefi.md §4, §8, §9) and says so.
struct UEFIFirmwareLayout {
  /// A location, with whether the input stated it or the model estimated it (and how).
  struct Located: Hashable {
    var range: PhysicalRange
    var how: String
    var estimated: Bool
  }

  let map: UEFIMemoryMap
  let descriptors: [UEFIMemoryDescriptor]

  init(_ map: UEFIMemoryMap) {
    self.map = map
    self.descriptors = map.descriptors.sorted { $0.physicalStart < $1.physicalStart }
  }

  /// `MAX_FDT_SIZE` in libstub: the stub's tree copy is a 2 MiB Loader Data allocation.
  static let stubFDTAllocation: UInt64 = 0x20_0000
  /// `efi_memattr_init()` reserves the table's header and entries; EDK2 under QEMU has 21
  /// entries of 48 bytes (0x400 bytes); the real size is only in memory.
  static let estimatedMemoryAttributesTableSize: UInt64 = 0x400
  /// `struct linux_efi_memreserve` with no entries (what the stub installs): 16 bytes.
  static let memReserveTableSize: UInt64 = 0x10

  /// EDK2 (the map has MMIO descriptors, or the log named it) rather than U-Boot (no MMIO
  /// descriptors, no Memory Attributes table).
  var isEDK2: Bool {
    if let vendor = map.firmwareVendor { return vendor.contains("EDK") }
    return descriptors.contains { $0.type == .mmio }
  }

  func regions(_ type: UEFIMemoryType) -> [PhysicalRange] {
    descriptors.filter { $0.type == type }.compactMap(\.range)
  }

  /// The stub's copy of the tree (`allocate_new_fdt_and_exit_boot()`): the bottom of the 2 MiB
  /// Loader Data allocation (with an initrd loaded first, the bottom of a larger Loader Data
  /// block), `totalsize` bytes — the given tree plus the stub's `/chosen` properties.
  func stubDeviceTree(blobSize: UInt64?) -> Located? {
    let loaderData = regions(.loaderData)
    guard
      let block = loaderData.first(where: { $0.size == Self.stubFDTAllocation })
        ?? loaderData.filter({ $0.size > Self.stubFDTAllocation }).min(by: { $0.size < $1.size })
    else { return nil }
    // The stub adds seven /chosen properties (about 0x100 bytes with their names).
    let size = min((blobSize ?? 0x1000) + 0x100, Self.stubFDTAllocation)
    guard let range = PhysicalRange(start: block.start, size: size) else { return nil }
    return Located(
      range: range,
      how: "the stub's tree copy: bottom of the 2 MiB Loader Data region at \(Hex.short(block.start)); size estimated "
        + "as the given blob plus the stub's /chosen properties", estimated: true)
  }

  /// EDK2's Memory Attributes table (`efi_memattr_init()`): at `MEMATTR=` when the input gave
  /// it; else estimated from EDK2's layout under QEMU. It is a pool allocation in the Boot Data
  /// region that follows the Conventional block above EDK2's runtime block, at an offset the
  /// map does not state; recorded (docs/kernel-findings-uefi.md §4):
  /// - `-kernel` boots: 0x3018 into it under 6.12 (2G, 3G, numa2, 16K pages), 0x18 under 6.1
  ///   (its map has that region 3 pages shorter: 6.1 runs the image in place);
  /// - with an initrd the stub loaded (`efi_load_initrd()`): EDK2 keeps its own copy of the file
  ///   at that region's bottom, the table is 0x5018 in under 6.12 (64 KiB initrd: 0x4018), 0x2018
  ///   under 6.1 for initrds up to 4.5 MiB recorded (20 and 96 MiB: 0x3018, the copy went
  ///   elsewhere; 64 KiB: 0x1018); a 512-byte initrd moves it into another pool page (not modelled);
  /// - the EDK2 Shell (the Shell's own Loader Code region right below the lowest runtime region):
  ///   0xeff000 − 0x18 below that Boot Data region's end, whatever the Shell allocated before.
  func memoryAttributesTable(kernel: KernelVersion = .v6_12, stubInitrdSize: UInt64? = nil) -> Located? {
    if let address = map.memoryAttributesTable,
      let range = PhysicalRange(start: address, size: Self.estimatedMemoryAttributesTableSize)
    {
      return Located(
        range: range, how: "MEMATTR=\(Hex.short(address)) from the map's log (size estimated)", estimated: false)
    }
    guard isEDK2 else { return nil }
    let runtime: Set<UEFIMemoryType> = [.runtimeServicesCode, .runtimeServicesData]
    // EDK2's own runtime block: Runtime Code, Data, Code back to back (a lone runtime region an
    // application allocated, efi-rec-0052's efialloc.efi ones, is not it).
    guard
      let first = descriptors.indices.dropLast().first(where: { i in
        runtime.contains(descriptors[i].type) && runtime.contains(descriptors[i + 1].type)
          && descriptors[i].range.map { UInt64($0.end) == descriptors[i + 1].physicalStart } ?? false
      })
    else { return nil }
    var index = first
    while index < descriptors.count, runtime.contains(descriptors[index].type) { index += 1 }
    guard index + 1 < descriptors.count, descriptors[index].type == .conventional,
      descriptors[index + 1].type == .bootServicesData, let data = descriptors[index + 1].range
    else { return nil }
    let shell =
      first > 0 && descriptors[first - 1].type == .loaderCode
      && descriptors[first - 1].range.map { UInt64($0.end) == descriptors[first].physicalStart } ?? false
    let start: UInt64
    let why: String
    if shell {
      guard UInt64(data.end) >= data.start + 0xeff000 else { return nil }
      start = UInt64(data.end) - 0xeff000 + 0x18
      why = "the EDK2 Shell puts it 0xefefe8 below the end of the Boot Data region at \(Hex.short(data.start))"
    } else {
      let offset: UInt64
      switch (kernel, stubInitrdSize) {
      case (.v6_1, nil): offset = 0x18
      case (_, nil): offset = 0x3018
      case (.v6_1, let size?): offset = size <= 0x48_0000 ? 0x2018 : 0x3018
      case (_, _?): offset = 0x5018
      }
      start = data.start + offset
      why =
        "EDK2 puts it \(Hex.short(offset)) into the Boot Data region at \(Hex.short(data.start))"
        + (stubInitrdSize == nil ? "" : " when the stub loaded an initrd")
    }
    guard let range = PhysicalRange(start: start, size: Self.estimatedMemoryAttributesTableSize),
      range.end <= data.end
    else { return nil }
    return Located(
      range: range,
      how: why + " (give the kernel's 'efi: … MEMATTR=0x…' line with the map to know)", estimated: true)
  }

  /// The stub's `LINUX_EFI_MEMRESERVE_TABLE` (`efi_config_parse_tables()` reserves it): at
  /// `MEMRESERVE=` when given; else in the small Loader Data region just above the tree copy (a
  /// pool allocation): under EDK2 0xf18 into its last page, 0xf98 when the stub loaded an initrd
  /// (its 16-byte `INITRD=` table took 0xf18 first; efird-*, efird61-*); under U-Boot 0x40 into
  /// its last page (U-Boot's pool header). Not modelled: the CMD_EFIDEBUG build of U-Boot put it in
  /// the first of two pages (efiub-rec-0001, 0xbdd9b040).
  func memReserveTable(above fdt: PhysicalRange?, stubInitrd: Bool = false) -> Located? {
    if let address = map.memReserveTable, let range = PhysicalRange(start: address, size: Self.memReserveTableSize) {
      return Located(range: range, how: "MEMRESERVE=\(Hex.short(address)) from the map's log", estimated: false)
    }
    let floor = fdt.map { $0.start } ?? 0
    guard
      let page = regions(.loaderData).first(where: {
        $0.start > floor && $0.size <= 0x4000 && $0.size >= UEFIMemoryDescriptor.pageSize
      })
    else { return nil }
    let start =
      isEDK2
      ? UInt64(page.end) - UEFIMemoryDescriptor.pageSize + (stubInitrd ? 0xf98 : 0xf18)
      : UInt64(page.end) - UEFIMemoryDescriptor.pageSize + 0x40
    guard let range = PhysicalRange(start: start, size: Self.memReserveTableSize) else { return nil }
    return Located(
      range: range,
      how: "the stub's MEMRESERVE table in the Loader Data region at \(Hex.short(page.start))"
        + (stubInitrd && isEDK2 ? ", after the stub's INITRD table" : ""), estimated: true)
  }

  /// The memory map the stub handed over (`efi_init()` reserves it, page-rounded): at
  /// `/chosen linux,uefi-mmap-start` when the tree has it; else the stub allocated it as ACPI
  /// Reclaim, the highest such region.
  func memoryMap(chosenStart: UInt64?, chosenSize: UInt64?) -> Located? {
    let size = chosenSize ?? UInt64(descriptors.count) * 48
    if let start = chosenStart, let range = PhysicalRange(start: start, size: max(size, 1)) {
      return Located(range: range, how: "/chosen linux,uefi-mmap-start", estimated: false)
    }
    guard let block = regions(.acpiReclaim).last, let range = PhysicalRange(start: block.start + 0x40, size: size)
    else { return nil }
    return Located(
      range: range, how: "in the ACPI Reclaim region at \(Hex.short(block.start))", estimated: true)
  }

  /// The kernel image as 6.1's stub runs it without an RNG protocol: in place, where the firmware
  /// loaded the PE image, when `_text` can be 64 KiB aligned (`EFI_KIMG_ALIGN`) — the Loader Code
  /// region's first 64 KiB boundary, `image_size` bytes (efi61-rec-0001: 0xb84b2000 → 0xb84c0000).
  func kernelImageInPlace(imageSize: UInt64) -> Located? {
    for region in regions(.loaderCode) {
      guard let text = Alignment.up(region.start, 0x1_0000), let range = PhysicalRange(start: text, size: imageSize),
        range.end <= region.end
      else { continue }
      return Located(
        range: range,
        how: "the firmware's PE load of the Image (Loader Code at \(Hex.short(region.start))), _text at its first "
          + "64 KiB boundary", estimated: true)
    }
    return nil
  }

  /// The kernel image where the stub placed it (`efi_kaslr_relocate_kernel()` without an RNG
  /// protocol: a 2 MiB-aligned Loader Code allocation of `image_size`): the Loader Code region of
  /// exactly that size.
  func kernelImage(imageSize: UInt64) -> Located? {
    guard
      let region = regions(.loaderCode).first(where: { $0.size == imageSize && $0.start % 0x20_0000 == 0 })
    else { return nil }
    return Located(
      range: region,
      how: "the Loader Code region of the Image's size (\(Hex.short(imageSize))) at a 2 MiB boundary", estimated: true)
  }
}
