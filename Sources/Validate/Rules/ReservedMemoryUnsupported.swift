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
    let root = context.board.rootCells
    var problems: [String] = []
    func cells(_ value: UInt32?) -> String { value.map(String.init) ?? "absent" }
    if node.addressCells != root.address { problems.append("#address-cells is \(cells(node.addressCells)), the root's \(root.address)") }
    if node.sizeCells != root.size { problems.append("#size-cells is \(cells(node.sizeCells)), the root's \(root.size)") }
    if !node.hasRanges { problems.append("there is no ranges property") }
    let what = problems.isEmpty ? "its format is unsupported" : problems.joined(separator: "; ")
    return [
      finding(
        at: node.path,
        "\(what): the kernel ignores /reserved-memory (\"unsupported node format, ignoring\") and none of its \(node.children.count) children is reserved")
    ]
  }
}
