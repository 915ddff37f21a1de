internal import BootModel
internal import MemoryCosts
internal import MemoryModel

/// `memory-section-hole`: sparsemem sections that are only partly memory.
struct MemorySectionHole: Rule {
  let id = "memory-section-hole"
  let severity = Severity.info
  let summary = "A sparsemem section (memory block) is only partly memory."
  let documentation = """
    arm64 describes memory to the page allocator in sections of 128 MiB (4K and 16K pages) or \
    512 MiB (64K pages) (SECTION_SIZE_BITS, arch/arm64/include/asm/sparsemem.h), and a memory block \
    is one section. sparse_init() allocates the memory map (struct page array) for every present \
    section whole, holes included, and offline_pages() (mm/memory_hotplug.c) refuses a block that \
    contains holes, so such a block can never be offlined or hot-removed and \
    ZONE_DEVICE users cannot share the section. Checked on the memory the boot ends with (after \
    mem= and linux,usable-memory-range; no-map regions still count as memory).
    """

  let prerequisites: [Prerequisite] = [.memoryIsKnown]

  func check(_ context: ValidationContext) -> [Finding] {
    let section = context.pageSize.sectionSize
    let costs = MemoryCosts(memory: context.boot.memory, persistent: [], layout: .arm64(context.pageSize))
    var findings: [Finding] = []
    for whole in costs.partialSections {
      let holes = PhysicalRanges.uncovered(whole, by: costs.memoryRanges)
      let missing = PhysicalRanges.bytes(holes)
      let holeText =
        holes.count == 1
        ? "hole \(Describe.range(holes[0]))" : "\(holes.count) holes, the first \(Describe.range(holes[0]))"
      let path =
        context.statedBanks.first { $0.range.overlaps(whole) }?.path ?? context.board.memoryNodes.first?.path ?? "/"
      findings.append(
        finding(
          at: path,
          "the \(ByteCount.human(section)) section \(Describe.range(whole)) is only partly memory "
            + "(\(Describe.bytes(UInt128(section) - missing)) present; \(holeText)): its memory map is allocated whole "
            + "and its memory block can never be offlined or hot-removed"
        ))
    }
    return findings
  }
}
