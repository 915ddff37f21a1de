internal import KernelParameters
internal import MemoryModel

/// Step 10 (estimated): what the kernel takes for itself between `/reserved-memory` and the
/// late parameters, top-down — early page tables, the memory map of the highest node, a few
/// more early structures — and then the default CMA area (`dma_contiguous_reserve()`).
///
/// The sizes are calibrated on recorded boots of Debian's 6.12.100 arm64 kernel under QEMU
/// `virt` (docs/kernel-findings-arm64.md §3): page tables of RAM/512 plus 0x25000 bytes in 4 KiB
/// pages, the highest node's memory map (its sparsemem sections' `struct page` arrays, as
/// `SparseMemoryMap` follows sparse_init(); tools/record-memmap checks it), then 0x22000 bytes
/// plus 8 KiB per GiB of that node. They are exact for the default CMA base in all 409 recorded
/// boots with one and for 95 of 102 `reserve_mem=` placements (6.12 4K device-tree boots count the
/// vmemmap page tables from the KASLR seed: `vmemmapTablePages612`); other kernels and machines differ by
/// a few pages.
extension Arm64BootState {
  /// `CONFIG_CMA_SIZE_MBYTES` in Debian's arm64 build.
  static let defaultCMASize: UInt64 = 64 << 20
  static let earlyAllocationsBeforeMemoryMap: UInt64 = 0x25000

  mutating func estimateKernelAllocations(_ events: inout [BootEvent]) -> [String] {
    let blocks = memoryBlocks()
    guard let top = blocks.max(by: { $0.range.end < $1.range.end }) else { return [] }
    let nodeMemory = blocks.filter { $0.node == top.node }.reduce(UInt64(0)) { $0 + $1.range.size }
    let before = memblock
    // Early page tables: one 8-byte entry per page of the linear map, 4 KiB at a time — unless
    // the linear map is made of blocks.
    // map_mem() maps memory that is not no-map (for_each_mem_range() skips MEMBLOCK_NOMAP).
    let mapped = blocks.filter { !$0.noMap }.reduce(UInt64(0)) { $0 + $1.range.size }
    consumePages((linearMapUsesPages ? mapped / page * 8 : 0) + Self.earlyAllocationsBeforeMemoryMap)
    // The highest node's memory map: sparse_init_nid()'s buffer, of which sparse_buffer_fini()
    // gives back what the struct page arrays do not use (with 4K pages, nothing); when it does
    // not fit, the arrays page by page.
    let layout = SparseMemoryLayout.arm64(request.pageSize)
    for buffer in SparseMemoryMap(memory: blocks, layout: layout).buffers where buffer.node == top.node {
      guard buffer.requested <= UInt128(UInt64.max) else { continue }
      let (requested, used) = (UInt64(buffer.requested), UInt64(buffer.used))
      let align = layout.sectionBufferSize
      if let base = memblock.allocate(size: requested, align: align, start: 0, end: UInt64.max, pageSize: page) {
        if requested > used { memblock.freeReserved(base + used, requested - used) }
      } else {
        consumePages(used)
      }
    }
    // 6.12 4K device-tree boots: the vmemmap page tables counted from the KASLR seed (one or two
    // pages), the rest 0x23000 plus 4 KiB per GiB; elsewhere 0x22000 plus 8 KiB per GiB, tables
    // included (calibrated on the common seed).
    if let tables = vmemmapTablePages612(blocks: blocks, topNode: top.node) {
      consumePages(0x23000 + 0x1000 * (nodeMemory >> 30) + tables * page)
    } else {
      consumePages(0x22000 + 0x2000 * (nodeMemory >> 30))
    }
    var notes = [
      "early page tables, memory map and kernel structures: "
        + "\(ByteCount.human(Self.reservedBytes(memblock, since: before)))"
    ]
    notes.append(contentsOf: reserveDefaultCMA(&events))
    notes.append(contentsOf: reserveCrashKernel(&events))
    return notes
  }

  /// `can_set_direct_map()` (arch/arm64/mm/pageattr.c): Debian builds arm64 with
  /// `CONFIG_RODATA_FULL_DEFAULT_ENABLED`, so `map_mem()` maps the linear map page by page — its
  /// page tables cost RAM/512 — unless `rodata=on` or `rodata=off` turns `rodata_full` off and
  /// the linear map is made of blocks (recorded on 6.1: every shared 6.1 boot ran with
  /// `rodata=on`, and arm64-kernels-example-61's default CMA area sits 4 MiB (2 GiB/512) higher
  /// than the page-by-page estimate).
  /// On 6.1 any `crashkernel` parameter forces pages too (`crashMemMapForcesPages61`).
  var linearMapUsesPages: Bool {
    if crashMemMapForcesPages61 { return true }
    guard let rodata = commandLine.parameters.last(where: { $0.isNamed("rodata") })?.value else { return true }
    return rodata != "on" && rodata != "off"
  }

