internal import BootModel
internal import MemoryModel

/// `reserved-memory-unsupported`: the kernel ignores /reserved-memory altogether.
struct ReservedMemoryUnsupported: Rule {
  let id = "reserved-memory-unsupported"
  let severity = Severity.error
  let summary = "/reserved-memory's cells differ from the root's, or it has no ranges: the whole node is ignored."
  var documentation: String {
    """
    __reserved_mem_check_root() (drivers/of/of_reserved_mem.c) requires /reserved-memory's \
    #address-cells and #size-cells to equal the root's and a ranges property to exist (presence \
    only). Otherwise Linux prints \(KernelWords.example(.unsupportedFormat)) \
    (twice in 6.12, once per pass) and reserves none of its children: firmware carve-outs \
    become ordinary RAM the kernel will hand out, and CMA and DMA pools disappear.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    guard context.reservedMemoryIgnored, let node = context.board.reservedMemory else { return [] }
    let problems = node.formatProblems(rootCells: context.board.rootCells)
    let what = problems.joined(separator: "; ")
    let printed =
      context.events.contains(.reservedMemory(.unsupportedFormat))
      ? " (\(context.quote(.reservedMemory(.unsupportedFormat))))" : ""
    return [
      finding(
        at: node.path,
        "\(what): the kernel ignores /reserved-memory\(printed) and none of its \(node.children.count) children is "
          + "reserved"
      )
    ]
  }
}
