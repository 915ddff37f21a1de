internal import BootModel
internal import MemoryModel

/// `reserved-too-many`: more regions than the kernel's table holds.
struct ReservedTooMany: Rule {
  let id = "reserved-too-many"
  let severity = Severity.error
  let summary = "More reserved regions than the kernel's 64-entry table holds."
  var documentation: String {
    """
    Linux records reserved-memory regions in reserved_mem[MAX_RESERVED_REGIONS = 64] \
    (drivers/of/of_reserved_mem.c). Each region beyond that prints \
    \(KernelWords.example(.tableFull(KernelWords.node))) and is never initialised: it stays reserved, but its driver \
    cannot find it and no pool is created. (More than 64 dynamic children also overflow an \
    unchecked stack array and panic the kernel: kernel-panic.)
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    context.boot.reservations.filter { !$0.isRecorded }.map { r in
      let full = context.reservedMemoryEvents(at: r.path).first { if case .tableFull = $0 { true } else { false } }
      let printed = full.map { " (\(context.quote(.reservedMemory($0))))" } ?? ""
      return finding(
        at: r.path,
        "the kernel's table of reserved regions is full (64): this region stays reserved but is never "
          + "initialised\(printed)"
      )
    }
  }
}
