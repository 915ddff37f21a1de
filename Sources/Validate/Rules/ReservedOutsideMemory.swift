internal import BootModel
internal import MemoryModel

/// `reserved-outside-memory`: reservations that are not (wholly) in memory.
struct ReservedOutsideMemory: Rule {
  let id = "reserved-outside-memory"
  let severity = Severity.warning
  let summary = "A static region, /memreserve/ entry or elfcorehdr lies partly or wholly outside memory."
  let documentation = """
    memblock_reserve() and memblock_mark_nomap() accept ranges outside RAM without complaint \
    (early_init_dt_reserve_memory(), drivers/of/fdt.c; /memreserve/ in \
    early_init_fdt_scan_reserved_mem()), so a region outside every memory bank does nothing. \
    A region that straddles the end of a bank is almost always wrong (a typo, a 32-bit \
    truncation, a board variant with less RAM). A region wholly outside memory is reported as \
    info: it is the usual way to hand a driver device memory (SRAM, dedicated VRAM, a RAM hole kept \
    from Linux for ramoops) that it maps itself — but a reusable (CMA) region there cannot work, \
    since CMA needs pages the kernel manages (a warning). Compared with the banks the blob states \
    (or --memory), before mem= and linux,usable-memory-range; dynamic regions are always placed \
    inside memory.
    """

  let prerequisites: [Prerequisite] = [.memoryIsKnown]

  func check(_ context: ValidationContext) -> [Finding] {
    let origins: Set<Reservation.Origin> = [.staticRegion, .memoryReservationBlock, .elfCoreHeader]
    var findings: [Finding] = []
    for reservation in context.boot.reservations
    where origins.contains(reservation.origin) && ValidationContext.isTaken(reservation) {
      let range = reservation.range!
      let outside = PhysicalRanges.uncovered(range, by: context.statedMemory)
      guard !outside.isEmpty else { continue }
      let path = reservation.origin == .memoryReservationBlock ? "/memreserve/" : reservation.path
      let name = reservation.origin == .staticRegion ? "" : "\(Describe.reservation(reservation)) "
      if outside != [range] {
        findings.append(
          finding(
            at: path,
            "\(name)\(Describe.sized(range)) is partly outside memory: "
              + "\(Describe.bytes(PhysicalRanges.bytes(outside))) from \(Describe.range(outside[0])) is in no memory "
              + "bank; wrong address or size?"
          ))
      } else if reservation.reusable {
        findings.append(
          finding(
            at: path,
            "\(Describe.sized(range)) is reusable (CMA) but lies outside every memory bank: CMA can only lend pages "
              + "the kernel manages; wrong address or missing memory node?"
          ))
      } else {
        findings.append(
          finding(
            at: path,
            "\(name)\(Describe.sized(range)) lies outside every memory bank: reserving it does nothing; fine for "
              + "device memory its driver maps itself (SRAM, VRAM, a RAM hole), wrong if it was meant to be RAM",
            severity: .info))
      }
    }
    return findings
  }
}
