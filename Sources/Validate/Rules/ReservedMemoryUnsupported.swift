internal import BootModel
internal import MemoryModel

/// `reserved-memory-unsupported`: the kernel ignores /reserved-memory altogether.
struct ReservedMemoryUnsupported: Rule {
  let id = "reserved-memory-unsupported"
  let severity = Severity.error
  let summary = "/reserved-memory's cells differ from the root's, or it has no ranges: the whole node is ignored."
  let documentation = """
    __reserved_mem_check_root() (drivers/of/of_reserved_mem.c) requires /reserved-memory's \
    #address-cells and #size-cells to equal the root's and a ranges property to exist (presence \
    only). Otherwise Linux prints "OF: reserved mem: Reserved memory: unsupported node format, \
    ignoring" (twice in 6.12, once per pass) and reserves none of its children: firmware carve-outs \
    become ordinary RAM the kernel will hand out, and CMA and DMA pools disappear.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    guard context.reservedMemoryIgnored, let node = context.board.reservedMemory else { return [] }
    let problems = node.formatProblems(rootCells: context.board.rootCells)
    let what = problems.joined(separator: "; ")
    return [
      finding(
        at: node.path,
        "\(what): the kernel ignores /reserved-memory (\"unsupported node format, ignoring\") and none of its \(node.children.count) children is reserved"
      )
    ]
  }
}
