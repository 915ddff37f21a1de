internal import MemoryModel

/// What Linux 6.1 on arm64 prints differently from 6.12 (`Arm64KernelLog` has every other line):
///
/// - no `OF: reserved mem: BASE..END (N KiB) map|nomap …` line per region (6.12's
///   `fdt_init_reserved_mem_node()` added it), and no late pass to complain about ignored `reg`
///   tuples or a missing `/reserved-memory`;
/// - the static-region messages come from drivers/of/fdt.c (`OF: fdt:`), where 6.1 keeps
///   `fdt_scan_reserved_mem()` and `__reserved_mem_reserve_reg()`;
/// - `numa_init()` says when the tree has no NUMA description.
struct Arm64KernelLog61: KernelLogRenderer {
  let later = Arm64KernelLog()
  static let fdt = "OF: fdt: "

  func lines(for event: BootEvent) -> [String] {
    switch event {
    case .reservedMemory(let event): reservedMemory(event)
    case .numa(.noConfiguration): ["NUMA: No NUMA configuration found"]
    default: later.lines(for: event)
    }
  }

  func message(for stop: BootStop) -> String { later.message(for: stop) }

  func reservedMemory(_ event: ReservedMemoryEvent) -> [String] {
    switch event {
    case .initialised, .noNode, .regTuplesIgnored: []
    case .unsupportedFormat: [Self.fdt + "Reserved memory: unsupported node format, ignoring"]
    case .invalidProperty(let node, .reg):
      [Self.fdt + "Reserved memory: invalid reg property in '\(node.name)', skipping node."]
    case .reserveFailed(let node, let tuple, _):
      [
        Self.fdt
          + "Reserved memory: failed to reserve memory for node '\(node.name)': base "
          + "\(KernelFormat.pa(tuple.address)), size \(KernelFormat.mib(tuple.size))"
      ]
    default: later.reservedMemory(event)
    }
  }
}
