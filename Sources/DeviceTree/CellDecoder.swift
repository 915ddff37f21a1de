public import MemoryModel

/// Big-endian cell decoding with the kernel's rules (`of_read_number`, `dt_mem_next_cell`).
/// Each reading works on bytes in place (a property's value in the blob); the `[UInt8]` forms
/// are the same readings.
public enum CellDecoder {
  /// `of_read_number(cells, count)`: the big-endian number in `count` cells from byte `offset`,
  /// keeping the low 64 bits when more than two cells are given (as the kernel's u64 does).
  /// The caller guarantees `offset + 4 * count <= bytes.count`.
  public static func number(_ bytes: [UInt8], at offset: Int, cells count: Int) -> UInt64 {
    precondition(offset >= 0 && count >= 0 && offset + 4 * count <= bytes.count, "cells past the end of the value")
    return bytes.withUnsafeBytes { number($0, at: offset, cells: count) }
  }

  /// `number` on bytes in place; the caller guarantees `offset + 4 * count <= bytes.count`.
  @inline(__always)
  static func number(_ bytes: UnsafeRawBufferPointer, at offset: Int, cells count: Int) -> UInt64 {
    var value: UInt64 = 0
    var index = offset
    for _ in 0..<count {
      value = value << 32 | UInt64(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)))
      index += 4
    }
    return value
  }

  /// Every whole `(address, size)` tuple in `bytes`, plus what did not fit.
  public static func tuples(_ bytes: [UInt8], cells: CellCounts) -> RegList {
    bytes.withUnsafeBytes { tuples($0, cells: cells) }
  }

  static func tuples(_ bytes: UnsafeRawBufferPointer, cells: CellCounts) -> RegList {
    let tupleBytes = cells.tupleBytes
    var tuples: [RegTuple] = []
    if tupleBytes > 0 {
      tuples.reserveCapacity(bytes.count / tupleBytes)
      var offset = 0
      while offset + tupleBytes <= bytes.count {
        let address = number(bytes, at: offset, cells: Int(cells.address))
        let size = number(bytes, at: offset + Int(cells.address) * 4, cells: Int(cells.size))
        tuples.append(RegTuple(address: address, size: size))
        offset += tupleBytes
      }
    }
    return RegList(tuples: tuples, byteLength: bytes.count, tupleBytes: tupleBytes)
  }

  /// A number that must take exactly `cells` cells.
  public static func value(_ bytes: [UInt8], cells: UInt32) -> CellValue {
    bytes.withUnsafeBytes { value($0, cells: cells) }
  }

  static func value(_ bytes: UnsafeRawBufferPointer, cells: UInt32) -> CellValue {
    let expected = Int(cells) * 4
    let value = bytes.count == expected ? number(bytes, at: 0, cells: Int(cells)) : nil
    return CellValue(byteLength: bytes.count, expectedBytes: expected, value: value)
  }

  /// A number of whatever width the property has (`of_read_number(prop, len / 4)`), as the
  /// kernel reads `linux,initrd-start`/`-end` (1 or 2 cells whatever the root says).
  public static func flexibleNumber(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { number($0, at: 0, cells: $0.count / 4) }
  }
}
