internal import BootModel
internal import MemoryModel

/// `memory-reg-malformed`: a memory node whose reg is not whole tuples.
struct MemoryRegMalformed: Rule {
  let id = "memory-reg-malformed"
  let severity = Severity.error
  let summary = "A memory node's reg (or linux,usable-memory) is not a whole number of (address, size) tuples."
  let documentation = """
    early_init_dt_scan_memory() (drivers/of/fdt.c) reads the banks in tuples of the root's \
    #address-cells + #size-cells. Linux 6.12 uses the whole tuples and silently ignores the \
    trailing cells; 6.19 ignores a malformed property altogether (a bad reg skips the node, a bad \
    linux,usable-memory falls back to reg). Either way the bank the author meant is not what the \
    kernel gets: usually the property was written with other cell counts than the root's.
    """

  let prerequisites: [Prerequisite] = [.memoryFromDeviceTree]

  func check(_ context: ValidationContext) -> [Finding] {
    return context.board.memoryNodes.filter(\.isAvailable).compactMap { node in
      guard let source = node.bankSource, !source.isWellFormed else { return nil }
      let name = node.bankSourceName
      let kept = source.tuples.map { "\($0)" }.joined(separator: ", ")
      return finding(
        at: node.path,
        "\(name) is \(source.byteLength) bytes, not a multiple of \(source.tupleBytes) (root cells "
          + "\(context.board.rootCells)): Linux 6.12 reads \(kept.isEmpty ? "nothing" : kept) and ignores the other "
          + "\(source.byteLength % source.tupleBytes) bytes; 6.19 ignores the property"
      )
    }
  }
}
