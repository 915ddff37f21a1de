internal import BootModel
internal import MemoryModel

/// `reserved-alignment-malformed`: a dynamic region whose alignment has the wrong length.
struct ReservedAlignmentMalformed: Rule {
  let id = "reserved-alignment-malformed"
  let severity = Severity.error
  let summary = "A dynamic region's alignment is not the length Linux 6.12 reads (#address-cells cells)."
  var documentation: String {
    """
    __reserved_mem_alloc_size() (drivers/of/of_reserved_mem.c) reads alignment with the root's \
    #address-cells — the binding says #size-cells, which only agrees when both are equal — and a \
    property of any other length stops the node: \
    \(KernelWords.example(.invalidProperty(KernelWords.node, .alignment))), nothing allocated. (Stable 6.12.14–6.12.15 \
    briefly read #size-cells.) With \
    root cells 2/1, alignment = <0x400000> is refused; write <0x0 0x400000>.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard child.reg == nil, child.size?.value != nil, let alignment = child.alignment, alignment.value == nil,
        let reason = context.failure(at: child.path)?.status.reason
      else { return nil }
      let invalid = ReservedMemoryEvent.invalidProperty(ReservedNode(name: child.name, path: child.path), .alignment)
      let printed =
        context.reservedMemoryEvents(at: child.path).contains(invalid)
        ? ": \(context.quote(.reservedMemory(invalid)))" : ""
      return finding(at: child.path, "\(reason)\(printed), nothing is allocated")
    }
  }
}
