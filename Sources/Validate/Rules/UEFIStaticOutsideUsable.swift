internal import BootModel
internal import FirmwareTables
internal import MemoryModel

/// `uefi-static-outside-usable`: a static region that lies in no memory the UEFI map leaves free.
struct UEFIStaticOutsideUsable: Rule {
  let id = "uefi-static-outside-usable"
  let severity = Severity.warning
  let summary = "A static /reserved-memory region lies partly or wholly outside every usable UEFI memory range."
  let prerequisites: [Prerequisite] = [.bootedThroughUEFI]
  let documentation = """
    Booted through UEFI, memory is what reserve_regions() takes from the UEFI map \
    (drivers/firmware/efi/efi-init.c): usable are Loader, Boot Services, Conventional, ACPI \
    Reclaim and Persistent descriptors that are write-back (is_usable_memory()); everything \
    else is no-map memory (runtime, MMIO, Reserved, ACPI NVS, vendor types) or not memory at all. \
    A static region outside the usable ranges is reserved without complaint but lands on \
    firmware memory, device memory or nothing: the address was probably written for a direct \
    boot with another memory layout. Runtime memory has its own rule (uefi-runtime-overlap).
    """

  func check(_ context: ValidationContext) -> [Finding] {
    guard let map = context.request.efiMemoryMap else { return [] }
    let usable = PhysicalRanges.merged(map.usableDescriptors.compactMap(\.range))
    let runtime = map.runtimeDescriptors.compactMap(\.range)
    var findings: [Finding] = []
    for reservation in context.boot.reservations where reservation.origin == .staticRegion {
      guard let range = reservation.range, !range.isEmpty else { continue }
      let outside = PhysicalRanges.uncovered(range, by: usable).flatMap { piece in
        PhysicalRanges.uncovered(piece, by: runtime)
      }
      guard let first = outside.first else { continue }
      let covering = map.descriptors.filter { $0.range?.overlaps(first) ?? false }
      let what =
        covering.isEmpty
        ? "in no UEFI descriptor" : "in \(Set(covering.map(\.type.kernelName)).sorted().joined(separator: ", ")) memory"
      let extent = outside == [range] ? "lies wholly" : "has \(Describe.bytes(PhysicalRanges.bytes(outside)))"
      findings.append(
        finding(
          at: reservation.path,
          "\(Describe.sized(range)) \(extent) outside the usable UEFI memory (from \(Describe.range(first)), \(what)): "
            + "the map gives Linux other memory than this region assumes"
        ))
    }
    return findings
  }
}
