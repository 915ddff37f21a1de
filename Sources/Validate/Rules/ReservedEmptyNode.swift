internal import BootModel
internal import MemoryModel

/// `reserved-empty-node`: a reserved-memory child with neither reg nor size.
struct ReservedEmptyNode: Rule {
  let id = "reserved-empty-node"
  let severity = Severity.error
  let summary = "A /reserved-memory child has neither reg nor size: the kernel ignores it."
  let documentation = """
    fdt_scan_reserved_mem() (drivers/of/of_reserved_mem.c) reserves children with reg and \
    allocates children with size; a child with neither is skipped without a message, so a driver \
    pointing at it through memory-region finds no reserved memory. Usually a bootloader was \
    expected to fill reg in, or the property name is misspelt.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard child.reg == nil, child.size == nil, context.failure(at: child.path) != nil else { return nil }
      return finding(at: child.path, "neither reg nor size: the kernel skips the node silently and reserves nothing")
    }
  }
}
