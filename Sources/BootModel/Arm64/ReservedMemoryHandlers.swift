internal import MemoryModel

/// The `RESERVEDMEM_OF_DECLARE` handlers built into Debian's 6.12 arm64 kernel, in link order:
/// `shared-dma-pool` as CMA (kernel/dma/contiguous.c `rmem_cma_setup`) and then as a coherent
/// DMA pool (kernel/dma/coherent.c `rmem_dma_setup`). No other compatible has an early handler in
/// that build (restricted-dma-pool and the Tegra/QorIQ tables are configured out), so any other
/// region is simply kept.
extension Arm64BootState {
  static let sharedDMAPool = "shared-dma-pool"

  /// `CONFIG_CMA_AREAS` in Debian's arm64 build.
  static let cmaAreaSlots = 20

  /// Why a handler refused a region, and the reason in words.
  typealias HandlerFailure = (cause: Reservation.SetupFailure, reason: String)

  /// `__reserved_mem_init_node()`: nil on success (or when no handler matches, which the kernel
  /// also treats as success); otherwise what failed.
  mutating func initialiseHandlers(
    _ record: ReservedMemoryRecord, _ child: ReservedRegionNode, _ events: inout [BootEvent]
  ) -> HandlerFailure? {
    guard child.isSharedDMAPool else { return nil }
    // Handler 1: CMA; a reusable region it refuses, handler 2 refuses too.
    switch setUpCMA(record, child, &events) {
    case .created:
      events.append(.reservedMemory(.handlerInitialised(record.region.node, compatible: Self.sharedDMAPool)))
      return nil
    case .refused(let failure):
      if child.reusable { return failure }
    case .notCMA:
      break
    }
    // Handler 2: coherent pool.
    events.append(.reservedMemory(.poolCreated(.dma, base: record.base, size: record.size)))
    events.append(.reservedMemory(.handlerInitialised(record.region.node, compatible: Self.sharedDMAPool)))
    return nil
  }

  enum CMASetup {
    case created
    case refused(HandlerFailure)
    /// Not a CMA region (not `reusable`): the coherent-pool handler is next.
    case notCMA
  }

  /// `rmem_cma_setup()` (6.12).
  mutating func setUpCMA(_ record: ReservedMemoryRecord, _ child: ReservedRegionNode, _ events: inout [BootEvent])
    -> CMASetup
  {
    if cmaCommandLineSize != nil && child.cmaDefault {
      events.append(.reservedMemory(.cmaRefused(record.region.node, .cmaBypassed)))
      return .refused((.cmaBypassed, "linux,cma-default is bypassed because cma= is on the command line"))
    }
    guard child.reusable else { return .notCMA }
    guard !child.noMap else {
      events.append(.reservedMemory(.cmaRefused(record.region.node, .reusableWithNoMap)))
      return .refused(
        (.reusableWithNoMap, "reusable together with no-map: neither the CMA nor the DMA pool handler accepts it"))
    }
    let minimum = request.pageSize.cmaMinimumAlignment
    guard (record.base | record.size) & (minimum - 1) == 0 else {
      events.append(.reservedMemory(.cmaRefused(record.region.node, .cmaMisaligned)))
      return .refused(
        (
          .cmaMisaligned,
          "CMA needs base and size aligned to \(ByteCount.human(minimum)) (got base \(Hex.short(record.base)), size "
            + "\(Hex.short(record.size)))"
        ))
    }
    // cma_init_reserved_mem(): slots, a non-empty reserved range.
    guard cmaAreas < Self.cmaAreaSlots else {
      events.append(.reservedMemory(.cmaRefused(record.region.node, .cmaSlotsFull)))
      return .refused((.cmaSlotsFull, "all \(Self.cmaAreaSlots) CMA areas are in use"))
    }
    guard record.size != 0, memblock.isReserved(record.base, record.size) else {
      events.append(.reservedMemory(.cmaRefused(record.region.node, .cmaNotReserved)))
      return .refused((.cmaNotReserved, "the CMA region is not reserved memory"))
    }
    cmaAreas += 1
    if child.cmaDefault { hasDefaultCMAArea = true }
    events.append(.reservedMemory(.poolCreated(.cma, base: record.base, size: record.size)))
    return .created
  }
}
