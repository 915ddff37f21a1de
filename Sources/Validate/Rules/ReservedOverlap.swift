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
    compares neighbouring /reserved-memory records after sorting. This rule checks all \
    reservations that hold memory at the end of the modelled boot — static and placed dynamic \
    regions, /memreserve/ entries, the initrd, linux,elfcorehdr and --reserve ranges — and reports \
    each one that overlaps another once: with the one it overlaps, by how many bytes, and how many \
    more overlap it. Two owners of the same memory corrupt each other. Linux 6.12 \
    reserves /memreserve/ entries only after placing dynamic regions, so a dynamic region can land \
    on one. A /memreserve/ entry that is exactly the initrd or a --reserve range is the same \
    memory described twice (U-Boot does this) and is not reported.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    let reservations = context.boot.reservations
    // The same memory described twice is one owner: such a /memreserve/ entry is left out.
    let loaderRanges = Set(reservations.filter { $0.origin == .initrd || $0.origin == .loader }.compactMap(\.range))
    let taken = reservations.indices.filter { index in
      let r = reservations[index]
      return ValidationContext.isTaken(r) && !(r.origin == .memoryReservationBlock && loaderRanges.contains(r.range!))
    }
    return OverlapSweep.overlaps(taken.map { reservations[$0].range! }).map { overlap in
      let (a, b) = (taken[overlap.partner], taken[overlap.index])
      let shared = reservations[a].range!.intersection(reservations[b].range!)!
      return report(
        reservations[min(a, b)], reservations[max(a, b)], shared, others: overlap.count - 1, of: reservations[b].range!)
    }
  }

  /// `first` and `second` (in the kernel's order) overlap by `shared`, and `others` more
  /// reservations overlap `counted` (one of the two). Reported at the /reserved-memory node when
  /// there is one, else at the later entry.
  func report(
    _ first: Reservation, _ second: Reservation, _ shared: PhysicalRange, others: Int, of counted: PhysicalRange
  ) -> Finding {
    let isNode: (Reservation) -> Bool = { $0.origin == .staticRegion || $0.origin == .dynamicRegion }
    let (here, there) = isNode(second) || !isNode(first) ? (second, first) : (first, second)
    var message =
      "\(Describe.range(here.range!)) overlaps \(Describe.reservation(there)) \(Describe.range(there.range!)) by "
      + "\(Describe.bytes(shared.size)) \(Describe.range(shared))"
    let origins: Set<Reservation.Origin> = [first.origin, second.origin]
    if origins == [.dynamicRegion, .memoryReservationBlock] {
      message +=
        ": Linux 6.12 places dynamic regions before it reserves /memreserve/ entries, so the allocator did not avoid it"
    } else if origins.contains(.dynamicRegion) {
      message += ": the dynamic region was placed before the other was reserved"
    }
    if others > 0 {
      message += "; \(others) more reservation\(others == 1 ? "" : "s") overlap \(Describe.range(counted))"
    }
    let path = here.origin == .memoryReservationBlock ? "/memreserve/" : here.path
    return finding(at: path, message)
  }
}
