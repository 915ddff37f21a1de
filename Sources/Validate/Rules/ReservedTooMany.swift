internal import BootModel
internal import MemoryModel

/// `reserved-too-many`: more regions than the kernel's table holds.
struct ReservedTooMany: Rule {
  let id = "reserved-too-many"
  let severity = Severity.error
  let summary = "More reserved regions than the kernel's 64-entry table holds."
  let documentation = """
    Linux records reserved-memory regions in reserved_mem[MAX_RESERVED_REGIONS = 64] \
    (drivers/of/of_reserved_mem.c). Each region beyond that prints "OF: reserved mem: not enough \
    space for all defined regions." and is never initialised: it stays reserved, but its driver \
    cannot find it and no pool is created. In 6.12–7.1 the dynamic nodes are also collected into an \
    unchecked 64-entry stack array, so more than 64 dynamic children corrupt the kernel stack: \
    6.12.100 panics ("stack-protector: Kernel stack is corrupted in: fdt_scan_reserved_mem") \
    before its console is up and prints nothing (recorded, docs/kernel-findings-arm64.md §1.3).
    """

  func check(_ context: ValidationContext) -> [Finding] {
    context.boot.diagnostics.compactMap { diagnostic in
      let full = diagnostic.message.contains("table of reserved regions is full")
      let stack = diagnostic.message.contains("dynamic children")
      guard full || stack else { return nil }
      return finding(at: diagnostic.location, full ? "\(diagnostic.message) (\"not enough space for all defined regions.\")" : diagnostic.message)
    }
  }
}
