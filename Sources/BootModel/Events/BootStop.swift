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
  }

  public var cause: Cause

  public init(_ cause: Cause) { self.cause = cause }

  public var kind: Kind {
    switch cause {
    case .reservedMemoryArrayOverflow, .invalidUserMemoryMap: .panic
    case .rangeUpdateToSameType: .bug
    }
  }
}
