internal import CLibFDT
internal import MemoryModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The one walk over a blob's structure block, and what it keeps.
///
/// The walk checks everything libfdt's `fdt_check_full()` checks — every tag as `fdt_next_tag()`
/// reads it, each read bounded as libfdt's `fdt_offset_ptr()` bounds it (by the structure block
/// libfdt returns for the whole block), nodes balanced, one root with an empty name, every
/// property name a NUL-terminated string inside the strings block (`fdt_get_string()`'s test,
/// made once per name), the reservation block terminated (`fdt_num_mem_rsv()`) — and what it
/// does not: a property whose length runs past the structure block (libfdt 1.6.1 wraps its offset
/// arithmetic on a length of 0xffffffff and walks on), a property outside the root, and nodes
/// nested deeper than Linux unflattens. On the way it records the root, its children and the
/// children of `/reserved-memory` with libfdt's view of their properties (those before the first
/// subnode), which is where every memory fact lives, so reading them needs no second walk.
struct TreeOutline: Sendable {
  /// A recorded node. Offsets into the blob are absolute; `offset` is libfdt's node offset.
  struct Entry: Sendable {
    var offset: Int32
    var name: Int32
    var nameLength: Int32
    var firstProperty: Int32
    var propertyCount: Int32 = 0
    var firstChild: Int32 = -1
    var nextSibling: Int32 = -1
    /// Whether its children are recorded (the root's, and those of the node libfdt finds for
    /// `/reserved-memory`).
    var childrenRecorded = false
    /// Whether its properties are recorded: not for `__symbols__` and `aliases`, hundreds of
    /// properties no memory fact reads (read through libfdt when asked).
    var propertiesRecorded = true
    /// For a node whose properties are not recorded: the marks of their names ORed
    /// (`Names.memoryFact` set when one is `device_type` or `compatible`).
    var skippedNames: UInt8 = 0
  }

  /// A recorded property: where its name and value are in the blob.
  struct PropertyEntry: Sendable {
    var offset: Int32
    var name: Int32
    var nameLength: Int32
    var value: Int32
    var length: Int32
  }

  /// What the walk recorded.
  let records: Records
  /// `/memreserve/` entries before the terminating one.
  var reservationCount: Int32 = 0

  /// The recorded nodes and properties in memory of their own, filled by the walk and read-only
  /// after it: no array types to instantiate at run time, no uniqueness checks while appending.
  final class Records: @unchecked Sendable {
    let entries: UnsafePointer<Entry>
    let entryCount: Int
    let properties: UnsafePointer<PropertyEntry>
    let propertyCount: Int

    init(entries: UnsafePointer<Entry>, entryCount: Int, properties: UnsafePointer<PropertyEntry>, propertyCount: Int) {
      self.entries = entries
      self.entryCount = entryCount
      self.properties = properties
      self.propertyCount = propertyCount
    }

    deinit {
      entries.deallocate()
      properties.deallocate()
    }
  }

  /// Recorded node `index` (the root is 0).
  @inline(__always)
  func entry(_ index: Int32) -> Entry {
    precondition(index >= 0 && Int(index) < records.entryCount, "not a recorded node")
    return records.entries[Int(index)]
  }

  /// Whether node `index` is recorded with its properties (else they are read through libfdt).
  @inline(__always)
  func recordsProperties(_ index: Int32) -> Bool {
    index >= 0 && entry(index).propertiesRecorded
  }

  /// Whether node `index` is recorded without its properties and none of them is named
  /// `device_type` or `compatible` (what the root-children scan looks for).
  @inline(__always)
  func lacksMemoryFactNames(_ index: Int32) -> Bool {
    guard index >= 0 else { return false }
    let entry = entry(index)
    return !entry.propertiesRecorded && entry.skippedNames & Names.memoryFact == 0
  }

