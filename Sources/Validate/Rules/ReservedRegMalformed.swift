internal import BootModel
internal import MemoryModel

/// `reserved-reg-malformed`: a reserved-memory child whose reg the kernel cannot use.
struct ReservedRegMalformed: Rule {
  let id = "reserved-reg-malformed"
  let severity = Severity.error
  let summary = "A /reserved-memory child's reg is empty or not a whole number of (address, size) tuples."
  var documentation: String {
    """
    __reserved_mem_reserve_reg() (drivers/of/of_reserved_mem.c) reads reg in tuples of the root's \
    #address-cells + #size-cells; a length that is not a multiple of that skips the node with \
    \(KernelWords.example(.invalidProperty(KernelWords.node, .reg))) (6.12 prints it in both \
    passes; 6.19 silently treats the node as having no reg). An empty reg reserves nothing. The \
    usual cause is reg written with other cell counts than the root's.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard let reg = child.reg, !reg.isWellFormed || reg.tuples.isEmpty,
        let failure = context.failure(at: child.path), let reason = failure.status.reason
      else { return nil }
      return finding(at: child.path, "\(reason); nothing is reserved")
    }
  }
}
