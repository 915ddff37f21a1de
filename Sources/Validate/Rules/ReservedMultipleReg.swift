internal import BootModel
internal import MemoryModel

/// `reserved-multiple-reg`: a static region with several reg tuples.
struct ReservedMultipleReg: Rule {
  let id = "reserved-multiple-reg"
  let severity = Severity.warning
  let summary = "A /reserved-memory child has more than one reg tuple; only the first is recorded."
  var documentation: String {
    """
    The early pass reserves every tuple, but fdt_scan_reserved_mem_reg_nodes() \
    (drivers/of/of_reserved_mem.c, 6.12) records and initialises only the first and prints \
    \(KernelWords.example(.regTuplesIgnored(KernelWords.node, count: 2))); drivers looking the region \
    up (of_reserved_mem_lookup()) see only that first range, and 6.19 records none of them. \
    dt-schema allows one reg entry: give each range its own node.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard let reg = child.reg, reg.isWellFormed, reg.tuples.count > 1,
        let ignored = context.reservedMemoryEvents(at: child.path).first(where: {
          if case .regTuplesIgnored = $0 { true } else { false }
        })
      else { return nil }
      return finding(
        at: child.path,
        "reg has \(reg.tuples.count) tuples: all are reserved, but the kernel records only the first \(reg.tuples[0]) "
          + "(\(context.quote(.reservedMemory(ignored)))), so drivers see only that one; use one node per range"
      )
    }
  }
}
