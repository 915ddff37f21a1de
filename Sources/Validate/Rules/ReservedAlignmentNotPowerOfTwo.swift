internal import BootModel
internal import MemoryModel

/// `reserved-alignment-not-power-of-two`: memblock aligns with a mask.
struct ReservedAlignmentNotPowerOfTwo: Rule {
  let id = "reserved-alignment-not-power-of-two"
  let severity = Severity.warning
  let summary = "A dynamic region's alignment is not a power of two."
  let documentation = """
    The binding expects a power of two and the kernel does not check: memblock's allocator \
    (__memblock_find_range_top_down(), mm/memblock.c) aligns with round_down(), a mask that only \
    works for powers of two, so any other value yields an address that is not a multiple of it \
    (and may not even be aligned to the power of two the author meant).
    """

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard child.reg == nil, let value = child.alignment?.value, value != 0, !Alignment.isPowerOfTwo(value) else {
        return nil
      }
      var message =
        "alignment \(Hex.short(value)) is not a power of two: memblock aligns with a mask (round_down), so the address "
        + "is not a multiple of it"
      if let placed = context.reservations(at: child.path).first(where: ValidationContext.isTaken)?.range {
        message += " (placed at \(Hex.short(placed.start)), remainder \(Hex.short(placed.start % value)))"
      }
      return finding(at: child.path, message)
    }
  }
}
