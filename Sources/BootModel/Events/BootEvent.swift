public import KernelParameters
public import MemoryModel

/// What happened during a boot, as typed facts, in the order it happened. Boot steps emit
/// events; the kernel's printed lines are rendered from them (`KernelLog`, one renderer per
/// kernel version and architecture), and rules read them instead of the kernel's words. An
/// event exists whether or not a given kernel prints anything for it.
public enum BootEvent: Hashable, Sendable {
  /// Memory found, trimmed, limited or ignored (drivers/of/fdt.c, arch/arm64/mm/init.c).
  case memory(MemoryEvent)
  /// `/reserved-memory`, `/chosen` `linux,elfcorehdr` (drivers/of/of_reserved_mem.c, fdt.c).
  case reservedMemory(ReservedMemoryEvent)
  /// NUMA node assignment (drivers/base/arch_numa.c, drivers/of/of_numa.c).
  case numa(NUMAEvent)
  /// What the early-parameter handlers say about their values.
  case parameter(ParameterEvent)
  /// Memory the kernel takes for itself that the model predicts: the default CMA area, the
  /// crash kernel, `reserve_mem=`.
  case kernelAllocation(KernelAllocationEvent)
  /// x86 `e820_table` edits and the tables the kernel prints (arch/x86/kernel/e820.c).
  case e820(E820Event)
  /// The kernel stops here (panic, BUG): the boot's last event.
  case stop(BootStop)
}

/// arm64 memory: memory nodes, limits, the initrd, the ranges the kernel reports.
public enum MemoryEvent: Hashable, Sendable {
  /// `early_init_dt_add_memory_arch()` drops a bank that holds no whole page.
  case blockIgnored(base: UInt64, size: UInt64, why: IgnoredMemory)
  /// `arm64_memblock_init()`: memory reaches past what the linear map can cover (VA_BITS); the
  /// part above is removed.
  case beyondLinearMap
  /// `early_mem()`: `mem=` keeps this many bytes.
  case limited(bytes: UInt64)
  /// The initrd is not reachable through the linear map: the kernel drops it.
  case initrdNotAccessible(RegTuple)
  /// `free_area_init()`: the memory the kernel ends with, per node ("Early memory node ranges").
  case nodeRanges([MemoryBlock])

  /// Why a memory bank is ignored.
  public enum IgnoredMemory: Hashable, Sendable {
    /// It does not contain one whole page once its start is rounded up.
    case noWholePage
  }
}

/// One `/reserved-memory` child, as events name it: its name as the kernel prints it and its
/// node path.
public struct ReservedNode: Hashable, Sendable {
  public var name: String
  public var path: String

  public init(name: String, path: String) {
    self.name = name
    self.path = path
  }
}

/// An entry of the kernel's `reserved_mem[]` table.
public struct RecordedRegion: Hashable, Sendable {
  public var node: ReservedNode
  public var base: UInt64
  public var size: UInt64
  public var noMap: Bool
  public var reusable: Bool

  public init(node: ReservedNode, base: UInt64, size: UInt64, noMap: Bool, reusable: Bool) {
    self.node = node
    self.base = base
    self.size = size
    self.noMap = noMap
    self.reusable = reusable
  }
}

