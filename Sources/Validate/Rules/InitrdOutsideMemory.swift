internal import BootModel
internal import MemoryModel

/// `initrd-outside-memory`: an initrd the kernel drops, or turns into memory.
struct InitrdOutsideMemory: Rule {
  let id = "initrd-outside-memory"
  let severity = Severity.warning
  let summary = "The initrd lies partly or wholly outside memory (the kernel adds it as RAM, or drops it)."
  var documentation: String {
    """
    arm64_memblock_init() (arch/arm64/mm/init.c) page-rounds the initrd; if it is not reachable \
    through the linear map — below the first memory bank, or too far above it — the kernel warns \
    \(KernelWords.example(.memory(.initrdNotAccessible(RegTuple(address: 0x1000_0000, size: 0x10_0000))))) and \
    drops it (an error here). Otherwise it memblock_add()s the initrd before reserving it, so an initrd \
    outside every memory bank becomes RAM: if RAM is really there the memory node is incomplete, \
    and if nothing backs it the boot dies — recorded with 6.12.100 under QEMU: an initrd at \
    0xc0000000 above 2 GiB of RAM stops the kernel before its console is up \
    (docs/kernel-findings-arm64.md §1.4).
    """
  }

  let prerequisites: [Prerequisite] = [.memoryIsKnown]

  func check(_ context: ValidationContext) -> [Finding] {
    var findings: [Finding] = []
    for initrd in context.boot.reservations where initrd.origin == .initrd {
      guard let range = initrd.range, !range.isEmpty else { continue }
      if case .failed(let reason) = initrd.status {
        findings.append(finding(at: initrd.path, "initrd \(Describe.sized(range)): \(reason)", severity: .error))
        continue
      }
      let outside = PhysicalRanges.uncovered(range, by: context.statedMemory)
      guard !outside.isEmpty else { continue }
      let amount =
        outside == [range]
        ? "lies outside every memory bank"
        : "has \(Describe.bytes(PhysicalRanges.bytes(outside))) outside memory (from \(Describe.range(outside[0])))"
      findings.append(
        finding(
          at: initrd.path,
          "initrd \(Describe.sized(range)) \(amount): the kernel adds it as memory (memblock_add); if no RAM is there "
            + "the boot dies, if there is, the memory node is incomplete"
        ))
    }
    return findings
  }
}
