internal import BootModel
internal import FirmwareTables
internal import MemoryModel

/// `uefi-dynamic-in-firmware`: a dynamic region that fails only because the firmware sits where
/// it would fit.
struct UEFIDynamicInFirmware: Rule {
  let id = "uefi-dynamic-in-firmware"
  let severity = Severity.error
  let summary = "A dynamic /reserved-memory region fits its alloc-ranges only where the UEFI firmware sits."
  let prerequisites: [Prerequisite] = [.bootedThroughUEFI, .memoryIsKnown]
  let documentation = """
    __reserved_mem_alloc_size() (drivers/of/of_reserved_mem.c) allocates from memblock, which \
    skips no-map memory and reserved ranges. Booted through UEFI, the firmware holds parts of \
    memory by then: runtime regions, MMIO and ACPI NVS are no-map, ACPI Reclaim, the Memory \
    Attributes table and the stub's tables are reserved (efi_init()). A region whose \
    alloc-ranges window only has room there fails (the kernel prints failed to allocate memory \
    for node). The rule boots the tree again with the firmware's regions free: if the region is \
    placed then, the firmware is what is in the way — widen or move the window.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    guard let map = context.request.efiMemoryMap else { return [] }
    let failed = context.boot.reservations.filter { $0.origin == .dynamicRegion && $0.isFailed }
    guard !failed.isEmpty else { return [] }
    var whatIf = context.request
    whatIf.efiMemoryMap = map.withoutFirmwareHoldings
    guard let free = try? Boot.run(whatIf) else { return [] }
    var findings: [Finding] = []
    for reservation in failed {
      guard
        let placed = free.reservations.first(where: {
          $0.path == reservation.path && $0.origin == .dynamicRegion && $0.status == .allocated
        }), let range = placed.range
      else { continue }
      let holders = map.descriptors.filter { descriptor in
        (descriptor.range?.overlaps(range) ?? false) && !map.usableDescriptors.contains(descriptor)
      }
      let types = Set(holders.map(\.type.kernelName)).sorted()
      let held = types.isEmpty ? "firmware tables" : types.joined(separator: ", ") + " memory"
      findings.append(
        finding(
          at: reservation.path,
          "fails to allocate: its window has room only at \(Describe.range(range)), which the firmware holds "
            + "(\(held)); widen or move alloc-ranges"
        ))
    }
    return findings
  }
}
