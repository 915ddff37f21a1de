internal import KernelParameters
internal import MemoryModel

/// `reserve_crashkernel_generic()` (kernel/crash_reserve.c, Linux 6.12), shared by x86 and
/// arm64 with each architecture's constants: try the low window top-down, fall back to the high
/// one (or the other way round for `,high`), reserve the low part a high reservation needs, and
/// refuse a fixed base that is taken.
struct CrashKernelPlacement {
  /// `CRASH_ALIGN`.
  var alignment: UInt64
  /// `CRASH_ADDR_LOW_MAX` (x86: 4 GiB; arm64: the DMA limit).
  var lowLimit: UInt64
  /// `CRASH_ADDR_HIGH_MAX`.
  var highLimit: UInt64
  var pageSize: UInt64
  /// `DEFAULT_CRASH_KERNEL_LOW_SIZE`: low memory a reservation placed high takes as well.
  var defaultLowSize: UInt64
  /// Why the addresses are predictions on this architecture.
  var estimateReason: String

  /// Places the request `parse_crashkernel()` produced. Returns the kernel-owned allocations
  /// (estimated, or failed with the reason) and notes for `--explain`; what happened goes to `events`.
  func reserve(
    _ outcome: CrashKernelParameter.Outcome, in memblock: inout Memblock, events: inout [BootEvent]
  ) -> (allocations: [Reservation], notes: [String]) {
    events.append(contentsOf: outcome.complaints.map { .parameter(.crashKernel($0)) })
    guard let request = outcome.request else {
      let nothing = Self.nothingToReserve(outcome)
      return ([nothing.reservation], [nothing.note])
    }
    var notes = ["\(request.text): \(ByteCount.human(request.size))"]
    func failed(_ why: String) -> Reservation {
      Reservation(
        name: "crashkernel", path: "cmdline", origin: .crashKernel, requestedSize: request.size, alignment: alignment,
        status: .failed(reason: why))
    }
    let high = request.form == .high
    var window: (start: UInt64, end: UInt64) = high ? (lowLimit, highLimit) : (0, lowLimit)
    var lowSize = request.lowSize
    if let base = request.base { window = (base, base &+ request.size) }
    var placed: UInt64? = nil
    var triedOther = false
    while placed == nil {
      placed = memblock.allocate(
        size: request.size, align: alignment, start: window.start, end: window.end, pageSize: pageSize)
      if placed != nil { break }
      if request.base != nil {
        events.append(.kernelAllocation(.crashKernelBaseInUse))
        let why =
          "[\(Hex.short(window.start)), \(Hex.short(window.end))) holds no free, \(ByteCount.human(alignment))-aligned "
          + "\(ByteCount.human(request.size)) of memory"
        return ([failed(why)], notes + ["the fixed base cannot be used"])
      }
      guard !triedOther else {
        events.append(.kernelAllocation(.crashKernelFailed(size: request.size)))
        let why =
          "no free, \(ByteCount.human(alignment))-aligned \(ByteCount.human(request.size)) of memory below "
          + "\(Hex.short(highLimit))"
        return ([failed(why)], notes + ["no room"])
      }
      // A plain request falls back above the low window (and then needs low memory too); a
      // `,high` request falls back below it.
      triedOther = true
      if high {
        window = (0, lowLimit)
      } else {
        window = (lowLimit, highLimit)
        lowSize = defaultLowSize
      }
    }
    let base = placed!
    let recorded = recordReservation(at: base, size: request.size, lowSize: lowSize, in: &memblock, events: &events)
    if let why = recorded.lowPartFailure { return ([failed(why)], notes + ["no room for the low part"]) }
    notes.append("crash kernel at \(Hex.short(base)) (predicted)")
    return (recorded.allocations, notes)
  }

  /// A parameter that asks for nothing (`,low` alone) or that `parse_crashkernel()` refused: the
  /// failed reservation every version reports, and its note.
  static func nothingToReserve(_ outcome: CrashKernelParameter.Outcome) -> (reservation: Reservation, note: String) {
    let why = outcome.refusal ?? "nothing to reserve"
    return (
      Reservation(
        name: "crashkernel", path: "cmdline", origin: .crashKernel,
        status: .failed(reason: "the kernel reserves nothing: \(why)")),
      "nothing reserved: \(why)"
    )
  }

  /// What every version does once the reservation sits at `base`: a reservation at or above
  /// `lowLimit` takes `lowSize` below it as well (top-down; when that does not fit, the main one is
  /// freed and the reason returned), then the kernel-owned allocations, estimated.
  func recordReservation(
    at base: UInt64, size: UInt64, lowSize: UInt64, in memblock: inout Memblock, events: inout [BootEvent]
  ) -> (allocations: [Reservation], lowPartFailure: String?) {
    var allocations: [Reservation] = []
    if base >= lowLimit && lowSize != 0 {
      guard let low = memblock.allocate(size: lowSize, align: alignment, start: 0, end: lowLimit, pageSize: pageSize)
      else {
        events.append(.kernelAllocation(.crashKernelLowFailed(size: lowSize)))
        memblock.freeReserved(base, size)
        return ([], "the \(ByteCount.human(lowSize)) of low memory it needs below \(Hex.short(lowLimit)) do not fit")
      }
      events.append(.kernelAllocation(.crashKernelLowReserved(base: low, size: lowSize)))
      allocations.append(
        Reservation(
          name: "crashkernel (low)", path: "cmdline", origin: .crashKernel,
          range: PhysicalRange(start: low, size: lowSize),
          requestedSize: lowSize, alignment: alignment, status: .estimated(reason: estimateReason)))
    }
    events.append(.kernelAllocation(.crashKernelReserved(base: base, size: size, systemRAM: memblock.memorySize)))
    allocations.append(
      Reservation(
        name: "crashkernel", path: "cmdline", origin: .crashKernel, range: PhysicalRange(start: base, size: size),
        requestedSize: size, alignment: alignment, status: .estimated(reason: estimateReason)))
    return (allocations, nil)
  }
}
