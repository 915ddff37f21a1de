internal import KernelParameters
internal import MemoryModel

/// Steps 3 and 9: kernel parameters as arm64 Linux 6.12 handles them.
extension Arm64BootState {
  /// `parse_early_param()`: the early parameters with an arm64 meaning, in command-line order.
  mutating func parseEarlyParameters(_ events: inout [BootEvent]) -> [String] {
    var notes: [String] = []
    let source = commandLineSource
    for parameter in commandLine.parameters {
      if parameter.isNamed("mem") {
        // arch/arm64/mm/init.c early_mem(): an amount of memory, page-aligned down.
        guard let value = parameter.value else {
          events.append(.parameter(.malformedEarlyOption("mem")))
          continue
        }
        let limit = MemParse.memparse(Array(value.utf8)).value & ~(page - 1)
        memoryLimit = limit
        events.append(.memory(.limited(bytes: limit)))
        notes.append("mem=\(value): keep the first \(ByteCount.human(limit)) of memory")
        diagnostics.append(
          Diagnostic(
            .info, at: source,
            "mem=\(value) on arm64 keeps the first \(ByteCount.human(limit)) of memory counted from the lowest bank "
              + "(x86 reads mem= as an address limit)"
          ))
      } else if parameter.isNamed("memmap") {
        diagnostics.append(
          Diagnostic(
            .warning, at: source,
            "\(parameter.text) is ignored: arm64 has no memmap= (the kernel passes it to init as an unknown "
              + "parameter); `dtmem to-overlay` turns it into a /reserved-memory overlay"
          ))
      } else if parameter.isNamed("cma") {
        guard let value = parameter.value else {
          events.append(.parameter(.cmaWithoutValue))
          events.append(.parameter(.malformedEarlyOption("cma")))
          continue
        }
        let cma = CMAParameter(parsing: value)
        cmaCommandLineSize = cma.size
        if let base = cma.base, let limit = cma.limit {
          cmaCommandLineBase = base
          cmaCommandLineLimit = limit
        }
        notes.append("cma=\(value): default CMA area from the command line")
      } else if parameter.isNamed("numa") {
        if let value = parameter.value, value.hasPrefix("off") {
          numaOff = true
          notes.append("numa=off: one node")
        }
      } else if parameter.isNamed("movable_node") {
        memblock.movableNode = true
        notes.append("movable_node: allocations avoid hot-pluggable memory")
      }
    }
    return notes
  }

  /// `reserve_mem=` runs in `start_kernel()` after `setup_arch()`: after page tables, the memory
  /// map, per-CPU areas and the default CMA area have taken memory from the top. Its address is
  /// therefore a prediction: the model places it top-down in what the boot left free.
  mutating func placeReserveMemParameters(_ events: inout [BootEvent]) -> [String] {
    ReserveMemPlacement.place(
      commandLine, memblock: &memblock, pageSize: page, reservations: &reservations, events: &events)
  }
}