  /// The recorded properties of `entry`, in blob order (valid while the outline is).
  @inline(__always)
  func properties(of entry: Entry) -> UnsafeBufferPointer<PropertyEntry> {
    let first = Int(entry.firstProperty)
    precondition(first >= 0 && entry.propertyCount >= 0 && first + Int(entry.propertyCount) <= records.propertyCount)
    return UnsafeBufferPointer(start: records.properties + first, count: Int(entry.propertyCount))
  }

  /// Appends `element` to a buffer of `count` elements, doubling its capacity when full.
  @inline(__always)
  static func append<T>(
    _ element: T, to buffer: inout UnsafeMutablePointer<T>, count: inout Int, capacity: inout Int
  ) {
    if count == capacity {
      capacity *= 2
      let grown = UnsafeMutablePointer<T>.allocate(capacity: capacity)
      grown.moveInitialize(from: buffer, count: count)
      buffer.deallocate()
      buffer = grown
    }
    (buffer + count).initialize(to: element)
    count &+= 1
  }

  /// The root is depth 0. Linux's `unflatten_dt_nodes()` (drivers/of/fdt.c, FDT_MAX_DEPTH 64)
  /// skips nodes at depth 63 and deeper; no real tree comes near (Debian's 1023 arm64 blobs: 6).
  static let maximumDepth: Int32 = 62
  /// The root child whose children are recorded: the first that libfdt's `/reserved-memory`
  /// lookup matches (`reserved-memory`, or `reserved-memory@…`).
  static func isReservedMemory(_ name: UnsafeRawBufferPointer) -> Bool {
    let wanted = "reserved-memory".utf8
    guard name.count >= wanted.count, name.prefix(wanted.count).elementsEqual(wanted) else { return false }
    return name.count == wanted.count || name[wanted.count] == UInt8(ascii: "@")
  }

  /// Root children whose properties are not recorded: `__symbols__` (one property per label,
  /// most of a large tree's root-level properties) and `aliases`, exactly so named.
  static func skipsProperties(_ name: UnsafeRawBufferPointer) -> Bool {
    switch name.count {
    case 11: return name.elementsEqual("__symbols__".utf8)
    case 7: return name.elementsEqual("aliases".utf8)
    default: return false
    }
  }

