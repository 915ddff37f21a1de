internal import BootModel
internal import KernelParameters
internal import MemoryModel

/// `cmdline-mem-meaning`: mem= means different things on arm64 and x86.
struct CmdlineMemMeaning: Rule {
  let id = "cmdline-mem-meaning"
  let severity = Severity.warning
  let summary = "mem= keeps different memory on arm64 (an amount) than on x86 (an address limit)."
  let documentation = """
    arm64's early_mem() (arch/arm64/mm/init.c) records mem= as an amount: \
    memblock_mem_limit_remove_map() keeps that many bytes counted from the lowest bank (no-map \
    banks count too). x86's parse_memopt() (arch/x86/kernel/e820.c) removes all RAM above that \
    address. They agree only when RAM starts at 0 without holes; on a board whose RAM starts at \
    0x40000000, mem=1G keeps 1 GiB on arm64 and nothing on x86. Reported when the two readings keep \
    different memory here (the arm64 one from the model; the x86 one cuts the same memory at the \
    address).
    """

  let prerequisites: [Prerequisite] = [.memoryIsKnown]

  func check(_ context: ValidationContext) -> [Finding] {
    guard let parameter = context.commandLine.parameters(named: "mem").last(where: { $0.value != nil })
    else { return [] }
    // x86 applies every mem= (each removes RAM above its limit; values it rejects remove nothing).
    let limits = context.commandLine.parameters(named: "mem").compactMap { occurrence -> UInt64? in
      guard case .limit(let limit, _) = X86MemParameter.parse(occurrence.value) else { return nil }
      return limit
    }
    // A value x86 rejects parses to 0, which arm64 ignores too: both keep everything.
    guard let limit = limits.min() else { return [] }
    var unlimited = context.request
    unlimited.commandLine.text = context.commandLine.text(removingParametersNamed: "mem")
    guard let before = try? Boot.run(unlimited) else { return [] }
    let arm64 = PhysicalRanges.merged(context.boot.memory.filter { !$0.noMap }.map(\.range))
    let kept = before.memory.filter { !$0.noMap }.map(\.range)
    let below = PhysicalRange(start: 0, size: limit).map { [$0] } ?? []
    let x86 = PhysicalRanges.merged(kept.flatMap { PhysicalRanges.covered($0, by: below) })
    guard arm64 != x86 else { return [] }
    func describe(_ ranges: [PhysicalRange]) -> String {
      guard let first = ranges.first, let last = ranges.last else { return "no memory" }
      return "\(Describe.bytes(PhysicalRanges.bytes(ranges))) (\(Hex.short(first.start))-\(Hex.short(last.last)))"
    }
    return [
      finding(
        at: "cmdline",
        "\(parameter.text): arm64 keeps \(describe(arm64)), counted from the lowest bank; x86 reads mem= as an address "
          + "limit and would keep "
          + (x86.isEmpty
            ? "no memory (none lies below \(Hex.short(limit)))"
            : "\(describe(x86)), the memory below \(Hex.short(limit))")
      )
    ]
  }
}
