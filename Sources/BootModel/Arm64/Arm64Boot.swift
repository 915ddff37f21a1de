internal import KernelParameters
internal import MemoryModel

/// The arm64 boot model: Linux 6.12's (or 6.1's) `setup_arch()` as far as memory goes, one named
/// step per kernel phase, each step following the kernel function it names. Where 6.1 differs,
/// the step reads `request.kernel` and the 6.1 rule lives in `Arm64/Linux61/` (steps 4, 5–8, 11).
///
///  1. DT memory nodes → memblock (`early_init_dt_scan_memory`), page trimming.
///  2. `/chosen` `linux,usable-memory-range` (`early_init_dt_check_for_usable_mem_range`).
///  3. Early parameters (`parse_early_param`): `mem=`, `cma=`, `numa=off`, `movable_node`;
///     `memmap=` does not exist on arm64.
///  4. `arm64_memblock_init()`: physical limits, `mem=`, initrd, loader reservations.
///  5. `/chosen` `linux,elfcorehdr` (6.12.100 reserves it before `/reserved-memory`).
///  6. `/reserved-memory`, early pass (`fdt_scan_reserved_mem`): static, then dynamic regions
///     placed and initialised one by one; more than 64 dynamic children panic.
///  7. `/memreserve/` (after dynamic placement, so dynamic regions do not avoid them).
///  8. `/reserved-memory`, late pass (`fdt_scan_reserved_mem_reg_nodes`), overlap check.
///  9. NUMA node assignment (`arch_numa_init`) and the memory the kernel reports.
/// 10. Estimated: the kernel's own early allocations and the default CMA area.
/// 11. Late parameters: `reserve_mem=` (estimated).
///
/// Booted through UEFI (`BootRequest.efiMemoryMap`), steps 1–2 are the EFI stub's and
/// `efi_init()`'s instead (`runUEFIFirmware`, Arm64Boot+UEFI.swift): memory from the UEFI map.
public enum Arm64Boot {
  /// The title of the step that drops memory the CPU cannot address or map linearly.
  public static let physicalLimitsStep = "Physical and linear-map limits"

  /// Runs the boot (`Boot.run`). Throws `.noMemory` when the description holds no memory at all
  /// (blobs whose memory node the bootloader fills in), since any map would then be a guess.
  static func run(_ request: BootRequest, board: BoardMemory) throws(BootModelError) -> BootResult {
    if request.efiMemoryMap == nil, let chosen = board.chosen, chosen.isFromEFIStub {
      throw .needsFirmwareMap(
        "\(chosen.path) has linux,uefi-mmap-start: the EFI stub booted this blob and the memory comes from the UEFI "
          + "memory map; give it with --efi-memmap FILE (the kernel's efi=debug lines, UEFI Shell memmap, U-Boot "
          + "efidebug memmap or dtmem JSON)")
    }
    if request.memoryOverride == nil && request.efiMemoryMap == nil {
      if board.memoryNodes.filter(\.isAvailable).allSatisfy(\.banks.isEmpty) {
        let why =
          board.memoryNodes.isEmpty
          ? "the blob has no memory node (device_type = \"memory\")"
          : "the blob's memory nodes hold no memory (size 0, disabled or without reg)"
        throw .noMemory(
          "\(why); bootloaders usually fill it in. Give the RAM banks with --memory START:SIZE (repeatable)")
      }
    }
    var boot = Arm64BootState(request, board: board)
    boot.run()
    return boot.result()
  }
}

/// `SMP_CACHE_BYTES` on arm64: the default alignment of dynamic regions.
let arm64CacheLineBytes: UInt64 = 64

/// The mutable state of one simulated boot.
struct Arm64BootState {
  let request: BootRequest
  let board: BoardMemory
  /// The command line as the kernel keeps it, and where it came from (for messages).
  let commandLine: KernelCommandLine
  let commandLineSource: String
  let page: UInt64
  var memblock = Memblock()
  var steps: [BootStep] = []
  var diagnostics: [Diagnostic] = []
  var reservations: [Reservation] = []
  var kernelAllocations: [Reservation] = []

  // Early parameters.
  var memoryLimit: UInt64? = nil
  var cmaCommandLineSize: UInt64? = nil
  var numaOff = false

