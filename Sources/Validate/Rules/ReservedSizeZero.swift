internal import BootModel
internal import MemoryModel

/// `reserved-size-zero`: a reservation of zero bytes.
struct ReservedSizeZero: Rule {
  let id = "reserved-size-zero"
  let severity = Severity.error
  let summary = "A /reserved-memory child has a reg tuple or a size of zero."
  var documentation: String {
    """
    __reserved_mem_reserve_reg() (drivers/of/of_reserved_mem.c) treats a zero-size reg tuple as a \
    failure: \
    \(KernelWords.example(.reserveFailed(KernelWords.node, KernelWords.emptyTuple, .sizeZero))). A \
    dynamic node with size = <0> reserves nothing either. Typically a bootloader was meant to fill \
    the value in, or a 64-bit size was truncated to 32 bits (U-Boot writes 4 GiB as 0 with \
    #size-cells = 1).
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    var findings: [Finding] = []
    for child in context.examinedChildren {
      if let reg = child.reg, reg.isWellFormed {
        let refused = context.reservedMemoryEvents(at: child.path).filter {
          if case .reserveFailed(_, _, .sizeZero) = $0 { true } else { false }
        }
        for (index, tuple) in reg.tuples.filter({ $0.size == 0 }).enumerated() {
          let printed = index < refused.count ? " (\(context.quote(.reservedMemory(refused[index]))))" : ""
          findings.append(
            finding(
              at: child.path, "reg tuple \(tuple) has size 0: the kernel fails it\(printed) and nothing is reserved"))
        }
      } else if child.reg == nil, child.size?.value == 0 {
        findings.append(finding(at: child.path, "size is 0: nothing is reserved for this region"))
      }
    }
    return findings
  }
}