/// What the reserved-memory code did with the tree's regions.
public enum ReservedMemoryEvent: Hashable, Sendable {
  /// The tree has no `/reserved-memory` (reported by the late pass).
  case noNode
  /// `__reserved_mem_check_root()` refuses the node's format: the whole node is ignored.
  case unsupportedFormat
  /// A property the kernel cannot read: the child is skipped.
  case invalidProperty(ReservedNode, ReservedProperty)
  /// A static region's `reg` tuple, reserved (or marked no-map).
  case reserved(ReservedNode, RegTuple, noMap: Bool)
  /// A static region's `reg` tuple the kernel refuses, and why.
  case reserveFailed(ReservedNode, RegTuple, ReserveFailure)
  /// A dynamic region placed.
  case allocated(ReservedNode, base: UInt64, size: UInt64, alignment: UInt64)
  /// A dynamic region that fits nowhere: the size, alignment and windows it was tried in.
  case allocationFailed(ReservedNode, AllocationRequest)
  /// The late pass records only a static child's first `reg` tuple; it ignores the others.
  case regTuplesIgnored(ReservedNode, count: Int)
  /// `reserved_mem[]` is full: the region stays reserved but is never initialised.
  case tableFull(ReservedNode)
  /// A region recorded and initialised (its handler accepted it, or none matched).
  case initialised(RecordedRegion)
  /// A `RESERVEDMEM_OF_DECLARE` handler took the region (`compatible` is the one it matched).
  case handlerInitialised(ReservedNode, compatible: String)
  /// A `shared-dma-pool` handler created its pool.
  case poolCreated(PoolKind, base: UInt64, size: UInt64)
  /// The CMA handler refused the region (the coherent-pool handler may still take it).
  case cmaRefused(ReservedNode, Reservation.SetupFailure)
  /// Every handler refused the region: the kernel gives it back.
  case setupFailed(ReservedNode, Reservation.SetupFailure)
  /// `__rmem_check_for_overlap()`: two recorded neighbours overlap.
  case overlap(RecordedRegion, RecordedRegion)
  /// `fdt_reserve_elfcorehdr()` reserved the crash-dump header.
  case elfCoreHeaderReserved(RegTuple)
  /// The crash-dump header overlaps memory already reserved: it is not reserved.
  case elfCoreHeaderOverlapped(RegTuple)

  /// The properties whose layout the kernel checks.
  public enum ReservedProperty: String, Hashable, Sendable {
    case reg, size, alignment
    case allocRanges = "alloc-ranges"
  }

  /// Why a static tuple is refused.
  public enum ReserveFailure: Hashable, Sendable {
    /// Its size is 0.
    case sizeZero
    /// A `no-map` tuple over memory already reserved (`-EBUSY`): by these reservations (the
    /// names and ranges of the earlier ones that hold part of it; empty when memory reserved by
    /// something the model does not name).
    case noMapOverReserved(by: [ReservedBy])
  }

  /// A reservation that holds memory a later no-map region wanted.
  public struct ReservedBy: Hashable, Sendable {
    public var name: String
    public var path: String
    public var range: PhysicalRange
  }

  /// The pools `shared-dma-pool` regions become.
  public enum PoolKind: String, Hashable, Sendable {
    case cma = "CMA"
    case dma = "DMA"
  }
}

/// A placement the allocator was asked for.
public struct AllocationRequest: Hashable, Sendable {
  public var size: UInt64
  public var alignment: UInt64
  /// The windows tried, in order (`alloc-ranges`); empty for anywhere.
  public var windows: [RegTuple]

  public init(size: UInt64, alignment: UInt64, windows: [RegTuple] = []) {
    self.size = size
    self.alignment = alignment
    self.windows = windows
  }
}

/// NUMA: the nodes memory is given, or the single node the kernel fakes.
public enum NUMAEvent: Hashable, Sendable {
  /// Memory assigned to the nodes the device tree describes.
  case assigned(nodes: [UInt32])
  /// `numa_init(of_numa_init)` found no NUMA description (no `numa-node-id`): the kernel falls
  /// back to one faked node.
  case noConfiguration
  /// A described node that got no memory.
  case memorylessNode(UInt32)
  /// Some memory belongs to no described node: the description is dropped. `first` is the
  /// first memory region without a node (`numa_register_nodes()` names it in 6.1).
  case invalidMemoryBlockNode(first: PhysicalRange)
  /// `numa_meminfo_cover_memory()` (mm/numa_memblks.c, 6.12): the described nodes leave at
  /// least 1 MiB of memory uncovered (`uncovered` of `total` MiB, no-map memory counted), so
  /// the description is dropped.
  case nodesDoNotCoverMemory(uncoveredMiB: UInt64, totalMiB: UInt64)
  /// `numa=off`.
  case disabled
  /// One node 0 for all memory, from `start` to `last` (inclusive).
  case faked(start: UInt64, last: UInt64)
}

