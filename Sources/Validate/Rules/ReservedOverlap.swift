internal import BootModel
internal import MemoryModel

/// `reserved-overlap`: two reservations share memory.
struct ReservedOverlap: Rule {
  let id = "reserved-overlap"
  let severity = Severity.error
  let summary = "Two reservations overlap (static, dynamic, /memreserve/, initrd, elfcorehdr, --reserve)."
  let documentation = """
    memblock_reserve() merges overlapping reservations without a word, and the kernel's own overlap \
    check (__rmem_check_for_overlap(), drivers/of/of_reserved_mem.c) only \
    compares neighbouring /reserved-memory records after sorting. This rule compares every pair of \
    reservations that hold memory at the end of the modelled boot — static and placed dynamic \
    regions, /memreserve/ entries, the initrd, linux,elfcorehdr and --reserve ranges — and says by \
    how many bytes they overlap: two owners of the same memory corrupt each other. Linux 6.12 \
    reserves /memreserve/ entries only after placing dynamic regions, so a dynamic region can land \
    on one. A /memreserve/ entry that is exactly the initrd or a --reserve range is the same \
    memory described twice (U-Boot does this) and is not reported.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    let taken = context.boot.reservations.filter(ValidationContext.isTaken).sorted { $0.range!.start < $1.range!.start }
    var findings: [Finding] = []
    for (i, a) in taken.enumerated() {
      let rangeA = a.range!
      for b in taken[(i + 1)...] {
        let rangeB = b.range!
        guard UInt128(rangeB.start) < rangeA.end else { break }
        guard let shared = rangeA.intersection(rangeB), !Self.sameMemoryTwice(a, b) else { continue }
        findings.append(report(a, b, shared, order: context.boot.reservations))
      }
    }
    return findings
  }

  /// A /memreserve/ entry that repeats the initrd or a loader range exactly.
  static func sameMemoryTwice(_ a: Reservation, _ b: Reservation) -> Bool {
    guard a.range == b.range else { return false }
    let origins: Set<Reservation.Origin> = [a.origin, b.origin]
    return origins.contains(.memoryReservationBlock) && (origins.contains(.initrd) || origins.contains(.loader))
  }

  /// Reported at the /reserved-memory node when there is one, else at the later entry.
  func report(_ a: Reservation, _ b: Reservation, _ shared: PhysicalRange, order: [Reservation]) -> Finding {
    let (first, second) = (order.firstIndex(of: a) ?? 0) <= (order.firstIndex(of: b) ?? 0) ? (a, b) : (b, a)
    let isNode: (Reservation) -> Bool = { $0.origin == .staticRegion || $0.origin == .dynamicRegion }
    let (here, there) = isNode(second) || !isNode(first) ? (second, first) : (first, second)
    var message = "\(Describe.range(here.range!)) overlaps \(Describe.reservation(there)) \(Describe.range(there.range!)) by \(Describe.bytes(shared.size)) \(Describe.range(shared))"
    let origins: Set<Reservation.Origin> = [a.origin, b.origin]
    if origins == [.dynamicRegion, .memoryReservationBlock] {
      message += ": Linux 6.12 places dynamic regions before it reserves /memreserve/ entries, so the allocator did not avoid it"
    } else if origins.contains(.dynamicRegion) {
      message += ": the dynamic region was placed before the other was reserved"
    }
    let path = here.origin == .memoryReservationBlock ? "/memreserve/" : here.path
    return finding(at: path, message)
  }
}
