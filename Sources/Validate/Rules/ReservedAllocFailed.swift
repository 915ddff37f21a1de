internal import BootModel
internal import MemoryModel

/// `reserved-alloc-failed`: a dynamic region the kernel cannot place.
struct ReservedAllocFailed: Rule {
  let id = "reserved-alloc-failed"
  let severity = Severity.error
  let summary = "A dynamic region (size, no reg) cannot be placed."
  var documentation: String {
    """
    __reserved_mem_alloc_size() (drivers/of/of_reserved_mem.c) places a size-only region with \
    memblock, top-down, at its alignment (64 bytes by default, the CMA minimum for reusable \
    shared-dma-pool), inside the first alloc-ranges window that fits, avoiding the blob, the \
    kernel, the initrd, static regions and earlier dynamic ones. When nothing fits it prints \
    \(KernelWords.example(.allocationFailed(KernelWords.node, KernelWords.allocation))) \
    and the region does not exist. The verdict comes from dtmem's arm64 model (Linux 6.12); \
    needs memory (--memory for blobs the bootloader completes).
    """
  }

  let prerequisites: [Prerequisite] = [.memoryIsKnown]

  func check(_ context: ValidationContext) -> [Finding] {
    context.examinedChildren.compactMap { child in
      guard child.reg == nil, let failure = context.failure(at: child.path), failure.origin == .dynamicRegion,
        child.allocRanges.map({ $0.isWellFormed && !$0.tuples.isEmpty }) ?? true,
        context.reservedMemoryEvents(at: child.path).contains(where: {
          if case .allocationFailed = $0 { true } else { false }
        }),
        let reason = failure.status.reason
      else { return nil }
      var message = "cannot be placed: \(reason)"
      if !failure.allocRanges.isEmpty {
        message += " (alloc-ranges: \(failure.allocRanges.map { "\($0)" }.joined(separator: ", ")))"
      }
      return finding(at: child.path, message)
    }
  }
}
