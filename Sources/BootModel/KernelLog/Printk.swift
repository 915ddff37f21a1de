internal import MemoryModel

/// printk conversions the kernel's memory code uses.
enum KernelFormat {
  /// `%pa` / `%pap` on a 64-bit phys_addr_t: `0x` and 16 hex digits.
  static func pa(_ value: UInt64) -> String { Hex.padded(value) }
  /// `0x%llx`.
  static func llx(_ value: UInt64) -> String { Hex.short(value) }
  /// `%lu MiB` of a size (truncated).
  static func mib(_ size: UInt64) -> String { "\(size / 0x10_0000) MiB" }
}
