internal import MemoryModel

/// What Linux 6.12 on arm64 prints for the boot events (drivers/of/fdt.c, of_reserved_mem.c,
/// kernel/dma/, drivers/base/arch_numa.c, arch/arm64/mm/init.c, mm/mm_init.c).
struct Arm64KernelLog: KernelLogRenderer {
  let generic = GenericKernelLog()

  func lines(for event: BootEvent) -> [String] {
    switch event {
    case .memory(let event): memory(event)
    case .reservedMemory(let event): reservedMemory(event)
    case .numa(let event): numa(event)
    case .parameter(let event): generic.parameter(event)
    case .kernelAllocation(let event): generic.kernelAllocation(event)
    case .e820: []
    case .stop(let stop): ["Kernel panic - not syncing: \(message(for: stop))"]
    }
  }

  func message(for stop: BootStop) -> String {
    switch stop.cause {
    case .reservedMemoryArrayOverflow: "stack-protector: Kernel stack is corrupted in: fdt_scan_reserved_mem"
    case .invalidUserMemoryMap, .rangeUpdateToSameType, .realModeTrampolineNotAllocated, .lowPagesUnavailable,
      .commandLineOverflow:
      X86KernelLog().message(for: stop)
    }
  }

  func memory(_ event: MemoryEvent) -> [String] {
    switch event {
    case .blockIgnored(let base, let size, _):
      ["OF: fdt: Ignoring memory block \(KernelFormat.llx(base)) - \(KernelFormat.llx(base &+ size))"]
    case .beyondLinearMap: ["Memory doesn't fit in the linear mapping, VA_BITS too small"]
    case .limited(let bytes): ["Memory limited to \(Int64(bitPattern: bytes >> 20))MB"]
    case .initrdNotAccessible:
      ["initrd not fully accessible via the linear mapping -- please check your bootloader ..."]
    case .nodeRanges(let blocks):
      blocks.map { block in
        let node = String(block.node)
        let padding = String(repeating: " ", count: max(0, 3 - node.count))
        return
          "  node \(padding)\(node): [mem \(KernelFormat.pa(block.range.start))-\(KernelFormat.pa(block.range.last))]"
      }
    }
  }

  static let reservedMem = "OF: reserved mem: "

  func reservedMemory(_ event: ReservedMemoryEvent) -> [String] {
    let prefix = Self.reservedMem
    switch event {
    case .noNode: return [prefix + "Reserved memory: No reserved-memory node in the DT"]
    case .unsupportedFormat: return [prefix + "Reserved memory: unsupported node format, ignoring"]
    case .invalidProperty(let node, let property):
      switch property {
      case .reg: return [prefix + "Reserved memory: invalid reg property in '\(node.name)', skipping node."]
      case .size, .alignment: return [prefix + "invalid \(property.rawValue) property in '\(node.name)' node."]
      case .allocRanges: return [prefix + "invalid alloc-ranges property in '\(node.name)', skipping node."]
      }
    case .reserved, .allocated: return []
    case .reserveFailed(let node, let tuple, _):
      return [
        prefix
          + "Reserved memory: failed to reserve memory for node '\(node.name)': base "
          + "\(KernelFormat.pa(tuple.address)), size \(KernelFormat.mib(tuple.size))"
      ]
    case .allocationFailed(let node, let request):
      return [prefix + "failed to allocate memory for node '\(node.name)': size \(KernelFormat.mib(request.size))"]
    case .regTuplesIgnored(let node, let count):
      return [prefix + "fdt_scan_reserved_mem_reg_nodes() ignores \(count) regions in node '\(node.name)'"]
    case .tableFull: return [prefix + "not enough space for all defined regions."]
    case .initialised(let region):
      let end = region.base &+ region.size &- 1
      let flags = "\(region.noMap ? "nomap" : "map") \(region.reusable ? "reusable" : "non-reusable")"
      return [
        prefix
          + "\(KernelFormat.pa(region.base))..\(KernelFormat.pa(end)) (\(region.size / 1024) KiB) \(flags) "
          + "\(region.node.name)"
      ]
    case .handlerInitialised(let node, let compatible):
      return [prefix + "initialized node \(node.name), compatible id \(compatible)"]
    case .poolCreated(let kind, let base, let size):
      return [
        "Reserved memory: created \(kind.rawValue) memory pool at \(KernelFormat.pa(base)), size "
          + "\(KernelFormat.mib(size))"
      ]
    case .cmaRefused(let node, let cause):
      switch cause {
      case .cmaBypassed: return ["Reserved memory: bypass \(node.name) node, using cmdline CMA params instead"]
      case .cmaMisaligned: return ["Reserved memory: incorrect alignment of CMA region"]
      case .cmaSlotsFull:
        return ["cma: Not enough slots for CMA reserved regions!", "Reserved memory: unable to setup CMA region"]
      case .cmaNotReserved: return ["Reserved memory: unable to setup CMA region"]
      case .reusableWithNoMap: return []
      }
    case .setupFailed(let node, _): return [prefix + "node \(node.name) compatible matching fail"]
    case .overlap(let a, let b):
      func span(_ r: RecordedRegion) -> String { "\(KernelFormat.pa(r.base))--\(KernelFormat.pa(r.base &+ r.size))" }
      return [prefix + "OVERLAP DETECTED!", "\(a.node.name) (\(span(a))) overlaps with \(b.node.name) (\(span(b)))"]
    case .elfCoreHeaderReserved(let header):
      return [
        "OF: fdt: Reserving \(header.size >> 10) KiB of memory at \(KernelFormat.llx(header.address)) for elfcorehdr"
      ]
    case .elfCoreHeaderOverlapped: return ["OF: fdt: elfcorehdr is overlapped"]
    }
  }

  func numa(_ event: NUMAEvent) -> [String] {
    switch event {
    case .assigned, .noConfiguration: []
    case .memorylessNode(let node): ["NUMA: Initmem setup node \(node) [<memory-less node>]"]
    case .invalidMemoryBlockNode: ["NUMA: Warning: invalid memblk node"]
    case .nodesDoNotCoverMemory(let uncovered, let total):
      ["NUMA: no nodes coverage for \(uncovered)MB of \(total)MB RAM"]
    case .disabled: ["NUMA: NUMA disabled"]
    case .faked(let start, let last):
      ["NUMA: Faking a node at [mem \(KernelFormat.pa(start))-\(KernelFormat.pa(last))]"]
    }
  }
}
