internal import BootModel
internal import MemoryModel

/// `memory-out-of-reach`: memory the kernel removes because it cannot address or map it.
struct MemoryOutOfReach: Rule {
  let id = "memory-out-of-reach"
  let severity = Severity.error
  let summary = "Memory lies beyond the physical address size or the linear map; the kernel removes it."
  var documentation: String {
    """
    arm64_memblock_init() (arch/arm64/mm/init.c) removes memory at or above 1 << PHYS_MASK_SHIFT \
    (52 bits in Debian's build) without a message, and memory that does not fit in the linear map \
    with the span of the rest (\(KernelWords.example(.memory(.beyondLinearMap)))). \
    The bank is usually a wrong address (a cell count mix-up shifts it by 32 bits) rather than \
    memory that really exists there.
    """
  }

  let prerequisites: [Prerequisite] = [.memoryIsKnown]

  func check(_ context: ValidationContext) -> [Finding] {
    guard let step = context.boot.steps.first(where: { $0.title == Arm64Boot.physicalLimitsStep }),
      !step.memoryRemoved.isEmpty
    else { return [] }
    let why = step.events.first.flatMap(context.quoteFirstLine).map { " (\($0))" } ?? ""
    let kept = PhysicalRanges.merged(context.boot.memory.map(\.range))
    let path = context.statedBanks.last { !PhysicalRanges.uncovered($0.range, by: kept).isEmpty }?.path ?? "/"
    return step.memoryRemoved.map { range in
      finding(at: path, "the kernel removes memory it cannot address or map linearly\(why): \(Describe.sized(range))")
    }
  }
}