  /// `early_init_dt_scan_chosen()`: the initrd (start <= end) and the crash-dump header. On a
  /// UEFI boot the stub's INITRD table (`efi_config_parse_tables()`) says it instead.
  var initrd: RegTuple? { efiInitrd?.tuple ?? board.chosen?.initrd }
  /// The initrd the EFI stub loaded (`efi_load_initrd()`), and the `--reserve` entry it came from.
  var efiInitrd: EFILoadInitrd.Loaded? = nil
  var elfCoreHeader: RegTuple? { board.chosen?.elfCoreHeader?.tuples.first }

  /// Children of `/reserved-memory` with `size` and no `reg`, in DT order.
  var dynamicChildren: [Int] = []
  /// Where each static child's first tuple sits in `reservations` (the late pass records only
  /// that one), by child index; -1 for the other children. Read through `staticReservation(_:)`.
  var staticReservationIndex: [Int] = []

  /// The index in `reservations` of a static child's first tuple, nil when it has none.
  func staticReservation(_ childIndex: Int) -> Int? {
    guard childIndex < staticReservationIndex.count, staticReservationIndex[childIndex] >= 0 else { return nil }
    return staticReservationIndex[childIndex]
  }

  /// Linux 6.1's `reserved_mem[]` as `fdt_scan_reserved_mem()` fills it, before it is sorted.
  var table61: [ReservedMemoryEntry61] = []
  /// `reserved_mem[]`: the regions the reserved-memory code has recorded, in recording order.
  var records: [ReservedMemoryRecord] = []
  /// What decided each dynamic region's place, for the step's changes (`--explain`).
  var placementNotes: [String] = []
  /// The direction of the last `early_init_dt_alloc_reserved_memory_arch()` search.
  var lastAllocationBottomUp = false
  /// CMA areas in use (`cma_area_count`; CONFIG_CMA_AREAS = 20 in Debian's arm64 build).
  var cmaAreas = 0
  /// A DT `linux,cma-default` region became the default CMA area (`dma_contiguous_default_area`).
  var hasDefaultCMAArea = false
  /// `cma=SIZE[@BASE[-LIMIT]]`.
  var cmaCommandLineBase: UInt64 = 0
  var cmaCommandLineLimit: UInt64 = 0
  /// How many `/memreserve/` entries the EFI stub deleted from the given tree.
  var stubDeletedMemoryReservations = 0
  /// The kernel image as found in the UEFI map (no `--reserve …:kernel` given): the stub's copy.
  var locatedKernelImage: PhysicalRange? = nil
  /// Where the kernel stopped, once it has.
  var stopped: BootStop? = nil

  init(_ request: BootRequest, board: BoardMemory) {
    self.request = request
    // Booted through UEFI, the kernel gets the stub's copy of the tree, whose /memreserve/
    // entries update_fdt() deleted (every kernel version).
    var tree = board
    if request.efiMemoryMap != nil {
      stubDeletedMemoryReservations = board.memoryReservations.count
      tree.memoryReservations = []
    }
    self.board = tree
    self.commandLine = request.kernelCommandLine
    self.commandLineSource = request.commandLine.source.description
    self.page = request.pageSize.bytes
    // The lists' sizes are known within a few entries: grown once, not element by element.
    let children = tree.reservedMemory?.children.count ?? 0
    steps.reserveCapacity(Self.expectedSteps)
    reservations.reserveCapacity(children + tree.memoryReservations.count + request.loaderReservations.count + 4)
    records.reserveCapacity(min(children, Self.maximumRecords))
  }

  /// About how many steps a boot has (`runDeviceTreeMemory()`, `runFromPhysicalLimits()`).
  static let expectedSteps = 18

  /// What this kernel prints (for the words of diagnostics that quote it).
  var log: any KernelLogRenderer { KernelLog.renderer(.arm64, request.kernel) }