  /// `arch_reserve_crashkernel()` on arm64: `crashkernel=` in every form, 2 MiB aligned, the
  /// low window ending at the DMA limit (4 GiB when RAM starts below it), the high one at the
  /// physical address limit.
  mutating func reserveCrashKernel(_ events: inout [BootEvent]) -> [String] {
    if request.kernel == .v6_1 { return reserveCrashkernel61(&events) }
    let systemRAM = memblock.memorySize
    guard
      let outcome = CrashKernelParameter.parse(
        commandLine.text, systemRAM: systemRAM, defaultLowSize: CrashKernelParameter.arm64DefaultLowSize)
    else { return [] }
    let placement = CrashKernelPlacement(
      alignment: 0x20_0000, lowLimit: dmaLimit, highLimit: 1 << physicalAddressBits, pageSize: page,
      defaultLowSize: CrashKernelParameter.arm64DefaultLowSize,
      estimateReason: "the crash kernel is placed after the kernel's early allocations; the address is a prediction")
    let (allocations, notes) = placement.reserve(outcome, in: &memblock, events: &events)
    kernelAllocations.append(contentsOf: allocations)
    return notes
  }

  /// `arm64_dma_phys_limit` as 6.12 sets it without DT `dma-ranges`: 4 GiB when RAM starts below
  /// it, else the end of RAM.
  var dmaLimit: UInt64 {
    let dramStart = memblock.startOfDRAM ?? 0
    let dramEnd = memblock.endOfDRAM ?? 0
    return dramStart < (1 << 32) ? min(dramEnd, 1 << 32) : dramEnd
  }

  /// Takes `bytes` in single pages from the top, as page-table allocations do (they fill holes).
  mutating func consumePages(_ bytes: UInt64) {
    memblock.allocatePages((bytes + page - 1) / page, pageSize: page)
  }

  static func reservedBytes(_ after: Memblock, since before: Memblock) -> UInt64 {
    Span.subtract(after.reserved.spans, before.reserved.spans).reduce(0) { $0 + ($1.end - $1.base) }
  }

  /// `dma_contiguous_reserve()`: the default CMA area (`cma=` or 64 MiB), unless a DT
  /// `linux,cma-default` region already is one or `cma=0`. Its limit is the DMA zone (4 GiB when
  /// RAM starts below 4 GiB).
  mutating func reserveDefaultCMA(_ events: inout [BootEvent]) -> [String] {
    guard !hasDefaultCMAArea else { return ["no default CMA area: a linux,cma-default region is one"] }
    let alignment = request.pageSize.cmaMinimumAlignment
    let requested = cmaCommandLineSize ?? Self.defaultCMASize
    guard requested != 0 else { return ["cma=0: no default CMA area"] }
    let size = Alignment.up(requested, alignment) ?? requested
    var limit = dmaLimit
    if cmaCommandLineLimit != 0 { limit = min(limit, cmaCommandLineLimit) }
    let base: UInt64?
    if cmaCommandLineBase != 0 {
      let fixed = cmaCommandLineBase
      base = memblock.isReserved(fixed, size) || !memblock.overlapsMemory(fixed, size) ? nil : fixed
      if let base { memblock.reserve(base, size) }
    } else {
      base = memblock.allocate(size: size, align: alignment, start: 0, end: limit, pageSize: page)
    }
    let reason =
      "the default CMA area is placed after the kernel's page tables and memory map; the address is a prediction"
    guard let base, let range = PhysicalRange(start: base, size: size) else {
      events.append(.kernelAllocation(.defaultCMAFailed(size: size)))
      kernelAllocations.append(
        Reservation(
          name: "cma", path: cmaCommandLineSize == nil ? "CONFIG_CMA_SIZE_MBYTES" : "cmdline", origin: .defaultCMA,
          requestedSize: size, alignment: alignment, reusable: true,
          status: .failed(
            reason:
              "no free \(ByteCount.human(size)) block aligned to \(ByteCount.human(alignment)) below "
              + "\(Hex.short(limit))"
          )))
      return []
    }
    events.append(.kernelAllocation(.defaultCMAReserved(base: base, size: size)))
    kernelAllocations.append(
      Reservation(
        name: "cma", path: cmaCommandLineSize == nil ? "CONFIG_CMA_SIZE_MBYTES" : "cmdline", origin: .defaultCMA,
        range: range, requestedSize: size, alignment: alignment, reusable: true, status: .estimated(reason: reason)))
    return ["default CMA area \(range)"]
  }

