internal import BootModel
internal import MemoryModel

/// `root-cells-missing`: the kernel and dtc assume different root cell counts.
struct RootCellsMissing: Rule {
  let id = "root-cells-missing"
  let severity = Severity.warning
  let summary = "The root node lacks #address-cells or #size-cells."
  let documentation = """
    Every early memory property — memory reg, linux,usable-memory-range, all /reserved-memory \
    reg, size, alignment and alloc-ranges — is decoded with the root's cell counts \
    (early_init_dt_scan_root(), drivers/of/fdt.c). When the root lacks them, Linux assumes \
    #address-cells = 1 and #size-cells = 1 (OF_ROOT_NODE_*_CELLS_DEFAULT), while dtc and the \
    devicetree specification assume 2 and 1, so a tree written for dtc's defaults is misread by the \
    kernel. Linux 6.12 does so silently (6.19 adds a WARN). dtmem decodes like the kernel.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    let board = context.board
    var missing: [String] = []
    if !board.rootStatesAddressCells { missing.append("#address-cells") }
    if !board.rootStatesSizeCells { missing.append("#size-cells") }
    guard !missing.isEmpty else { return [] }
    return [
      finding(
        at: "/",
        "no \(missing.joined(separator: " or ")) in the root: Linux decodes every memory property with "
          + "\(board.rootCells.address)/\(board.rootCells.size) cells (1 for a missing count), dtc assumes 2 address "
          + "and 1 size cell; state both"
      )
    ]
  }
}