  /// Runs one step: records the events `body` emits and the memblock changes it makes.
  mutating func step(_ title: String, _ function: String, _ body: (inout Arm64BootState, inout [BootEvent]) -> [String])
  {
    guard stopped == nil else { return }
    guard request.recordsChanges else {
      // Only memblock.memory is kept (for `memoryRemoved`): a copy of anything else would make
      // the step's first edit of it copy the whole.
      let memoryBefore = memblock.memory
      var events: [BootEvent] = []
      _ = body(&self, &events)
      steps.append(
        BootStep(
          title: title, kernelFunction: function, events: events,
          memoryRemoved: memblock.memoryRemoved(since: memoryBefore)))
      return
    }
    let before = memblock
    let reservationsBefore = reservations
    let allocationsBefore = kernelAllocations.count
    var events: [BootEvent] = []
    var notes = body(&self, &events)
    notes.append(contentsOf: Reservation.outcomes(reservationsBefore, reservations))
    notes.append(contentsOf: kernelAllocations.dropFirst(allocationsBefore).map(\.outcome))
    let changes = memblock.changes(since: before)
    notes.append(contentsOf: changes.lines)
    steps.append(
      BootStep(
        title: title, kernelFunction: function, changes: notes, events: events, memoryRemoved: changes.memoryRemoved))
  }

  /// The kernel stops: `stop` is the step's last event, and no later step runs.
  mutating func stop(_ stop: BootStop, _ events: inout [BootEvent]) {
    events.append(.stop(stop))
    stopped = stop
  }

  mutating func run() {
    if let map = request.efiMemoryMap {
      runUEFIFirmware(map)
    } else {
      runDeviceTreeMemory()
    }
    runFromPhysicalLimits()
  }

  /// Steps 1–3 of a boot from a device tree alone.
  mutating func runDeviceTreeMemory() {
    step("DT blob reserved by the loader", "setup_machine_fdt() (arch/arm64/kernel/setup.c)") { boot, _ in
      boot.reserveBlob()
    }
    step("DT memory nodes", "early_init_dt_scan_memory() (drivers/of/fdt.c)") { boot, events in
      boot.scanMemoryNodes(&events)
    }
    step("/chosen linux,usable-memory-range", "early_init_dt_check_for_usable_mem_range() (drivers/of/fdt.c)") {
      boot, _ in
      boot.applyUsableMemoryRange()
    }
    step("Early parameters", "parse_early_param() (init/main.c)") { boot, events in
      boot.parseEarlyParameters(&events)
    }
  }

  /// From `arm64_memblock_init()` on, the same whether memory came from the tree or from UEFI.
  mutating func runFromPhysicalLimits() {
    step(Arm64Boot.physicalLimitsStep, "arm64_memblock_init() (arch/arm64/mm/init.c)") { boot, events in
      boot.applyPhysicalLimits(&events)
    }
    step(
      "mem= limit, then the kernel image added back",
      "arm64_memblock_init() (arch/arm64/mm/init.c; 6.1 and 6.12) → memblock_mem_limit_remove_map(), "
        + "memblock_add(_text, _end - _text)"
    ) { boot, _ in
      boot.arm64MemblockInitMemoryLimit()
    }
    step("initrd from /chosen", "arm64_memblock_init() (arch/arm64/mm/init.c)") { boot, events in
      boot.reserveInitrd(&events)
    }
    step(
      "Kernel image and loader reservations",
      request.kernel == .v6_1 ? "memblock_reserve(_stext, _end - _stext)" : "memblock_reserve(_text, _end - _text)"
    ) { boot, _ in
      boot.reserveLoaderRegions()
    }
    switch request.kernel {
    case .v6_1: earlyInitFDTScanReservedMem61()
    case .v6_12: earlyInitFDTScanReservedMem612()
    }
    step("NUMA nodes", "arch_numa_init() (drivers/base/arch_numa.c)") { boot, events in
      boot.assignNodes(&events)
    }
    step("Early memory node ranges", "free_area_init() (mm/mm_init.c)") { boot, events in
      events.append(.memory(.nodeRanges(boot.memoryBlocks())))
      return []
    }
    step(
      "Kernel's own early allocations and the default CMA area (estimated)",
      "paging_init(), sparse_init(), dma_contiguous_reserve()"
    ) { boot, events in
      boot.estimateKernelAllocations(&events)
    }
    switch request.kernel {
    case .v6_1:
      step("reserve_mem= (not in Linux 6.1)", "unknown_bootoption() (init/main.c): passed to init") { boot, events in
        boot.reserveMemAbsent61(&events)
      }
    case .v6_12:
      step("reserve_mem=", "reserve_mem() (mm/memblock.c), after setup_arch()") { boot, events in
        boot.placeReserveMemParameters(&events)
      }
    }
  }

