internal import KernelParameters
internal import MemoryModel

extension X86BootState {
  /// `reserve_crashkernel()` (arch/x86/kernel/setup.c, Linux 6.1), x86's own before 6.12's
  /// generic `reserve_crashkernel_generic()`:
  /// - `parse_crashkernel()` has no "not below the memory size" check: `crashkernel=2G` on 1 GiB
  ///   is tried and fails with `crashkernel reservation failed - No suitable area found.`
  ///   (x86-61-rec-0015; 6.12 reserves nothing and says nothing);
  /// - a fixed base (`@base`) needs only 1 MiB alignment (`memblock_phys_alloc_range(size, SZ_1M,
  ///   base, base + size)`): `crashkernel=64M@0x10100000` is reserved at 257 MB (x86-61-rec-0010;
  ///   6.12 asks for CRASH_ALIGN, 16 MiB, and refuses it);
  /// - the plain form tries `[16 MiB, 4 GiB)` and then `[16 MiB, 64 TiB)`; `,high` only the latter;
  ///   a reservation at or above 4 GiB takes `crashkernel=…,low` (default 256 MiB) below 4 GiB
  ///   (x86-61-rec-0011, 0012).
  /// `outcome`: `parse_crashkernel()` without the size check (`refusesSizeOfAllMemory: false`).
  mutating func reserveCrashkernel61(_ outcome: CrashKernelParameter.Outcome, _ events: inout [BootEvent]) -> [String] {
    events.append(contentsOf: outcome.complaints.map { .parameter(.crashKernel($0)) })
    guard let wanted = outcome.request else {
      let nothing = CrashKernelPlacement.nothingToReserve(outcome)
      kernelAllocations.append(nothing.reservation)
      return [nothing.note]
    }
    let size = wanted.size
    func failed(_ why: String) -> [String] {
      kernelAllocations.append(
        Reservation(
          name: "crashkernel", path: "cmdline", origin: .crashKernel, requestedSize: size,
          alignment: Self.crashAlignment, status: .failed(reason: why)))
      return ["\(wanted.text): \(why)"]
    }
    let base: UInt64
    if let fixed = wanted.base {
      guard
        memblock.allocate(size: size, align: 1 << 20, start: fixed, end: fixed &+ size, pageSize: Self.pageSize)
          == fixed
      else {
        events.append(.kernelAllocation(.crashKernelBaseInUse))
        return failed("[\(Hex.short(fixed)), \(Hex.short(fixed &+ size))) is not free memory")
      }
      base = fixed
    } else {
      var placed: UInt64? = nil
      if wanted.form != .high {
        placed = memblock.allocate(
          size: size, align: Self.crashAlignment, start: Self.crashAlignment, end: Self.crashLowLimit,
          pageSize: Self.pageSize)
      }
      if placed == nil {
        placed = memblock.allocate(
          size: size, align: Self.crashAlignment, start: Self.crashAlignment, end: Self.crashHighLimit,
          pageSize: Self.pageSize)
      }
      guard let placed else {
        events.append(.kernelAllocation(.crashKernelFailed(size: size)))
        return failed("no free, 16 MiB-aligned \(ByteCount.human(size)) of memory")
      }
      base = placed
    }
    let lowSize = wanted.form == .high ? wanted.lowSize : CrashKernelParameter.defaultLowSize
    let recorded = Self.crashKernelPlacement.recordReservation(
      at: base, size: size, lowSize: lowSize, in: &memblock, events: &events)
    if let why = recorded.lowPartFailure { return failed(why) }
    kernelAllocations.append(contentsOf: recorded.allocations)
    return ["\(wanted.text): \(ByteCount.human(size))", "crash kernel at \(Hex.short(base)) (predicted)"]
  }
}