  /// How many 4 KiB page-table pages `vmemmap_populate()` (arch/arm64/mm/mmu.c, 6.12, 4K pages:
  /// 2 MiB PMD mappings) allocates for the highest node's memory map (tables the lower nodes'
  /// maps already made are not counted); where it lies depends on the KASLR seed. Linux 6.12
  /// (Debian: `CONFIG_ARM64_VA_BITS=52`, 48 bits in use on QEMU's cortex-a57):
  /// - `kaslr_early_init()` (arch/arm64/kernel/pi/kaslr_early.c): no seed when `nokaslr` is given;
  ///   `memstart_offset_seed = seed & U16_MAX` from `/chosen/kaslr-seed` (the A57 has no RNDR).
  /// - `arm64_memblock_init()` (arch/arm64/mm/init.c): `memstart_addr = round_down(start of DRAM,
  ///   1 GiB) - (_PAGE_OFFSET(48) - _PAGE_OFFSET(52))`, then minus `1 GiB * ((range * seed) >> 16)`,
  ///   range = (2^47 - 2^PARange) / 1 GiB, PARange 44 bits on the A57.
  /// - `vmemmap` (asm/memory.h) = `VMEMMAP_START - (memstart_addr >> PAGE_SHIFT)`, `VMEMMAP_END` =
  ///   -1 GiB: each section's 2 MiB `struct page` array needs a PMD table per 1 GiB of virtual
  ///   space and a PUD table per 512 GiB, except the top 512 GiB, whose PUD table the fixmap
  ///   already has.
  /// Recorded with memblock=debug (Tests/Fixtures/recorded/arm64-explore.jsonl, arm64-rec-0151 vs
  /// -0234, -0159, -0229, -0233): one `__earlyonly_bootmem_alloc` page with seed 0x…f5e4 (2G),
  /// two with 0x…5678, 0x…a1ac (3G), no seed and <1 2>.
  /// nil outside the case it was measured on (6.12, 4K pages, a device tree boot without the stub).
  func vmemmapTablePages612(blocks: [MemoryBlock], topNode: Int) -> UInt64? {
    guard request.kernel == .v6_12, request.pageSize == .size4K, request.efiMemoryMap == nil,
      board.chosen?.isFromEFIStub != true,
      let dramStart = blocks.min(by: { $0.range.start < $1.range.start })?.range.start
    else { return nil }
    let noKASLR = commandLine.parameters.contains { $0.isNamed("nokaslr") }
    let seed = noKASLR ? 0 : board.chosen?.kaslrSeed ?? 0
    let layout = SparseMemoryLayout.arm64(request.pageSize)
    let section = layout.sectionSize
    // Sorted, duplicate-free section and table numbers (no Set: its runtime type costs more at
    // startup than these few binary searches; Int arrays, which the runtime has prebuilt).
    let others = SparseMemoryMap(memory: blocks.filter { $0.node != topNode }, layout: layout).presentRuns
      .flatMap { Array($0) }.sortedUnique()
    let mine = SparseMemoryMap(memory: blocks.filter { $0.node == topNode }, layout: layout).presentRuns
      .flatMap { Array($0) }.filter { !others.sortedContains($0) }
    func tables(_ seed: UInt64, _ sections: [Int]) -> [Int] {
      let gib: UInt64 = 1 << 30
      let range: UInt64 = ((1 << 47) - (1 << 44)) / gib
      let k = (range * (seed & 0xffff)) >> 16
      let linearOffset = (dramStart / gib * gib) &- (0xf << 48) &- k * gib  // memstart_addr
      let vmemmapStart: UInt64 = 0xffff_c1ff_c000_0000  // -1 GiB - ((2^52 - 2^47) >> 6)
      // Two addresses per section, a PMD and maybe a PUD table each: sized once, not regrown.
      var out: [Int] = []
      out.reserveCapacity(sections.count * 4)
      func addTables(_ a: UInt64) {
        // The PMD table's number (below 2^34), and the PUD table's (below 2^25) tagged with bit 62.
        out.append(Int(a >> 30))
        if a >> 39 != UInt64.max >> 39 { out.append(1 << 62 | Int(a >> 39)) }
      }
      for s in sections {
        let va = vmemmapStart &+ ((UInt64(s) * section) &- linearOffset) / 64
        addTables(va)
        addTables(va &+ (section / 64) &- 1)
      }
      return out.sortedUnique()
    }
    let otherTables = tables(seed, others)
    return UInt64(tables(seed, mine).count(where: { !otherTables.sortedContains($0) }))
  }
}

extension [Int] {
  /// The values ascending, each once.
  fileprivate func sortedUnique() -> [Int] {
    var out = sorted()
    var kept = 0
    for i in out.indices where kept == 0 || out[kept - 1] != out[i] {
      out[kept] = out[i]
      kept += 1
    }
    out.removeLast(out.count - kept)
    return out
  }

  /// Whether an ascending array holds `value` (binary search).
  fileprivate func sortedContains(_ value: Int) -> Bool {
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      if self[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low < count && self[low] == value
  }
}
