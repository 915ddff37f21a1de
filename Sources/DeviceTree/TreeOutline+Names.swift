#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

extension TreeOutline {
  /// The strings block, where property names are.
  ///
  /// libfdt's `fdt_get_string()` accepts a name offset below `size_dt_strings` with a NUL
  /// between it and the block's end. Such a NUL exists exactly when the offset is at or before
  /// the block's last NUL, so the test is one comparison with `limit`, found once.
  struct Names {
    let strings: UnsafeRawPointer
    let size: Int
    /// One past the block's last NUL (0 when it has none): the offsets below start a name.
    let limit: Int

    init(strings: UnsafeRawPointer, size: Int) {
      self.strings = strings
      self.size = size
      var limit = size
      while limit > 0 && strings.load(fromByteOffset: limit &- 1, as: UInt8.self) != 0 { limit &-= 1 }
      self.limit = limit
    }

    /// Whether a property name at `offset` passes `fdt_get_string()`'s test.
    @inline(__always)
    func startsName(_ offset: Int) -> Bool { offset < limit }

    /// The length of the name at `offset`, which `startsName(_:)`.
    @inline(__always)
    func length(at offset: Int) -> Int {
      // The NUL that `limit` promises ends the scan at the latest.
      (TreeOutline.nul(in: strings, from: offset, to: limit) ?? limit) &- offset
    }

    /// Whether the name at `offset` (which `startsName(_:)`) is `device_type` or `compatible`,
    /// the names the root-children scan looks for.
    @inline(__always)
    func isMemoryFact(_ offset: Int) -> Bool {
      switch strings.load(fromByteOffset: offset, as: UInt8.self) {
      case UInt8(ascii: "d"): return isName("device_type", at: offset)
      case UInt8(ascii: "c"): return isName("compatible", at: offset)
      default: return false
      }
    }

    /// Whether `name` and its NUL are at `offset`.
    @inline(__always)
    private func isName(_ name: StaticString, at offset: Int) -> Bool {
      let count = name.utf8CodeUnitCount
      guard offset &+ count < limit else { return false }
      return strings.load(fromByteOffset: offset &+ count, as: UInt8.self) == 0
        && memcmp(strings + offset, name.utf8Start, count) == 0
    }
  }
}
