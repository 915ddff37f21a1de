internal import BootModel
internal import MemoryModel

/// `reserved-multiple-reg`: a static region with several reg tuples.
struct ReservedMultipleReg: Rule {
  let id = "reserved-multiple-reg"
  let severity = Severity.warning
  let summary = "A /reserved-memory child has more than one reg tuple; only the first is recorded."
  let documentation = """
    The early pass reserves every tuple, but fdt_scan_reserved_mem_reg_nodes() \
    (drivers/of/of_reserved_mem.c, 6.12) records and initialises only the first and prints \
    "fdt_scan_reserved_mem_reg_nodes() ignores N regions in node '<name>'"; drivers looking the \
    region up (of_reserved_mem_lookup()) see only that first range, and 6.19 records none of them. \
    dt-schema allows one reg entry: give each range its own node.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard let reg = child.reg, reg.isWellFormed, reg.tuples.count > 1,
        context.logContains("ignores \(reg.tuples.count - 1) regions in node '\(child.name)'")
      else { return nil }
      return finding(
        at: child.path,
        "reg has \(reg.tuples.count) tuples: all are reserved, but the kernel records only the first \(reg.tuples[0]) (\"ignores \(reg.tuples.count - 1) regions\"), so drivers see only that one; use one node per range"
      )
    }
  }
}
