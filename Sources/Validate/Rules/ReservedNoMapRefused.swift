internal import BootModel
internal import MemoryModel

/// `reserved-nomap-refused`: a static no-map region the kernel refuses to unmap.
struct ReservedNoMapRefused: Rule {
  let id = "reserved-nomap-refused"
  let severity = Severity.error
  let summary = "A static no-map region overlaps memory already reserved; the kernel refuses it."
  var documentation: String {
    """
    Since 6.6, early_init_dt_reserve_memory() (drivers/of/fdt.c) refuses a no-map region that \
    overlaps RAM any part of which is already reserved — the kernel image, the blob, the initrd, \
    an earlier static region, --reserve ranges — with \
    \(KernelWords.example(.reserveFailed(KernelWords.node, KernelWords.tuple, .noMapOverReserved(by: [])))). \
    The region stays mapped and is not reserved at all, so the kernel will hand its pages out \
    while the firmware or device still owns them (5.15/6.1 instead unmapped it silently, live data \
    included). Move the carve-out, or drop no-map if the overlap is intended.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    var findings: [Finding] = []
    for child in context.examinedChildren where child.noMap {
      for reservation in context.reservations(at: child.path) where reservation.origin == .staticRegion {
        guard case .failed(let reason) = reservation.status, let range = reservation.range, !range.isEmpty,
          context.reservedMemoryEvents(at: child.path).contains(where: { event in
            guard case .reserveFailed(_, let tuple, .noMapOverReserved) = event else { return false }
            return tuple.address == range.start
          })
        else { continue }
        findings.append(finding(at: child.path, "\(Describe.range(range)): \(reason)"))
      }
    }
    return findings
  }
}
