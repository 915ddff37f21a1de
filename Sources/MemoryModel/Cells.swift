/// One `(address, size)` pair as a device tree property encodes it. Raw: the sum may run past
/// 2^64 (the kernel clamps or wraps depending on the caller), so `range` is failable.
public struct RegTuple: Hashable, Sendable, CustomStringConvertible {
  public var address: UInt64
  public var size: UInt64

  public init(address: UInt64, size: UInt64) {
    self.address = address
    self.size = size
  }

  /// The range, or nil when `address + size` runs past 2^64.
  public var range: PhysicalRange? { PhysicalRange(start: address, size: size) }

  /// The range as the kernel takes it: cut to end at 2^64 - 1 (`memblock_cap_size()`).
  public var cappedRange: PhysicalRange { PhysicalRange(start: address, cappedSize: size) }

  public var description: String { "<\(Hex.short(address)) \(Hex.short(size))>" }
}

/// How many 32-bit cells an address and a size take (`#address-cells`, `#size-cells`).
public struct CellCounts: Hashable, Sendable, CustomStringConvertible {
  public var address: UInt32
  public var size: UInt32

  public init(address: UInt32, size: UInt32) {
    self.address = address
    self.size = size
  }

  /// What Linux assumes when the root node lacks the properties: 1 and 1
  /// (drivers/of/of_private.h `OF_ROOT_NODE_*_CELLS_DEFAULT`; 2 only on SPARC). The devicetree
  /// specification and dtc assume 2 and 1; where they disagree, the kernel's reading is the one
  /// that decides what memory Linux gets.
  public static let kernelRootDefault = CellCounts(address: 1, size: 1)

  /// The cells of a reserved region's `alignment`: Linux 6.12 reads it with `#address-cells`
  /// (`__reserved_mem_alloc_size()`), though the binding says `#size-cells`.
  public var alignmentCells: UInt32 { address }

  /// Bytes of one `(address, size)` tuple.
  public var tupleBytes: Int { Int(address + size) * 4 }

  public var description: String { "<\(address) \(size)>" }
}

/// A list of `(address, size)` tuples decoded from a property, keeping what did not decode:
/// the kernel reads whole tuples and (6.12) ignores a trailing partial one, while validation
/// wants to say the property is malformed.
public struct RegList: Hashable, Sendable {
  public var tuples: [RegTuple]
  /// The property's length in bytes.
  public var byteLength: Int
  /// The tuple size the property was decoded with, in bytes.
  public var tupleBytes: Int

  public init(tuples: [RegTuple], byteLength: Int, tupleBytes: Int) {
    self.tuples = tuples
    self.byteLength = byteLength
    self.tupleBytes = tupleBytes
  }

  /// The length is a whole number of tuples (an empty property is well formed and empty).
  public var isWellFormed: Bool { tupleBytes > 0 && byteLength % tupleBytes == 0 }

  /// The ranges of the tuples with a size, capped like the kernel caps them.
  public var nonEmptyRanges: [PhysicalRange] { tuples.compactMap { $0.size == 0 ? nil : $0.cappedRange } }
}

/// A single number decoded from a property that should hold exactly `expectedBytes` bytes.
public struct CellValue: Hashable, Sendable {
  /// The property's length in bytes.
  public var byteLength: Int
  /// The length the kernel requires.
  public var expectedBytes: Int
  /// The value when the length is right; nil otherwise (the kernel then rejects the node).
  public var value: UInt64?

  public init(byteLength: Int, expectedBytes: Int, value: UInt64?) {
    self.byteLength = byteLength
    self.expectedBytes = expectedBytes
    self.value = value
  }
}
