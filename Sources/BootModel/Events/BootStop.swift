public import MemoryModel

/// Where and why the kernel stops during the modelled steps.
public struct BootStop: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    /// `panic()`: "Kernel panic - not syncing: …".
    case panic
    /// `BUG()`: "kernel BUG at FILE:LINE!".
    case bug
  }

  public enum Cause: Hashable, Sendable {
    /// arm64 6.12: more dynamic `/reserved-memory` children than `fdt_scan_reserved_mem()`'s
    /// 64-entry stack array holds; the stack protector panics.
    case reservedMemoryArrayOverflow(dynamicChildren: Int)
    /// x86: the user-defined table cannot be sanitized (`e820__finish_early_params()`).
    case invalidUserMemoryMap(E820Table.SanitizeFailure)
    /// x86: `memmap=…%…-T+T` retypes a type to itself: `BUG_ON()` in `__e820__range_update()`.
    case rangeUpdateToSameType(RegionKind)
    /// x86: no free memory below 1 MiB for the real-mode trampoline (`reserve_real_mode()`);
    /// `init_real_mode()`, an early initcall, panics (recorded: x86-fix-trampoline-*).
    case realModeTrampolineNotAllocated
    /// x86: no usable RAM above 1 MiB for the first page tables: `alloc_low_pages()` panics.
    case lowPagesUnavailable
    /// x86, Debian's 6.12 (CONFIG_FORTIFY_SOURCE): a command line of `COMMAND_LINE_SIZE` bytes or
    /// more overflows a fortified `strlen()` in `start_kernel()`: BUG (recorded: x86-rec-0287).
    case commandLineOverflow
  }

  public var cause: Cause

  public init(_ cause: Cause) { self.cause = cause }

  /// Whether the kernel stops after it has built its memory map (later in `setup_arch()` or in
  /// an initcall): the map is complete, and the boot still fails.
  public var isAfterMemoryMap: Bool {
    switch cause {
    case .realModeTrampolineNotAllocated, .lowPagesUnavailable, .commandLineOverflow: true
    case .reservedMemoryArrayOverflow, .invalidUserMemoryMap, .rangeUpdateToSameType: false
    }
  }

  public var kind: Kind {
    switch cause {
    case .reservedMemoryArrayOverflow, .invalidUserMemoryMap, .realModeTrampolineNotAllocated, .lowPagesUnavailable:
      .panic
    case .rangeUpdateToSameType, .commandLineOverflow: .bug
    }
  }
}
