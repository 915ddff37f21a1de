internal import BootModel
internal import MemoryModel

/// `reserved-nomap-reusable`: no-map and reusable together.
struct ReservedNoMapReusable: Rule {
  let id = "reserved-nomap-reusable"
  let severity = Severity.error
  let summary = "A /reserved-memory child has both no-map and reusable."
  var documentation: String {
    """
    The reserved-memory binding makes no-map and reusable mutually exclusive: reusable lends the \
    memory to the page allocator (CMA), no-map keeps it out of the linear map. For \
    shared-dma-pool both early handlers refuse the combination — rmem_cma_setup() needs !no-map, \
    rmem_dma_setup() needs !reusable — so the kernel prints \
    \(KernelWords.example(.setupFailed(KernelWords.node, .reusableWithNoMap))), the region is unmapped again and \
    (dynamic) stays allocated but unused, or (static) \
    becomes ordinary RAM. Other compatibles get no early handler, but the driver that expects one \
    of the two behaviours gets the other.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard child.noMap && child.reusable else { return nil }
      if let failure = context.reservations(at: child.path).first(where: { $0.setupFailure == .reusableWithNoMap }),
        let reason = failure.status.reason
      {
        return finding(at: child.path, reason)
      }
      return finding(
        at: child.path,
        "no-map and reusable are mutually exclusive (reserved-memory binding): one of them is not what the driver gets")
    }
  }
}
