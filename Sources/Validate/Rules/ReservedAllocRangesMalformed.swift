internal import BootModel
internal import MemoryModel

/// `reserved-alloc-ranges-malformed`: alloc-ranges the kernel cannot use.
struct ReservedAllocRangesMalformed: Rule {
  let id = "reserved-alloc-ranges-malformed"
  let severity = Severity.error
  let summary = "A dynamic region's alloc-ranges is empty or not a whole number of tuples."
  var documentation: String {
    """
    __reserved_mem_alloc_size() (drivers/of/of_reserved_mem.c) reads alloc-ranges in (address, \
    size) tuples of the root's cells. A length that is not a multiple prints \
    \(KernelWords.example(.invalidProperty(KernelWords.node, .allocRanges))) (6.19 instead ignores the \
    property and allocates anywhere); an empty alloc-ranges leaves no window to try, so the \
    allocation fails \
    (\(KernelWords.example(.allocationFailed(KernelWords.node, KernelWords.allocation)))). Either way the region \
    does not exist.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard child.reg == nil, child.size?.value != nil, child.alignment.map({ $0.value != nil }) ?? true,
        let ranges = child.allocRanges, !ranges.isWellFormed || ranges.tuples.isEmpty,
        let failure = context.failure(at: child.path)
      else { return nil }
      let events = context.reservedMemoryEvents(at: child.path)
      if ranges.isWellFormed {
        let failed = events.first { if case .allocationFailed = $0 { true } else { false } }
        let printed = failed.map { " (\(context.quote(.reservedMemory($0))))" } ?? ""
        return finding(
          at: child.path,
          "alloc-ranges is empty: there is no window to allocate in, so the kernel fails the node\(printed)")
      }
      let invalid = events.first {
        $0 == .invalidProperty(ReservedNode(name: child.name, path: child.path), .allocRanges)
      }
      let printed = invalid.map { ": \(context.quote(.reservedMemory($0)))" } ?? ""
      return finding(
        at: child.path, "\(failure.status.reason ?? "alloc-ranges is malformed")\(printed), nothing is allocated")
    }
  }
}
