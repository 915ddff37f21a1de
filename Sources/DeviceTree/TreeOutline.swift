internal import CLibFDT
internal import MemoryModel

/// The one walk over a blob's structure block, and what it keeps.
///
/// The walk checks everything libfdt's `fdt_check_full()` checks — every tag as `fdt_next_tag()`
/// reads it, each read bounded as libfdt's `fdt_offset_ptr()` bounds it (by the structure block
/// libfdt returns for the whole block), nodes balanced, one root with an empty name, every
/// property name a NUL-terminated string inside the strings block (`fdt_get_string()`'s test,
/// one comparison, `Names`), the reservation block terminated (`fdt_num_mem_rsv()`) — and what it
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
    /// For a node whose properties are not recorded: whether one of them is named
    /// `device_type` or `compatible`.
    var skippedMemoryFactName = false
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
    return !entry.propertiesRecorded && !entry.skippedMemoryFactName
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
    let names = Names(strings: fdt + stringsOffset, size: stringsSize)
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
          if skippedOwner >= 0 && run.memoryFact { entries[skippedOwner].skippedMemoryFactName = true }
        } else {
          repeat {
            let property = try Self.property(at: offset, block, size, names)
            let name = stringsOffset &+ property.nameOffset
            let nameLength = property.nameLength
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
}
