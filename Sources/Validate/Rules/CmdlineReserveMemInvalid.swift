internal import BootModel
internal import MemoryModel

/// `cmdline-reserve-mem-invalid`: reserve_mem= entries the kernel refuses.
struct CmdlineReserveMemInvalid: Rule {
  let id = "cmdline-reserve-mem-invalid"
  let severity = Severity.error
  let summary = "A reserve_mem= parameter is malformed, duplicated, one too many, or cannot be placed."
  let documentation = """
    reserve_mem=SIZE:ALIGN:NAME (mm/memblock.c reserve_mem(), 6.11+) is parsed after setup_arch(); \
    Linux 6.12 silently ignores a value without both colons, a zero size, a name longer than 15 \
    bytes or already used, a ninth entry, or a size that does not fit, so ramoops.mem_name= and \
    other users find nothing. Linux 6.1 has no reserve_mem= at all: it passes the parameter to \
    init and reserves nothing (--kernel 6.1 reports every occurrence). Placement is a prediction \
    (the kernel's own early allocations come first); a failure to place is only reported when \
    memory is known.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    context.boot.reservations.compactMap { r in
      guard r.origin == .reserveMemParameter, case .failed(let reason) = r.status else { return nil }
      // Without memory, no room is no news.
      if !context.memoryIsKnown
        && context.events.contains(where: { event in
          guard case .kernelAllocation(.reserveMemRefused(let name, .noRoom)) = event else { return false }
          return name == r.name
        })
      {
        return nil
      }
      let name = r.name.hasPrefix("reserve_mem") ? r.name : "reserve_mem name \(r.name)"
      return finding(at: "cmdline", "\(name): \(reason)")
    }
  }
}
