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
/// boots with one and for 86 of 93 `reserve_mem=` placements; other kernels and machines differ by
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
    consumePages(0x22000 + 0x2000 * (nodeMemory >> 30))
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
}
