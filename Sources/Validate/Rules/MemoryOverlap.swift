internal import BootModel
internal import MemoryModel

/// `memory-overlap`: memory banks that overlap each other.
struct MemoryOverlap: Rule {
  let id = "memory-overlap"
  let severity = Severity.warning
  let summary = "Two memory banks overlap."
  let documentation = """
    memblock_add() merges overlapping and duplicate memory ranges, so Linux simply uses their union \
    and prints nothing. The overlap is still a sign that one description is stale: U-Boot's \
    fdt_fixup_memory_banks() rewrites only the first memory node (the one named "memory", which \
    also matches the first memory@…) and leaves the others as they were, and overlays that add a \
    memory@… node do not remove the old one.
    """

  let prerequisites: [Prerequisite] = [.memoryFromDeviceTree]

  func check(_ context: ValidationContext) -> [Finding] {
    let banks = context.statedBanks
    // Each bank that overlaps another once, reported at the later of the two (in blob order).
    return OverlapSweep.overlaps(banks.map(\.range)).map { overlap in
      let (earlier, later) = (banks[min(overlap.index, overlap.partner)], banks[max(overlap.index, overlap.partner)])
      let shared = earlier.range.intersection(later.range)!
      let other = earlier.path == later.path ? "another bank of the same node" : earlier.path
      let more = overlap.count - 1
      let others =
        more > 0
        ? "; \(more) more bank\(more == 1 ? "" : "s") overlap \(Describe.range(banks[overlap.index].range))" : ""
      return finding(
        at: later.path,
        "bank \(Describe.range(later.range)) overlaps \(Describe.range(earlier.range)) of \(other) by "
          + "\(Describe.bytes(shared.size)) \(Describe.range(shared)): Linux uses the union, but one of the two is "
          + "probably stale\(others)"
      )
    }
  }
}
