internal import KernelParameters
internal import MemoryModel

extension Arm64BootState {
  /// `reserve_crashkernel()` (arch/arm64/mm/init.c, Linux 6.1), arm64's own before 6.12's
  /// generic `reserve_crashkernel_generic()`:
  /// - `parse_crashkernel()` has no "not below the memory size" check: `crashkernel=3G` on 2 GiB
  ///   is tried and fails (arm64-61-rec-0079);
  /// - one `memblock_phys_alloc_range(size, 2 MiB, base, max)`: `[0, DMA limit)` for the plain
  ///   and ranges forms, `[0, PHYS_MASK + 1)` for `,high` (top-down, so RAM's top first), exactly
  ///   `[base, base + size)` for `@base` — and no second try above the DMA limit (that fallback
  ///   came with 6.2; from the source, not recorded: QEMU `virt` here has no RAM above 4 GiB);
  /// - every failure, a taken fixed base too, prints `cannot allocate crashkernel (size:…)`
  ///   (arm64-61-rec-0074, 0080; 6.12: `crashkernel reservation failed - memory is in use.`);
  /// - a reservation at or above the DMA limit takes `crashkernel=…,low` (default 128 MiB) below it.
  /// `,low` alone reserves nothing (arm64-61-rec-0077). The address follows the kernel's early
  /// allocations, so it is a prediction, exact in the recorded boots.
  mutating func reserveCrashkernel61(_ events: inout [BootEvent]) -> [String] {
    guard
      let outcome = CrashKernelParameter.parse(
        commandLine.text, systemRAM: memblock.memorySize, defaultLowSize: CrashKernelParameter.arm64DefaultLowSize,
        refusesSizeOfAllMemory: false)
    else { return [] }
    events.append(contentsOf: outcome.complaints.map { .parameter(.crashKernel($0)) })
    let reason = "the crash kernel is placed after the kernel's early allocations; the address is a prediction"
    let alignment: UInt64 = 0x20_0000
    guard let wanted = outcome.request else {
      let nothing = CrashKernelPlacement.nothingToReserve(outcome)
      kernelAllocations.append(nothing.reservation)
      return [nothing.note]
    }
    let size = Alignment.up(wanted.size, page) ?? wanted.size
    let lowLimit = dmaLimit
    var window: (start: UInt64, end: UInt64) = (0, wanted.form == .high ? 1 << physicalAddressBits : lowLimit)
    if let base = wanted.base { window = (base, base &+ size) }
    func failed(_ why: String) -> [String] {
      kernelAllocations.append(
        Reservation(
          name: "crashkernel", path: "cmdline", origin: .crashKernel, requestedSize: size, alignment: alignment,
          status: .failed(reason: why)))
      return ["\(wanted.text): \(why)"]
    }
    guard
      let base = memblock.allocate(size: size, align: alignment, start: window.start, end: window.end, pageSize: page)
    else {
      events.append(.kernelAllocation(.crashKernelFailed(size: size)))
      return failed(
        "[\(Hex.short(window.start)), \(Hex.short(window.end))) holds no free, 2 MiB-aligned "
          + "\(ByteCount.human(size)) of memory (6.1 tries one window)")
    }
    let placement = CrashKernelPlacement(
      alignment: alignment, lowLimit: lowLimit, highLimit: 1 << physicalAddressBits, pageSize: page,
      defaultLowSize: CrashKernelParameter.arm64DefaultLowSize, estimateReason: reason)
    let lowSize = wanted.form == .high ? wanted.lowSize : 0
    let recorded = placement.recordReservation(at: base, size: size, lowSize: lowSize, in: &memblock, events: &events)
    if let why = recorded.lowPartFailure { return failed(why) }
    kernelAllocations.append(contentsOf: recorded.allocations)
    return ["\(wanted.text): \(ByteCount.human(size))", "crash kernel at \(Hex.short(base)) (predicted)"]
  }
}