  /// Walks `fdt` (a blob whose `header` is checked and whose `totalsize` bytes are readable).
  ///
  /// libfdt's `fdt_offset_ptr()` bounds each read by the structure block (`size_dt_struct`;
  /// version 16, which has none, by `totalsize`), which `BlobHeader` already keeps inside
  /// `totalsize`: its answer for the whole block is asked once, and each tag's read is then the
  /// same test, `offset + length <= size`, made here rather than by a call per tag (a third of
  /// the walk's cost on a 150 KB blob).
  ///
  /// Offsets are `Int`: every one is at most `size_dt_struct` plus a 32-bit length (below 2^33),
  /// so the arithmetic cannot overflow and needs no trap; `totalsize` (at most 2^31 - 1, which
  /// `BlobHeader` checks) bounds every offset that is kept, so each fits the `Int32` it is kept in.
  init(walking fdt: UnsafeRawPointer, header: BlobHeader) throws(FDTError) {
    let reservations = fdt_num_mem_rsv(fdt)
    guard reservations >= 0 else { throw .libfdt(code: reservations, operation: "reading the /memreserve/ block") }
    reservationCount = reservations
    let structure = Int(header.structureOffset)
    let size = Int(header.structureSize)
    guard let block = fdt_offset_ptr(fdt, 0, header.structureSize) else {
      throw Self.failure(-FDT_ERR_TRUNCATED, at: 0)
    }
    let stringsOffset = Int(header.stringsOffset)
    let stringsSize = Int(header.stringsSize)
    // Property names already checked, one byte per strings-block offset (dtc shares each name),
    // zeroed by calloc (a large block's pages are the kernel's zero pages until a name is marked).
    guard let checkedNames = calloc(max(stringsSize, 1), 1)?.assumingMemoryBound(to: UInt8.self) else {
      fatalError("out of memory for the names of a \(stringsSize)-byte strings block")
    }
    defer { free(checkedNames) }
    let names = Names(strings: fdt + stringsOffset, size: stringsSize, checked: checkedNames)
    // The walk records the root, its children and the children of the first root child that is
    // `/reserved-memory`; a node's properties until its first subnode (libfdt reads none after).
    var entries = UnsafeMutablePointer<Entry>.allocate(capacity: 16)
    var entryCount = 0
    var entryCapacity = 16
    var properties = UnsafeMutablePointer<PropertyEntry>.allocate(capacity: 64)
    var propertyCount = 0
    var propertyCapacity = 64
    var handedOver = false
    defer {
      if !handedOver {
        entries.deallocate()
        properties.deallocate()
      }
    }
    var depth = 0  // nodes open
    var propertyOwner = -1  // the recorded node whose properties are being recorded, or -1
    var skippedOwner = -1  // the recorded node whose properties are being read unrecorded, or -1
    var lastRootChild = -1
    var reservedMemory = -1  // the /reserved-memory entry, once seen
    var inReservedMemory = false  // it is the open root child
    var lastReservedChild = -1
    var offset = 0
    // fdt_next_tag()'s grammar, every read bounded as fdt_offset_ptr() bounds it, up to the end
    // of the root node.
    walk: while true {
      guard offset &+ 4 <= size else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
      var tag = UInt32(bigEndian: (block + offset).loadUnaligned(as: UInt32.self))
      if tag == UInt32(FDT_PROP) {
        // A node's properties come in a run, read in a loop of their own: recorded or not.
        guard depth > 0 else { throw .badStructure(offset: Int32(offset), reason: "a property outside the root node") }
        if propertyOwner < 0 {
          let run = try Self.skipProperties(from: offset, block, size, names)
          (offset, tag) = (run.offset, run.tag)
          if skippedOwner >= 0 { entries[skippedOwner].skippedNames |= run.marks }
        } else {
          repeat {
            let property = try Self.property(at: offset, block, size, names)
            let name = stringsOffset &+ property.nameOffset
            let nameLength =
              property.nameLength >= 0
              ? property.nameLength : strlen(fdt.advanced(by: name).assumingMemoryBound(to: CChar.self))
            Self.append(
              PropertyEntry(
                offset: Int32(truncatingIfNeeded: offset), name: Int32(truncatingIfNeeded: name),
                nameLength: Int32(truncatingIfNeeded: nameLength),
                value: Int32(truncatingIfNeeded: structure &+ offset &+ 12),
                length: Int32(truncatingIfNeeded: property.length)),
              to: &properties, count: &propertyCount, capacity: &propertyCapacity)
            offset = (offset &+ 12 &+ property.length &+ 3) & ~3
            guard offset &+ 4 <= size else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
            tag = UInt32(bigEndian: (block + offset).loadUnaligned(as: UInt32.self))
          } while tag == UInt32(FDT_PROP)
        }
      }
      switch tag {
      case UInt32(FDT_BEGIN_NODE):
        let nameLength = try Self.nodeNameLength(block, at: offset, size)
        guard depth <= Int(Self.maximumDepth) else { throw .tooDeep(limit: Self.maximumDepth) }
        let name = structure &+ offset &+ 4
        // The parent has a subnode: libfdt reads none of its properties after it.
        skippedOwner = -1
        if propertyOwner >= 0 {  // its properties end
          entries[propertyOwner].propertyCount =
            Int32(truncatingIfNeeded: propertyCount) &- entries[propertyOwner].firstProperty
          propertyOwner = -1
        }
        let recorded: Int
        var recordsChildren = false
        var recordsProperties = true
        if depth == 0 {
          guard nameLength == 0 else {
            throw .badStructure(offset: Int32(offset), reason: "the root node has a name")
          }
          recorded = 0
          recordsChildren = true
        } else if depth == 1 {
          recorded = entryCount
          if lastRootChild >= 0 {
            entries[lastRootChild].nextSibling = Int32(recorded)
          } else {
            entries[0].firstChild = Int32(recorded)
          }
          lastRootChild = recorded
          if reservedMemory < 0 && Self.isReservedMemory(UnsafeRawBufferPointer(start: fdt + name, count: nameLength)) {
            reservedMemory = recorded
            recordsChildren = true
          }
          inReservedMemory = recordsChildren
          if !recordsChildren && Self.skipsProperties(UnsafeRawBufferPointer(start: fdt + name, count: nameLength)) {
            recordsProperties = false
          }
        } else if depth == 2 && inReservedMemory {
          recorded = entryCount
          if lastReservedChild >= 0 {
            entries[lastReservedChild].nextSibling = Int32(recorded)
          } else {
            entries[reservedMemory].firstChild = Int32(recorded)
          }
          lastReservedChild = recorded
        } else {
          // Neither it nor anything below it is recorded: the rest of its subtree is read (and
          // checked) by a loop that only counts depth.
          offset = try Self.skipSubtree(
            from: (offset &+ 5 &+ nameLength &+ 3) & ~3, depth: depth &+ 1, block, size, names)
          continue walk
        }
        var entry = Entry(
          offset: Int32(truncatingIfNeeded: offset), name: Int32(truncatingIfNeeded: name),
          nameLength: Int32(truncatingIfNeeded: nameLength), firstProperty: Int32(truncatingIfNeeded: propertyCount))
        entry.childrenRecorded = recordsChildren
        entry.propertiesRecorded = recordsProperties
        Self.append(entry, to: &entries, count: &entryCount, capacity: &entryCapacity)
        propertyOwner = recordsProperties ? recorded : -1
        skippedOwner = recordsProperties ? -1 : recorded
        depth &+= 1
        offset = (offset &+ 5 &+ nameLength &+ 3) & ~3
      case UInt32(FDT_END_NODE):
        guard depth > 0 else {
          throw .badStructure(offset: Int32(offset), reason: "an FDT_END_NODE outside any node")
        }
        skippedOwner = -1
        if propertyOwner >= 0 {  // its properties end
          entries[propertyOwner].propertyCount =
            Int32(truncatingIfNeeded: propertyCount) &- entries[propertyOwner].firstProperty
          propertyOwner = -1
        }
        depth &-= 1
        offset &+= 4
        if depth == 1 { inReservedMemory = false }
        if depth == 0 { break walk }
      case UInt32(FDT_NOP):
        offset &+= 4
      case UInt32(FDT_END):
        throw .badStructure(offset: Int32(offset), reason: depth > 0 ? "FDT_END inside a node" : "no root node")
      default:
        throw Self.failure(-FDT_ERR_BADSTRUCTURE, at: offset)
      }
    }
    // After the root, only FDT_END (a BEGIN_NODE's name is read first: a truncated one fails as
    // truncated).
    guard offset &+ 4 <= size else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
    let tag = UInt32(bigEndian: (block + offset).loadUnaligned(as: UInt32.self))
    guard tag == UInt32(FDT_END) else {
      if tag == UInt32(FDT_BEGIN_NODE) { _ = try Self.nodeNameLength(block, at: offset, size) }
      throw .badStructure(offset: Int32(offset), reason: "a tag after the root node ends")
    }
    records = Records(
      entries: entries, entryCount: entryCount, properties: properties, propertyCount: propertyCount)
    handedOver = true
  }

