internal import BootModel
internal import FirmwareTables
internal import MemoryModel

/// `uefi-runtime-overlap`: a `/reserved-memory` region over memory the firmware keeps using.
struct UEFIRuntimeOverlap: Rule {
  let id = "uefi-runtime-overlap"
  let severity = Severity.error
  let summary = "A /reserved-memory region overlaps UEFI runtime memory (Runtime Code/Data, EFI_MEMORY_RUNTIME)."
  let prerequisites: [Prerequisite] = [.bootedThroughUEFI]
  let documentation = """
    After ExitBootServices() the firmware still owns its runtime regions: EFI runtime services \
    (variables, the RTC, reset, capsules) run from them, and reserve_regions() \
    (drivers/firmware/efi/efi-init.c) makes them no-map memory. The reserved-memory code does not \
    look at the UEFI map: a static region over them is reserved or marked no-map without complaint \
    (a no-map region inside a no-map EFI region does not even split it), and the driver that \
    owns the region then shares its bytes with the firmware. The region's address was likely \
    written for a direct boot, where that memory was free.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    guard let map = context.request.efiMemoryMap else { return [] }
    let runtime = map.runtimeDescriptors
    var findings: [Finding] = []
    for reservation in context.boot.reservations where reservation.origin == .staticRegion {
      guard let range = reservation.range, !range.isEmpty else { continue }
      let hits = runtime.filter { $0.range?.overlaps(range) ?? false }
      guard let first = hits.first, let firstRange = first.range else { continue }
      let types = Set(hits.map(\.type.kernelName)).sorted().joined(separator: ", ")
      findings.append(
        finding(
          at: reservation.path,
          "\(Describe.sized(range)) overlaps UEFI runtime memory (\(types)) from \(Describe.range(firstRange)): the "
            + "firmware keeps using it after ExitBootServices(); move the region"
        ))
    }
    return findings
  }
}
