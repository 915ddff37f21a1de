internal import BootModel
internal import MemoryModel

/// `usable-range-outside-memory`: /chosen linux,usable-memory-range that does not match memory.
struct UsableRangeOutsideMemory: Rule {
  let id = "usable-range-outside-memory"
  let severity = Severity.warning
  let summary = "linux,usable-memory-range is ignored, leaves no memory, or lies outside memory."
  let documentation = """
    early_init_dt_check_for_usable_mem_range() (drivers/of/fdt.c, 6.1+) reads up to two ranges: \
    the first caps memory (memblock_cap_memory_range(): every non-no-map bank outside it is \
    removed), the second is added as memory whether or not a bank covers it; more are ignored, and \
    a property whose length the kernel's check rejects is ignored whole. kexec-tools writes the \
    crash kernel's ranges here. Errors: a first range outside memory leaves the kernel no RAM, and \
    a first range that leaves out the kernel image (--reserve …:kernel) removes the kernel's own \
    memory — 6.12.100 oopses before printing its memory ranges (recorded, \
    docs/kernel-findings-arm64.md §2). A second range outside memory becomes RAM the DT never \
    described; with nothing behind it the boot dies before the console is up (recorded, §1.4).
    """

  func check(_ context: ValidationContext) -> [Finding] {
    guard let chosen = context.board.chosen, let list = chosen.usableMemoryRange else { return [] }
    let path = chosen.path
    guard chosen.acceptedUsableMemoryRange(rootCells: context.board.rootCells) != nil else {
      return [
        finding(
          at: path,
          "the kernel refuses its length of \(list.byteLength) bytes (Linux 6.12 wants a multiple of "
            + "\(context.board.rootCells.address + context.board.rootCells.size), the cells per tuple): the property "
            + "is ignored, so no crash-kernel cap applies",
          severity: .error)
      ]
    }
    var findings: [Finding] = []
    if list.tuples.count > 2 {
      findings.append(
        finding(at: path, "\(list.tuples.count) ranges: the kernel uses the first two and ignores the rest"))
    }
    if let cap = list.tuples.first?.cappedRange,
      let kernel = context.request.loaderReservations.first(where: { $0.kind == .kernelImage })?.range,
      !cap.contains(kernel)
    {
      findings.append(
        finding(
          at: path,
          "the first range \(Describe.sized(cap)) leaves out the kernel image \(Describe.range(kernel)): capping "
            + "memory to it removes the running kernel's memory (6.12.100 oopses before its memory ranges are printed)",
          severity: .error))
    }
    guard context.memoryIsKnown else { return findings }
    for (index, tuple) in list.tuples.prefix(2).enumerated() where tuple.size != 0 {
      let range = tuple.cappedRange
      let outside = PhysicalRanges.uncovered(range, by: context.statedMemory)
      guard !outside.isEmpty else { continue }
      if index == 0 {
        if outside == [range] {
          findings.append(
            finding(
              at: path,
              "the first range \(Describe.sized(range)) lies outside every memory bank: capping memory to it leaves "
                + "the kernel only no-map memory and the second range",
              severity: .error))
        } else {
          findings.append(
            finding(
              at: path,
              "the first range \(Describe.sized(range)) is partly outside memory "
                + "(\(Describe.bytes(PhysicalRanges.bytes(outside))) from \(Describe.range(outside[0]))): that part is "
                + "not RAM"
            ))
        }
      } else {
        findings.append(
          finding(
            at: path,
            "the second range \(Describe.sized(range)) has \(Describe.bytes(PhysicalRanges.bytes(outside))) outside "
              + "every memory bank: the kernel adds it as RAM anyway, and the boot dies if nothing is there"
          ))
      }
    }
    return findings
  }
}