  /// The strings block and which of its offsets are known to start a property name.
  struct Names {
    var strings: UnsafeRawPointer
    var size: Int
    /// One byte per offset, nonzero (`checkedMark`, with `memoryFact` for `device_type` and
    /// `compatible`) once checked.
    var checked: UnsafeMutablePointer<UInt8>

    static let checkedMark: UInt8 = 1
    static let memoryFact: UInt8 = 2

    /// The mark of the name at `start` whose NUL is at `end`.
    @inline(__always)
    func mark(from start: Int, to end: Int) -> UInt8 {
      let name = UnsafeRawBufferPointer(start: strings + start, count: end &- start)
      switch name.count {
      case 11 where name.elementsEqual("device_type".utf8), 10 where name.elementsEqual("compatible".utf8):
        return Self.checkedMark | Self.memoryFact
      default:
        return Self.checkedMark
      }
    }
  }

  /// The FDT_PROP at `offset` (its tag read, inside the structure block of `size` bytes): its
  /// value's length, its name's offset in the strings block, and the name's length when this
  /// was the first time the name was checked (else -1).
  @inline(__always)
  static func property(at offset: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names) throws(FDTError)
    -> (length: Int, nameOffset: Int, nameLength: Int)
  {
    // Tag, length and name offset: one 12-byte read.
    guard offset &+ 12 <= size else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
    let header = try propertyHeader(at: offset, block, size, names)
    return (header.length, header.nameOffset, header.nameLength)
  }

