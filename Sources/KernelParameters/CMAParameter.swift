internal import MemoryModel

/// `cma=SIZE[@BASE[-LIMIT]]` (kernel/dma/contiguous.c `early_cma()`, Linux 6.12): the size of
/// the default CMA area, optionally a fixed base and an upper limit. Like the kernel, it never
/// refuses a value: numbers are read with `memparse()` and reading stops at the first character
/// that does not fit; a base without a limit gets `base + size`. Placement is the boot model's.
/// Base and limit are nil when the value has no `@`: the kernel then leaves what an earlier
/// `cma=` set.
public struct CMAParameter: Hashable, Sendable {
  public var size: UInt64
  public var base: UInt64?
  public var limit: UInt64?

  public init(size: UInt64, base: UInt64? = nil, limit: UInt64? = nil) {
    self.size = size
    self.base = base
    self.limit = limit
  }

  /// The value after `cma=` as the kernel reads it.
  public init(parsing value: String) {
    let bytes = Array(value.utf8)
    let size = MemParse.memparse(bytes)
    self.init(size: size.value)
    guard MemParse.byte(bytes, size.end) == UInt8(ascii: "@") else { return }
    let base = MemParse.memparse(bytes, from: size.end + 1)
    self.base = base.value
    if MemParse.byte(bytes, base.end) == UInt8(ascii: "-") {
      limit = MemParse.memparse(bytes, from: base.end + 1).value
    } else {
      limit = base.value &+ size.value
    }
  }
}
