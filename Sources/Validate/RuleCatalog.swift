/// Every rule, in the order findings are reported: the blob, memory, /reserved-memory format and
/// properties, what the kernel refuses or fails, overlaps and fit, /chosen, the command line.
public enum RuleCatalog {
  public static let all: [any Rule] = [
    BlobTooLarge(),
    KernelPanic(),
    RootCellsMissing(),
    MemoryMissing(),
    MemoryRegMalformed(),
    MemoryUnaligned(),
    MemoryOverlap(),
    MemoryOutOfReach(),
    NumaIgnored(),
    MemorySectionHole(),
    PmemUnaligned(),
    PmemOverMemory(),
    UnitAddressMismatch(),
    ReservedMemoryUnsupported(),
    ReservedRegMalformed(),
    ReservedSizeMalformed(),
    ReservedAlignmentMalformed(),
    ReservedAllocRangesMalformed(),
    ReservedAlignmentNotPowerOfTwo(),
    ReservedSizeZero(),
    ReservedEmptyNode(),
    ReservedMultipleReg(),
    ReservedNoMapRefused(),
    ReservedAllocFailed(),
    ReservedCMAAlignment(),
    ReservedNoMapReusable(),
    ReservedSetupFailed(),
    ReservedTooMany(),
    ReservedOverlap(),
    ReservedOutsideMemory(),
    InitrdInvalid(),
    InitrdOutsideMemory(),
    UsableRangeOutsideMemory(),
    ElfcorehdrOverlapped(),
    CmdlineTooLong(),
    CmdlineMemmapIgnored(),
    CmdlineMemmapAsMem(),
    CmdlineMemMeaning(),
    CmdlineReserveMemInvalid(),
  ]

  /// The rule with `id`, if any.
  public static func rule(_ id: String) -> (any Rule)? { all.first { $0.id == id } }
}
