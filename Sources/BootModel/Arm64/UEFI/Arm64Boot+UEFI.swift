internal import FirmwareTables
internal import KernelParameters
internal import MemoryModel

/// The arm64 boot through the EFI stub (Linux 6.12), up to `arm64_memblock_init()`; from there
/// on it is the device-tree boot's (`runFromPhysicalLimits()`). Each step follows the kernel
/// function it names; docs/kernel-findings-uefi.md has the recorded boots behind each.
///
///  1. The stub's tree edits (`update_fdt()`): `/memreserve/` entries deleted, `/chosen`
///     `linux,uefi-mmap-*` and `bootargs` (the load options) written.
///  2. `setup_machine_fdt()`: the stub's tree copy reserved.
///  3. `parse_early_param()`.
///  4. `efi_init()` configuration tables: the Memory Attributes table (`efi_memattr_init()`) and
///     the stub's MEMRESERVE table (`efi_config_parse_tables()`) reserved.
///  5. `reserve_regions()`: memblock rebuilt from the UEFI map alone.
///  6. `early_init_dt_check_for_usable_mem_range()` (called by `efi_init()`).
///  7. `efi_init()`: the memory map itself reserved.
extension Arm64BootState {
  /// `image_size` of Debian's arm64 Image (6.12.100 4K; 6.12.107 16K; 6.1.0-50 4K): the kernel
  /// copy the stub makes is a Loader Code region of this size.
  static func debianImageSize(_ kernel: KernelVersion, _ pageSize: PageSize) -> UInt64? {
    switch (kernel, pageSize) {
    case (.v6_12, .size4K): 0x2b2_0000
    case (.v6_12, .size16K): 0x2bd_0000
    case (.v6_1, .size4K): 0x201_0000
    default: nil
    }
  }

  mutating func runUEFIFirmware(_ map: UEFIMemoryMap) {
    let layout = UEFIFirmwareLayout(map)
    step("EFI stub: edits to the tree", "update_fdt() (drivers/firmware/efi/libstub/fdt.c)") { boot, _ in
      boot.stubTreeEdits(map)
    }
    step("EFI stub: where the kernel runs", "efi_kaslr_relocate_kernel() (drivers/firmware/efi/libstub/arm64.c)") {
      boot, _ in
      boot.locateKernelImage(layout)
    }
    step(
      "EFI stub: initrd through LoadFile2",
      "efi_load_initrd() (drivers/firmware/efi/libstub/efi-stub-helper.c), INITRD table (efi_config_parse_tables())"
    ) { boot, _ in
      boot.locateStubInitrd(layout)
    }
    step("Stub's tree copy reserved", "setup_machine_fdt() (arch/arm64/kernel/setup.c)") { boot, _ in
      boot.reserveStubTree(layout)
    }
    step("Early parameters", "parse_early_param() (init/main.c)") { boot, events in
      boot.parseEarlyParameters(&events)
    }
    step(
      "EFI configuration tables",
      "efi_memattr_init(), efi_config_parse_tables() (drivers/firmware/efi/efi.c, memattr.c)"
    ) { boot, _ in
      boot.reserveConfigurationTables(layout)
    }
    step("UEFI memory map → memblock", "reserve_regions() (drivers/firmware/efi/efi-init.c)") { boot, events in
      boot.reserveRegions(map, &events)
    }
    step(
      "/chosen linux,usable-memory-range",
      "early_init_dt_check_for_usable_mem_range() (drivers/of/fdt.c, called by efi_init())"
    ) { boot, _ in
      boot.applyUsableMemoryRange()
    }
    step("UEFI memory map reserved", "efi_init() (drivers/firmware/efi/efi-init.c)") { boot, _ in
      boot.reserveMemoryMap(layout)
    }
  }

  func stubTreeEdits(_ map: UEFIMemoryMap) -> [String] {
    var notes = ["memory from the UEFI map (\(map.descriptors.count) descriptors, \(map.format.rawValue))"]
    if stubDeletedMemoryReservations > 0 {
      notes.append("\(stubDeletedMemoryReservations) /memreserve/ entries deleted")
    }
    notes.append(
      "/chosen gets linux,uefi-system-table, linux,uefi-mmap-start/-size/-desc-size/-desc-ver, "
        + "linux,uefi-secure-boot and bootargs (the load options)")
    if !board.memoryNodes.isEmpty {
      notes.append("/memory nodes kept, but reserve_regions() discards the memory they add")
    }
    return notes
  }

  /// The kernel copy the stub made: `--reserve …:kernel` when given, else the Loader Code region
  /// of Debian's Image size at a 2 MiB boundary.
  mutating func locateKernelImage(_ layout: UEFIFirmwareLayout) -> [String] {
    if let given = request.loaderReservations.first(where: { $0.kind == .kernelImage }) {
      return ["--reserve \(given.range): the kernel image (in the map: a Loader Code region of the Image's size)"]
    }
    guard let size = Self.debianImageSize(request.kernel, request.pageSize),
      let located = layout.kernelImage(imageSize: size)
    else {
      return [
        "kernel image not found: no Loader Code region of Debian's Image size; give --reserve START:SIZE:kernel "
          + "(the Loader Code region of your Image's image_size, 2 MiB aligned)"
      ]
    }
    locatedKernelImage = located.range
    return ["kernel image at \(located.range): \(located.how) (estimated; --reserve START:SIZE:kernel to state it)"]
  }

