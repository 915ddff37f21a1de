internal import BootModel
internal import MemoryModel

/// `reserved-cma-alignment`: a CMA region the CMA code refuses for its alignment.
struct ReservedCMAAlignment: Rule {
  let id = "reserved-cma-alignment"
  let severity = Severity.error
  let summary =
    "A reusable shared-dma-pool (CMA) region is not aligned to the CMA minimum; setup fails and it is freed."
  var documentation: String {
    """
    rmem_cma_setup() (kernel/dma/contiguous.c) needs base and size to be multiples of \
    CMA_MIN_ALIGNMENT_BYTES — one pageblock: 2 MiB with 4K pages, 32 MiB with 16K, 512 MiB with \
    64K. Otherwise it prints \(KernelWords.example(.cmaRefused(KernelWords.node, .cmaMisaligned))), the \
    coherent-pool handler refuses a reusable region too \
    (\(KernelWords.example(.setupFailed(KernelWords.node, .cmaMisaligned)))), and the memory is given back: no CMA \
    pool, and a later dynamic region may be placed on the freed range. \
    Dynamic regions get an aligned base automatically, so it is the size that must be a multiple.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    var findings: [Finding] = []
    for child in context.examinedChildren {
      for reservation in context.reservations(at: child.path) where reservation.setupFailure == .cmaMisaligned {
        guard let reason = reservation.status.reason, let range = reservation.range else { continue }
        var message = "\(Describe.sized(range)): \(reason)"
        if let reuse = context.reuse(of: range, after: reservation) { message += "; \(reuse)" }
        findings.append(finding(at: child.path, message))
      }
    }
    return findings
  }
}
