/// The boot models dtmem knows, each following the kernel version its request names
/// (`BootRequest.kernel`) as Debian builds it.
public enum Architecture: String, Hashable, Sendable, CaseIterable {
  /// x86-64: firmware e820 → `memmap=`/`mem=` edits → sanitize (arch/x86/kernel/e820.c).
  case x86
  /// arm64: DT memory → early parameters → reservations → /reserved-memory → late parameters.
  case arm64
}

/// The kernel's base page size, which decides memory trimming and CMA alignment on arm64.
public enum PageSize: UInt64, Hashable, Sendable, CaseIterable {
  case size4K = 0x1000
  case size16K = 0x4000
  case size64K = 0x10000

  public var bytes: UInt64 { rawValue }

  /// `CMA_MIN_ALIGNMENT_BYTES` = `PAGE_SIZE << pageblock_order` (arm64, hugetlb enabled):
  /// the PMD size — 2 MiB, 32 MiB, 512 MiB.
  public var cmaMinimumAlignment: UInt64 {
    switch self {
    case .size4K: 0x20_0000
    case .size16K: 0x200_0000
    case .size64K: 0x2000_0000
    }
  }
}