  /// Linux 6.12's order: the crash-dump header, `/reserved-memory` static then dynamic regions
  /// (each placed, recorded and initialised in tree order), `/memreserve/`, then the late pass
  /// over static regions. (Linux 6.1: `earlyInitFDTScanReservedMem61()`.)
  mutating func earlyInitFDTScanReservedMem612() {
    step("/chosen linux,elfcorehdr", "fdt_reserve_elfcorehdr() (drivers/of/fdt.c; 6.12.100: before /reserved-memory)") {
      boot, events in
      boot.reserveElfCoreHeader(&events)
    }
    step("/reserved-memory: static regions", "fdt_scan_reserved_mem() → __reserved_mem_reserve_reg()") { boot, events in
      boot.reserveStaticRegions(&events)
    }
    step("/reserved-memory: dynamic regions", "fdt_scan_reserved_mem() → __reserved_mem_alloc_size()") { boot, events in
      boot.allocateDynamicRegions(&events)
    }
    step("/memreserve/ entries", "early_init_fdt_scan_reserved_mem() (drivers/of/fdt.c)") { boot, _ in
      boot.request.efiMemoryMap == nil
        ? boot.reserveHeaderEntries()
        : ["none: the EFI stub deleted the tree's /memreserve/ entries (update_fdt())"]
    }
    step("/reserved-memory: static regions recorded", "fdt_scan_reserved_mem_reg_nodes() (unflatten_device_tree)") {
      boot, events in
      boot.recordStaticRegions(&events)
    }
  }

  // MARK: Result

  func result() -> BootResult {
    BootResult(
      architecture: .arm64, kernel: request.kernel, memory: memoryBlocks(), reservations: reservations,
      kernelAllocations: kernelAllocations, e820: e820View(),
      steps: steps, diagnostics: diagnostics, stop: stopped)
  }

  /// memblock.memory as the kernel prints "Early memory node ranges".
  func memoryBlocks() -> [MemoryBlock] { memblock.printedRanges(pageSize: page) }

  /// The final map in e820 terms: memory is usable, no-map memory and every taken, non-reusable
  /// reservation is reserved, `pmem-region` nodes are persistent (type 12) where the kernel does
  /// not keep the memory as mapped RAM. Over mapped RAM the kernel uses the pages as memory
  /// whatever the pmem node says (of_pmem only registers a region), so the view, like the memory
  /// table, says usable there (`pmem-over-memory` reports the conflict).
  func e820View() -> MemoryMap {
    var entries: [MapEntry] = []
    for region in memblock.memory {
      entries.append(
        MapEntry(start: region.base, size: region.size, kind: region.flags.contains(.noMap) ? .reserved : .usable))
    }
    for reservation in reservations where reservation.holdsMemoryInE820View {
      if let range = reservation.range {
        entries.append(MapEntry(start: range.start, size: range.size, kind: .reserved))
      }
    }
    // The mapped memory matters only to pmem-region nodes (most boards have none).
    let persistent = board.persistentRegions.filter(\.isAvailable)
    let mapped: [PhysicalRange] =
      persistent.isEmpty
      ? []
      : memblock.memory.filter { !$0.flags.contains(.noMap) }.compactMap {
        PhysicalRange(start: $0.base, size: $0.size)
      }
    for region in persistent {
      for range in region.reg?.nonEmptyRanges ?? [] {
        for piece in PhysicalRanges.uncovered(range, by: mapped) {
          entries.append(MapEntry(start: piece.start, size: piece.size, kind: .persistentLegacy))
        }
      }
    }
    return (try? MemoryMap.sanitized(entries)) ?? .empty
  }
}

extension Reservation {
  /// Whether the region is memory the kernel keeps from general use in the e820 sense: taken
  /// reservations from the blob (static, dynamic, /memreserve/, elfcorehdr), but not CMA
  /// (reusable: the kernel lends it to movable pages), not what the loader put there for this
  /// boot (kernel image, initrd), and not predictions.
  var holdsMemoryInE820View: Bool {
    guard status.holdsMemory, !reusable else { return false }
    switch origin {
    case .staticRegion, .dynamicRegion, .memoryReservationBlock, .elfCoreHeader: return true
    case .loader, .initrd, .reserveMemParameter, .defaultCMA, .crashKernel, .firmware: return false
    }
  }
}
