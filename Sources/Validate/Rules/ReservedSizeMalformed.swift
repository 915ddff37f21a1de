internal import BootModel
internal import MemoryModel

/// `reserved-size-malformed`: a dynamic region whose size has the wrong length.
struct ReservedSizeMalformed: Rule {
  let id = "reserved-size-malformed"
  let severity = Severity.error
  let summary = "A dynamic region's size is not exactly #size-cells cells."
  var documentation: String {
    """
    __reserved_mem_alloc_size() (drivers/of/of_reserved_mem.c) requires size to be exactly the \
    root's #size-cells cells long; otherwise it prints \
    \(KernelWords.example(.invalidProperty(KernelWords.node, .size))) and allocates nothing, so the driver that uses \
    the region fails to probe.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard child.reg == nil, let size = child.size, size.value == nil,
        let reason = context.failure(at: child.path)?.status.reason
      else { return nil }
      let invalid = ReservedMemoryEvent.invalidProperty(ReservedNode(name: child.name, path: child.path), .size)
      let printed =
        context.reservedMemoryEvents(at: child.path).contains(invalid)
        ? ": \(context.quote(.reservedMemory(invalid)))" : ""
      return finding(at: child.path, "\(reason)\(printed), nothing is allocated")
    }
  }
}