  /// `property(at:)` for a property whose first 12 bytes are known to be inside the block.
  @inline(__always)
  static func propertyHeader(at offset: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names)
    throws(FDTError) -> (length: Int, nameOffset: Int, nameLength: Int, mark: UInt8)
  {
    let length = Int(UInt32(bigEndian: (block + offset).loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
    let nameOffset = Int(UInt32(bigEndian: (block + offset).loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
    guard offset &+ 12 &+ length <= size else {
      throw .badStructure(
        offset: Int32(offset),
        reason: "a property of length \(Hex.short(UInt64(length))) runs past the end of the structure block")
    }
    if nameOffset < names.size {
      let mark = names.checked[nameOffset]
      if mark != 0 { return (length, nameOffset, -1, mark) }
    }
    // fdt_get_string()'s test, kept inside the strings block (libfdt bounds a version-16 name by
    // totalsize only): an offset below size_dt_strings and a NUL before its end. The block is
    // inside totalsize (BlobHeader), so libfdt's own call would only repeat it.
    guard nameOffset < names.size, let end = nul(in: names.strings, from: nameOffset, to: names.size) else {
      throw .badStructure(offset: Int32(offset), reason: "a property name outside the strings block or without its NUL")
    }
    let mark = names.mark(from: nameOffset, to: end)
    names.checked[nameOffset] = mark
    return (length, nameOffset, end &- nameOffset, mark)
  }

  /// Reads a run of properties that are not recorded, from the FDT_PROP at `start`, each checked
  /// as `property(at:)` checks it: the offset of the next tag that is not FDT_PROP, that tag, and
  /// the marks of the properties' names ORed.
  /// (A function of its own: the loop keeps its few values in registers.)
  @inline(never)
  static func skipProperties(from start: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names)
    throws(FDTError) -> (offset: Int, tag: UInt32, marks: UInt8)
  {
    try propertyRun(from: start, block, size, names)
  }

  @inline(__always)
  static func propertyRun(from start: Int, _ block: UnsafeRawPointer, _ size: Int, _ names: Names)
    throws(FDTError) -> (offset: Int, tag: UInt32, marks: UInt8)
  {
    guard start &+ 12 <= size else { throw failure(-FDT_ERR_TRUNCATED, at: start) }
    var offset = start
    var marks: UInt8 = 0
    while true {
      let header = try propertyHeader(at: offset, block, size, names)
      let length = header.length
      marks |= header.mark
      let next = (offset &+ 12 &+ length &+ 3) & ~3
      // One bound for the next tag and, if it is a property, its length and name offset; only
      // the block's last 12 bytes need the two tests apart (a property there is truncated).
      guard next &+ 12 <= size else {
        guard next &+ 4 <= size else { throw failure(-FDT_ERR_TRUNCATED, at: next) }
        let tag = UInt32(bigEndian: (block + next).loadUnaligned(as: UInt32.self))
        guard tag != UInt32(FDT_PROP) else { throw failure(-FDT_ERR_TRUNCATED, at: next) }
        return (next, tag, marks)
      }
      let tag = UInt32(bigEndian: (block + next).loadUnaligned(as: UInt32.self))
      guard tag == UInt32(FDT_PROP) else { return (next, tag, marks) }
      offset = next
    }
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
        (offset, tag, _) = try propertyRun(from: offset, block, size, names)
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
