internal import BootModel
internal import MemoryModel

/// `memory-unaligned`: memory banks that do not start and end on page boundaries.
struct MemoryUnaligned: Rule {
  let id = "memory-unaligned"
  let severity = Severity.warning
  let summary = "A memory bank does not start or end on a page boundary; the kernel trims it."
  let prerequisites: [Prerequisite] = [.memoryFromDeviceTree]
  var documentation: String {
    """
    early_init_dt_add_memory_arch() (drivers/of/fdt.c) rounds each bank's base up and its size \
    down to the kernel's page size (4K, 16K or 64K: --page-size), so the partial pages are never \
    used; a bank that does not reach the next page boundary is dropped with \
    \(KernelWords.example(.memory(.blockIgnored(base: 0x8000_0800, size: 0x200, why: .noWholePage)))) (reported as an \
    error). Usually the bank was computed from a size in the wrong unit, or a carve-out was \
    subtracted from it instead of being reserved.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    let ignored = Set(
      context.events.compactMap { event -> RegTuple? in
        guard case .memory(.blockIgnored(let base, let size, _)) = event else { return nil }
        return RegTuple(address: base, size: size)
      })
    let page = context.pageSize.bytes
    var findings: [Finding] = []
    for node in context.board.memoryNodes where node.isAvailable {
      for tuple in node.bankSource?.tuples ?? [] where tuple.size != 0 {
        let range = tuple.cappedRange
        if ignored.contains(tuple) {
          let printed = context.quote(.memory(.blockIgnored(base: tuple.address, size: tuple.size, why: .noWholePage)))
          findings.append(
            finding(
              at: node.path,
              "bank \(tuple) does not contain one whole \(Describe.page(context.pageSize)) page: the kernel ignores it "
                + "(\(printed))",
              severity: .error))
          continue
        }
        guard let kept = range.roundedInward(to: page), kept != range else { continue }
        findings.append(
          finding(
            at: node.path,
            "bank \(tuple) is not aligned to the \(Describe.page(context.pageSize)) page: the kernel keeps "
              + "\(Describe.range(kept)) and never uses the other \(Describe.bytes(range.size - kept.size))"
          ))
      }
    }
    return findings
  }
}
