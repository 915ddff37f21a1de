internal import CLibFDT
internal import MemoryModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The walk's reads of single tags: `fdt_next_tag()`'s checks, each bounded by the structure
/// block of `size` bytes at `block`, with libfdt's errors.
extension TreeOutline {
  /// The FDT_PROP at `offset` (its tag read): its value's length, its name's offset in the
  /// strings block and the name's length.
  @inline(__always)
  static func property(at offset: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names) throws(FDTError)
    -> (length: Int, nameOffset: Int, nameLength: Int)
  {
    // Tag, length and name offset: one 12-byte read.
    guard offset &+ 12 <= size else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
    let length = Int(UInt32(bigEndian: (block + offset).loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
    let nameOffset = Int(UInt32(bigEndian: (block + offset).loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
    try checkProperty(at: offset, length: length, nameOffset: nameOffset, size, names)
    return (length, nameOffset, names.length(at: nameOffset))
  }

  /// A property's checks, in libfdt's order: its value inside the block, then its name
  /// (`fdt_get_string()`'s test, kept inside the strings block: libfdt bounds a version-16 name
  /// by totalsize only; the block is inside totalsize, BlobHeader, so libfdt's own call would
  /// only repeat it).
  @inline(__always)
  static func checkProperty(at offset: Int, length: Int, nameOffset: Int, _ size: Int, _ names: Names)
    throws(FDTError)
  {
    guard offset &+ 12 &+ length <= size else {
      throw .badStructure(
        offset: Int32(offset),
        reason: "a property of length \(Hex.short(UInt64(length))) runs past the end of the structure block")
    }
    guard names.startsName(nameOffset) else {
      throw .badStructure(offset: Int32(offset), reason: "a property name outside the strings block or without its NUL")
    }
  }

  /// Reads a run of properties that are not recorded, from the FDT_PROP at `start`, each checked
  /// as `property(at:)` checks it: the offset of the next tag that is not FDT_PROP, that tag, and
  /// whether one of the names is `device_type` or `compatible`.
  /// (A function of its own: the loop keeps its few values in registers.)
  @inline(never)
  static func skipProperties(from start: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names)
    throws(FDTError) -> (offset: Int, tag: UInt32, memoryFact: Bool)
  {
    try propertyRun(from: start, block, size, names, marking: true)
  }

  /// `skipProperties`, inlined where `marking` is constant: without it, the names are only
  /// checked.
  @inline(__always)
  static func propertyRun(from start: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names, marking: Bool)
    throws(FDTError) -> (offset: Int, tag: UInt32, memoryFact: Bool)
  {
    guard start &+ 12 <= size else { throw failure(-FDT_ERR_TRUNCATED, at: start) }
    var offset = start
    var memoryFact = false
    while true {
      let length = Int(UInt32(bigEndian: (block + offset).loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
      let nameOffset = Int(UInt32(bigEndian: (block + offset).loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
      let next = (offset &+ 12 &+ length &+ 3) & ~3
      // One bound for the value and for the next tag and, if it is a property, its length and
      // name offset (the value ends at or before `next`); only a property among the block's
      // last 12 bytes, or a bad one, needs the tests apart.
      guard next &+ 12 <= size, names.startsName(nameOffset) else {
        let last = try runEnd(at: offset, length: length, nameOffset: nameOffset, next: next, block, size, names)
        return (next, last.tag, marking && (memoryFact || last.memoryFact))
      }
      if marking && !memoryFact { memoryFact = names.isMemoryFact(nameOffset) }
      let tag = UInt32(bigEndian: (block + next).loadUnaligned(as: UInt32.self))
      guard tag == UInt32(FDT_PROP) else { return (next, tag, memoryFact) }
      offset = next
    }
  }

  /// The end of a property run at a property the loop's one bound did not pass: its checks
  /// apart, then the tag after it, which is not a property (one would be truncated): that tag,
  /// and whether the property's name is a memory fact's.
  @inline(never)
  static func runEnd(
    at offset: Int, length: Int, nameOffset: Int, next: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names
  ) throws(FDTError) -> (tag: UInt32, memoryFact: Bool) {
    try checkProperty(at: offset, length: length, nameOffset: nameOffset, size, names)
    guard next &+ 4 <= size else { throw failure(-FDT_ERR_TRUNCATED, at: next) }
    let tag = UInt32(bigEndian: (block + next).loadUnaligned(as: UInt32.self))
    guard tag != UInt32(FDT_PROP) else { throw failure(-FDT_ERR_TRUNCATED, at: next) }
    return (tag, names.isMemoryFact(nameOffset))
  }

  /// Reads the rest of a node nothing of which is recorded, from its first tag after the name at
  /// `start`, with `depth` nodes open (it included), checking each tag as the walk does: the
  /// offset after its FDT_END_NODE.
  @inline(never)
  static func skipSubtree(
    from start: Int, depth startDepth: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names
  )
    throws(FDTError) -> Int
  {
    var offset = start
    var depth = startDepth
    guard offset &+ 4 <= size else { throw failure(-FDT_ERR_TRUNCATED, at: offset) }
    var tag = UInt32(bigEndian: (block + offset).loadUnaligned(as: UInt32.self))
    while true {
      switch tag {
      case UInt32(FDT_PROP):
        (offset, tag, _) = try propertyRun(from: offset, block, size, names, marking: false)
        continue
      case UInt32(FDT_BEGIN_NODE):
        let nameLength = try nodeNameLength(block, at: offset, size)
        guard depth <= Int(maximumDepth) else { throw .tooDeep(limit: maximumDepth) }
        depth &+= 1
        offset = (offset &+ 5 &+ nameLength &+ 3) & ~3
      case UInt32(FDT_END_NODE):
        depth &-= 1
        offset &+= 4
        if depth < startDepth { return offset }
      case UInt32(FDT_NOP):
        offset &+= 4
      case UInt32(FDT_END):
        throw .badStructure(offset: Int32(offset), reason: "FDT_END inside a node")
      default:
        throw failure(-FDT_ERR_BADSTRUCTURE, at: offset)
      }
      guard offset &+ 4 <= size else { throw failure(-FDT_ERR_TRUNCATED, at: offset) }
      tag = UInt32(bigEndian: (block + offset).loadUnaligned(as: UInt32.self))
    }
  }

  /// The length of the name of the BEGIN_NODE at `offset`: its NUL within the structure block
  /// (fdt_next_tag() reads it through fdt_offset_ptr(), one byte at a time).
  @inline(__always)
  static func nodeNameLength(_ block: UnsafeRawPointer, at offset: Int, _ size: Int) throws(FDTError) -> Int {
    guard offset &+ 4 <= size, let end = nul(in: block, from: offset &+ 4, to: size) else {
      throw Self.failure(-FDT_ERR_TRUNCATED, at: offset)
    }
    return end &- (offset &+ 4)
  }

  /// The index of the first NUL in `base[start..<end]`, or nil: eight bytes at a time while eight
  /// remain (names are short; a call to memchr costs more than the scan), never reading at or
  /// past `end`.
  @inline(__always)
  static func nul(in base: UnsafeRawPointer, from start: Int, to end: Int) -> Int? {
    var at = start
    while at &+ 8 <= end {
      let word = UInt64(littleEndian: (base + at).loadUnaligned(as: UInt64.self))
      // The lowest set bit marks the first zero byte (a borrow only runs upwards from one).
      let zeros = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
      if zeros != 0 { return at &+ zeros.trailingZeroBitCount &>> 3 }
      at &+= 8
    }
    while at < end {
      if base.load(fromByteOffset: at, as: UInt8.self) == 0 { return at }
      at &+= 1
    }
    return nil
  }

  static func failure(_ code: Int32, at offset: Int) -> FDTError {
    .libfdt(code: code, operation: "reading the structure block at offset \(Hex.short(UInt64(offset)))")
  }
}
