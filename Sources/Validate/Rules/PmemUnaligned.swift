internal import BootModel
internal import MemoryCosts
internal import MemoryModel

/// `pmem-unaligned`: persistent memory not aligned to the memory-block size.
struct PmemUnaligned: Rule {
  let id = "pmem-unaligned"
  let severity = Severity.warning
  let summary = "A pmem-region range is not aligned to the memory-block size."
  let documentation = """
    A pmem-region node becomes an nvdimm region (drivers/nvdimm/of_pmem.c); to use it as ordinary \
    RAM (daxctl reconfigure-device --mode=system-ram), dax/kmem hot-adds it, and dax_kmem_range() \
    (drivers/dax/kmem.c) rounds the range inward to memory_block_size_bytes() — 128 MiB with 4K and \
    16K pages, 512 MiB with 64K. The unaligned head and tail can never become RAM; a range without \
    one whole block is rejected: no memory is left after alignment (an error here). Align pmem ranges to the block \
    size (or at least to 2 MiB for device-dax \
    huge-page mappings).
    """

  func check(_ context: ValidationContext) -> [Finding] {
    let block = context.pageSize.memoryBlockSize
    var findings: [Finding] = []
    for (path, range) in PersistentMemoryCost.ranges(of: context.board) {
      guard let usable = PersistentMemoryCost(path: path, range: range, blockSize: block).usable else {
        findings.append(
          finding(
            at: path,
            "\(Describe.sized(range)) holds no whole \(ByteCount.human(block)) memory block: dax/kmem cannot hot-add "
              + "any of it as RAM (it rejects a region left without memory after alignment)",
            severity: .error))
        continue
      }
      guard usable != range else { continue }
      var parts: [String] = []
      if usable.start != range.start { parts.append("\(Describe.bytes(usable.start - range.start)) at the start") }
      if usable.end != range.end { parts.append("\(Describe.bytes(range.end - usable.end)) at the end") }
      findings.append(
        finding(
          at: path,
          "\(Describe.sized(range)) is not aligned to the \(ByteCount.human(block)) memory block: "
            + "\(parts.joined(separator: " and ")) cannot be hot-added as RAM by dax/kmem "
            + "(usable \(Describe.range(usable)))"))
    }
    return findings
  }
}