/// What the early-parameter handlers report about the values they get.
public enum ParameterEvent: Hashable, Sendable {
  /// `do_early_param()`: the handler refused the value (`mem`, `cma`).
  case malformedEarlyOption(String)
  /// `early_cma()` without a value.
  case cmaWithoutValue
  /// x86 `parse_memopt()`: `mem=nopentium` is for 32-bit x86 only.
  case memNopentium
  /// `parse_crashkernel()`'s complaints about the value.
  case crashKernel(CrashKernelParameter.Complaint)
  /// No handler claims the parameter in this kernel (`reserve_mem=` in Linux 6.1):
  /// `unknown_bootoption()` passes it to init. The kernel lists all such parameters in one line,
  /// which the model does not print.
  case passedToInit(String)
}

/// Memory the kernel takes for itself (predicted places).
public enum KernelAllocationEvent: Hashable, Sendable {
  /// `dma_contiguous_reserve()`: the default CMA area.
  case defaultCMAReserved(base: UInt64, size: UInt64)
  case defaultCMAFailed(size: UInt64)
  /// `reserve_crashkernel_generic()`.
  /// `systemRAM`: `memblock_phys_mem_size()`, which x86 6.1 names in its line.
  case crashKernelReserved(base: UInt64, size: UInt64, systemRAM: UInt64)
  case crashKernelLowReserved(base: UInt64, size: UInt64)
  /// A fixed base (`@OFFSET`) that is taken.
  case crashKernelBaseInUse
  case crashKernelFailed(size: UInt64)
  case crashKernelLowFailed(size: UInt64)
  /// `reserve_mem()`: an entry placed, or refused (6.12 refuses silently).
  case reserveMemPlaced(name: String, base: UInt64, size: UInt64)
  /// `name` is the occurrence's reservation's (the parameter, or its name once parsed).
  case reserveMemRefused(name: String, ReserveMemRefusal)
  /// x86 `reserve_real_mode()`: the real-mode trampoline below 1 MiB, or no room for it.
  case realModeTrampolineReserved(base: UInt64, size: UInt64)
  case realModeTrampolineFailed(size: UInt64)

  /// Why a `reserve_mem=` occurrence reserves nothing.
  public enum ReserveMemRefusal: Hashable, Sendable {
    case refused(ReserveMemParameter.Refusal)
    /// No free block of the size and alignment.
    case noRoom(AllocationRequest)
  }
}

/// x86: the e820 table's edits and the tables the kernel prints.
public enum E820Event: Hashable, Sendable {
  /// `__e820__range_add()` with the table full: the entry is dropped.
  case tableFull(start: UInt64, size: UInt64)
  /// `__e820__range_update()`: `[start, start + size)` retyped.
  case update(start: UInt64, size: UInt64, from: RegionKind, to: RegionKind)
  /// `e820__range_remove()`, of one type or of every type (nil).
  case remove(start: UInt64, size: UInt64, kind: RegionKind?)
  /// `e820__print_table()` of the firmware table, under the kernel's name for it.
  case firmwareTable(label: String, entries: [MapEntry])
  /// `e820__finish_early_params()` printed the user-defined map.
  case userDefinedMap(MemoryMap)
}

extension ReservedMemoryEvent {
  /// The `/reserved-memory` child the event is about, if it is about one.
  public var node: ReservedNode? {
    switch self {
    case .invalidProperty(let node, _), .reserved(let node, _, _), .reserveFailed(let node, _, _),
      .allocated(let node, _, _, _), .allocationFailed(let node, _), .regTuplesIgnored(let node, _),
      .tableFull(let node),
      .handlerInitialised(let node, _), .cmaRefused(let node, _), .setupFailed(let node, _):
      node
    case .initialised(let region): region.node
    case .noNode, .unsupportedFormat, .poolCreated, .overlap, .elfCoreHeaderReserved, .elfCoreHeaderOverlapped: nil
    }
  }
}
