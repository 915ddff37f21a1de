internal import MemoryModel

/// What Linux 6.1 on arm64 prints differently from 6.12 (`Arm64KernelLog` has every other line):
///
/// - no `OF: reserved mem: BASE..END (N KiB) map|nomap …` line per region (6.12's
///   `fdt_init_reserved_mem_node()` added it), and no late pass to complain about ignored `reg`
///   tuples or a missing `/reserved-memory`;
/// - the static-region messages come from drivers/of/fdt.c (`OF: fdt:`), where 6.1 keeps
///   `fdt_scan_reserved_mem()` and `__reserved_mem_reserve_reg()`;
/// - the default CMA area's line names no node (recorded: arm64-kernels-example-61);
/// - `numa_init()` says when the tree has no NUMA description, and `numa_register_nodes()` names
///   the first memory region outside every node (recorded: efi61-numa-0001, EDK2's flash bank on
///   `numa2`).
struct Arm64KernelLog61: KernelLogRenderer {
  let later = Arm64KernelLog()
  static let fdt = "OF: fdt: "

  func lines(for event: BootEvent) -> [String] {
    switch event {
    case .reservedMemory(let event): reservedMemory(event)
    case .numa(.noConfiguration): ["NUMA: No NUMA configuration found"]
    // cma_declare_contiguous_nid() (6.1) names no node.
    case .kernelAllocation(.defaultCMAReserved(let base, let size)):
      ["cma: Reserved \(size >> 20) MiB at \(KernelFormat.pa(base))"]
    case .kernelAllocation(.defaultCMAFailed(let size)): ["cma: Failed to reserve \(size >> 20) MiB"]
    // numa_register_nodes() (6.1): memblock gives memory without a node MAX_NUMNODES (16).
    case .numa(.invalidMemoryBlockNode(let first)):
      ["NUMA: Warning: invalid memblk node 16 [mem \(KernelFormat.pa(first.start))-\(KernelFormat.pa(first.last))]"]
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
