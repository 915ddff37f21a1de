internal import BootModel
internal import MemoryCosts
internal import MemoryModel

/// `pmem-over-memory`: a pmem-region over memory the kernel keeps as mapped RAM.
struct PmemOverMemory: Rule {
  let id = "pmem-over-memory"
  let severity = Severity.error
  let summary = "A pmem-region range lies in memory the kernel keeps as RAM."
  let documentation = """
    The kernel takes RAM from the memory nodes (early_init_dt_scan_memory(), drivers/of/fdt.c) and \
    gives every page of it not reserved no-map to the page allocator; a pmem-region node only \
    registers an nvdimm region over its reg (drivers/nvdimm/of_pmem.c). Where the two overlap both \
    the page allocator and the pmem driver would own the pages: the pmem namespace's data is \
    overwritten by ordinary allocations, or the region fails to claim its range. Leave the range out \
    of the memory nodes, or reserve it no-map in /reserved-memory (what to-overlay writes for \
    memmap=nn!ss). Compared with the memory the model keeps at the end of the boot (after mem=, \
    linux,usable-memory-range and no-map regions).
    """

  let prerequisites: [Prerequisite] = [.memoryIsKnown]

  func check(_ context: ValidationContext) -> [Finding] {
    let mapped = PhysicalRanges.merged(context.boot.memory.filter { !$0.noMap }.map(\.range))
    var findings: [Finding] = []
    for (path, range) in PersistentMemoryCost.ranges(of: context.board) {
      let overlap = PhysicalRanges.covered(range, by: mapped)
      guard !overlap.isEmpty else { continue }
      let part =
        overlap == [range]
        ? "all of it" : "\(Describe.bytes(PhysicalRanges.bytes(overlap))) from \(Describe.range(overlap[0]))"
      findings.append(
        finding(
          at: path,
          "\(Describe.sized(range)) lies in memory the kernel keeps as RAM (\(part)): the page allocator and the "
            + "pmem driver would both own those pages; leave it out of the memory nodes or reserve it no-map"))
    }
    return findings
  }
}
