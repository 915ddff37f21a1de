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
    var findings: [Finding] = []
    for (i, later) in banks.enumerated() {
      for earlier in banks[..<i] {
        guard let shared = earlier.range.intersection(later.range) else { continue }
        let other = earlier.path == later.path ? "another bank of the same node" : earlier.path
        findings.append(
          finding(
            at: later.path,
            "bank \(Describe.range(later.range)) overlaps \(Describe.range(earlier.range)) of \(other) by \(Describe.bytes(shared.size)) \(Describe.range(shared)): Linux uses the union, but one of the two is probably stale"))
      }
    }
    return findings
  }
}