  /// The initrd the stub loaded (`EFILoadInitrd`): `arm64_memblock_init()` adds it back after
  /// `mem=` and reserves it.
  mutating func locateStubInitrd(_ layout: UEFIFirmwareLayout) -> [String] {
    guard let (loaded, estimated) = EFILoadInitrd.locate(layout, given: request.loaderReservations) else {
      return [
        "no initrd: no --reserve …:initrd, and no Loader Data block of the FDT copy's 2 MiB plus 64 KiB multiples"
      ]
    }
    efiInitrd = loaded
    let range = "\(Hex.short(loaded.tuple.address))+\(Hex.short(loaded.tuple.size))"
    return [
      estimated
        ? "initrd at \(range) (estimated: the top of the Loader Data block [FDT copy][initrd]; "
          + "--reserve START:SIZE:initrd to state it)"
        : "initrd at \(range) (--reserve)"
    ]
  }

  /// The tree copy: `--reserve …:dtb` when given, else where the map says the stub put it.
  mutating func reserveStubTree(_ layout: UEFIFirmwareLayout) -> [String] {
    if request.loaderReservations.contains(where: { $0.kind == .deviceTreeBlob }) { return reserveBlob() }
    guard let located = layout.stubDeviceTree(blobSize: board.blobSize.map(UInt64.init)) else {
      return ["no 2 MiB Loader Data region in the map: the stub's tree copy is not modelled"]
    }
    reserveFirmware("device tree (EFI stub's copy)", located)
    return [located.how]
  }

  mutating func reserveConfigurationTables(_ layout: UEFIFirmwareLayout) -> [String] {
    var notes: [String] = []
    if let table = layout.memoryAttributesTable(
      kernel: request.kernel, stubInitrdSize: efiInitrd.map { Alignment.up($0.tuple.size, 0x1000) ?? $0.tuple.size })
    {
      reserveFirmware("EFI Memory Attributes table (MEMATTR)", table)
      notes.append("MEMATTR: \(table.how)")
    } else {
      notes.append("no Memory Attributes table (not EDK2, and no MEMATTR= given)")
    }
    let fdt = reservations.first { $0.origin == .firmware || $0.origin == .loader }?.range
    if let table = layout.memReserveTable(above: fdt, stubInitrd: efiInitrd != nil) {
      reserveFirmware("EFI stub MEMRESERVE table", table)
      notes.append("MEMRESERVE: \(table.how)")
    }
    return notes
  }

  /// `reserve_regions()`: forget the memory found so far, then each descriptor in map order,
  /// rounded outward to the kernel's pages: memory (`is_memory()`) is added, and marked no-map
  /// unless usable (`is_usable_memory()`); ACPI Reclaim is reserved too; `EFI_MEMORY_SP` memory
  /// is left out (Debian: `CONFIG_EFI_SOFT_RESERVE`).
  mutating func reserveRegions(_ map: UEFIMemoryMap, _ events: inout [BootEvent]) -> [String] {
    memblock.removeMemory(0, UInt64.max)
    let softReserve = !commandLine.parameters.contains {
      $0.isNamed("efi") && ($0.value ?? "").contains("nosoftreserve")
    }
    var skipped: [String] = []
    for descriptor in map.descriptors {
      guard let native = EFIReserveRegions.nativeRange(descriptor, pageSize: page) else { continue }
      switch EFIReserveRegions.outcome(descriptor, softReserve: softReserve) {
      case .notMemory:
        continue
      case .softReserved:
        skipped.append("\(descriptor.range.map { "\($0)" } ?? "") \(descriptor.type.kernelName) (EFI_MEMORY_SP)")
        continue
      case .memory:
        addMemoryArch(native.base, native.size, &events)
      case .noMapMemory:
        addMemoryArch(native.base, native.size, &events)
        memblock.setFlag(.noMap, true, native.base, native.size)
      case .reclaimReserved:
        addMemoryArch(native.base, native.size, &events)
        memblock.reserve(native.base, native.size)
      }
    }
    return skipped.isEmpty ? [] : ["soft-reserved, not memory: " + skipped.joined(separator: ", ")]
  }

  /// `efi_init()`: `memblock_reserve()` of the memory map, page-rounded.
  mutating func reserveMemoryMap(_ layout: UEFIFirmwareLayout) -> [String] {
    guard
      let located = layout.memoryMap(
        chosenStart: board.chosen?.uefiMemoryMapStart, chosenSize: board.chosen?.uefiMemoryMapSize)
    else { return [] }
    let start = located.range.start & ~(page - 1)
    let end = Alignment.up(UInt64(truncatingIfNeeded: located.range.end), page) ?? UInt64.max
    memblock.reserve(start, end - start)
    return ["the memory map: \(located.how)"]
  }

  mutating func reserveFirmware(_ name: String, _ located: UEFIFirmwareLayout.Located) {
    memblock.reserve(located.range.start, located.range.size)
    reservations.append(
      Reservation(
        name: name, path: "--efi-memmap", origin: .firmware, range: located.range,
        status: located.estimated ? .estimated(reason: located.how) : .reserved))
  }
}
