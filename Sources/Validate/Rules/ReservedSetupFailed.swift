internal import BootModel
internal import MemoryModel

/// `reserved-setup-failed`: a region whose driver setup fails, so the kernel gives it back.
struct ReservedSetupFailed: Rule {
  let id = "reserved-setup-failed"
  let severity = Severity.error
  let summary = "A reserved region's early setup fails and the kernel releases it."
  var documentation: String {
    """
    After recording a region, __reserved_mem_init_node() (drivers/of/of_reserved_mem.c) runs the \
    early handler of its compatible (shared-dma-pool: CMA, then the coherent DMA pool). If the \
    handler fails — a linux,cma-default region while cma= is on the command line \
    (\(KernelWords.example(.cmaRefused(KernelWords.node, .cmaBypassed)))), all CMA areas in use, … — it \
    prints \(KernelWords.example(.setupFailed(KernelWords.node, .cmaBypassed))) and releases the region: a \
    mapped one is freed (later dynamic regions may land on it; 6.12 then reports an overlap), a \
    no-map one is mapped again. \
    CMA alignment and no-map with reusable have their own rules.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    var findings: [Finding] = []
    for child in context.examinedChildren {
      for reservation in context.reservations(at: child.path) {
        // CMA alignment and no-map with reusable have their own rules; a zero-size region fails
        // as a consequence of its size (reserved-size-zero).
        guard let cause = reservation.setupFailure, cause != .cmaMisaligned, cause != .reusableWithNoMap,
          let reason = reservation.status.reason, let range = reservation.range, !range.isEmpty
        else { continue }
        let failed = context.reservedMemoryEvents(at: child.path).first {
          if case .setupFailed = $0 { true } else { false }
        }
        let printed = failed.map { " (\(context.quote(.reservedMemory($0))))" } ?? ""
        var message = "\(Describe.range(range)): setup fails\(printed): \(reason)"
        if let reuse = context.reuse(of: range, after: reservation) { message += "; \(reuse)" }
        findings.append(finding(at: child.path, message))
      }
    }
    return findings
  }
}
