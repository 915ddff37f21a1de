internal import KernelParameters
internal import MemoryModel

/// `reserve_mem=SIZE:ALIGN:NAME` (mm/memblock.c `reserve_mem()`, Linux 6.12), the same on every
/// architecture: a `__setup` handler that `start_kernel()`'s `parse_args()` calls for each
/// occurrence, in order, once `setup_arch()` has finished — after page tables, the memory map and
/// the kernel's own early allocations took memory from the top. The grammar is
/// `ReserveMemParameter`; this is the rest: at most 8 entries, unique names, and a top-down
/// `memblock_phys_alloc()`. Every failure is silent in 6.12. The address is a prediction.
enum ReserveMemPlacement {
  /// The occurrences the kernel's `__setup` handler sees (it is not called without a value).
  static func requests(in commandLine: KernelCommandLine) -> [KernelParameter] {
    commandLine.parameters.filter { $0.isNamed("reserve_mem") && $0.value != nil }
  }

  /// Places every `reserve_mem=` of the command line in `memblock`, appending one reservation and
  /// one event per occurrence; returns the step's change lines.
  static func place(
    _ commandLine: KernelCommandLine, memblock: inout Memblock, pageSize: UInt64, reservations: inout [Reservation],
    events: inout [BootEvent]
  ) -> [String] {
    var notes: [String] = []
    var placed: [String] = []
    for parameter in requests(in: commandLine) {
      let request: ReserveMemParameter
      let admission = ReserveMemParameter.admit(ReserveMemParameter.parse(parameter.value), held: placed)
      if case .failure(let refusal) = admission {
        let name: String
        if case .nameInUse(let duplicate) = refusal { name = duplicate.name } else { name = parameter.text }
        events.append(.kernelAllocation(.reserveMemRefused(name: name, .refused(refusal))))
      }
      switch admission {
      case .success(let admitted):
        request = admitted
      case .failure(.tableFull):
        reservations.append(
          Reservation(
            name: parameter.text, path: "cmdline", origin: .reserveMemParameter,
            status: .failed(reason: "only \(ReserveMemParameter.maximumEntries) reserve_mem= entries are kept")))
        continue
      case .failure(.malformed(let rejection)):
        reservations.append(
          Reservation(
            name: parameter.text, path: "cmdline", origin: .reserveMemParameter,
            status: .failed(reason: "the kernel silently ignores it: \(rejection)")))
        continue
      case .failure(.nameInUse(let duplicate)):
        reservations.append(
          Reservation(
            name: duplicate.name, path: "cmdline", origin: .reserveMemParameter, requestedSize: duplicate.size,
            alignment: duplicate.alignment, status: .failed(reason: "the name \(duplicate.name) is already used")))
        continue
      }
      // memblock_phys_alloc(size, align): top-down below memblock.current_limit.
      guard
        let base = memblock.allocate(
          size: request.size, align: request.alignment, start: 0, end: UInt64.max, pageSize: pageSize)
      else {
        let room = AllocationRequest(size: request.size, alignment: request.alignment)
        events.append(.kernelAllocation(.reserveMemRefused(name: request.name, .noRoom(room))))
        reservations.append(
          Reservation(
            name: request.name, path: "cmdline", origin: .reserveMemParameter, requestedSize: request.size,
            alignment: request.alignment,
            status: .failed(
              reason: "no free \(ByteCount.human(request.size)) block aligned to \(Hex.short(request.alignment))")))
        continue
      }
      placed.append(request.name)
      events.append(.kernelAllocation(.reserveMemPlaced(name: request.name, base: base, size: request.size)))
      let range = PhysicalRange(start: base, size: request.size)
      notes.append("\(request.name): predicted at \(range.map { "\($0)" } ?? Hex.short(base))")
      reservations.append(
        Reservation(
          name: request.name, path: "cmdline", origin: .reserveMemParameter, range: range, requestedSize: request.size,
          alignment: request.alignment,
          status: .estimated(
            reason:
              "reserve_mem= is placed after paging and the kernel's own early allocations; the address depends on the "
              + "kernel build and is not stable across boots"
          )))
    }
    return notes
  }
}
