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
    var depth: Int32
    var name: Int32
    var nameLength: Int32
    var firstProperty: Int32
    var propertyCount: Int32 = 0
    var firstChild: Int32 = -1
    var nextSibling: Int32 = -1
    /// Whether its children are recorded (the root's, and those of the node libfdt finds for
    /// `/reserved-memory`).
    var childrenRecorded = false
  }

  /// A recorded property: where its name and value are in the blob.
  struct PropertyEntry: Sendable {
    var offset: Int32
    var name: Int32
    var nameLength: Int32
    var value: Int32
    var length: Int32
  }

  var entries: [Entry] = []
  var properties: [PropertyEntry] = []
  /// `/memreserve/` entries before the terminating one.
  var reservationCount: Int32 = 0

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

  /// Walks `fdt` (a blob whose `header` is checked and whose `totalsize` bytes are readable).
  ///
  /// libfdt's `fdt_offset_ptr()` bounds each read by the structure block (`size_dt_struct`;
  /// version 16, which has none, by `totalsize`), which `BlobHeader` already keeps inside
  /// `totalsize`: its answer for the whole block is asked once, and each tag's read is then the
  /// same test, `offset + length <= size`, made here rather than by a call per tag (a third of
  /// the walk's cost on a 150 KB blob).
  init(walking fdt: UnsafeRawPointer, header: BlobHeader) throws(FDTError) {
    let reservations = fdt_num_mem_rsv(fdt)
    guard reservations >= 0 else { throw .libfdt(code: reservations, operation: "reading the /memreserve/ block") }
    reservationCount = reservations
    let structure = Int(header.structureOffset)
    let structureSize = UInt64(header.structureSize)
    guard let block = fdt_offset_ptr(fdt, 0, header.structureSize) else {
      throw Self.failure(-FDT_ERR_TRUNCATED, at: 0)
    }
    let stringsOffset = Int(header.stringsOffset)
    let stringsSize = header.stringsSize
    // Property names already checked, one bit per strings-block offset (dtc shares each name).
    let words = Int(stringsSize) / 64 + 1
    let checkedNames = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
    checkedNames.initialize(repeating: 0, count: words)
    defer { checkedNames.deallocate() }
    // Per open depth: the recorded node (or -1), its last recorded child, whether it has a
    // subnode yet (libfdt reads no property after one), whether its children are recorded.
    // Depth is bounded by maximumDepth, so the stack is too.
    let open = UnsafeMutablePointer<OpenNode>.allocate(capacity: Int(Self.maximumDepth) + 2)
    defer { open.deallocate() }
    var depth = 0  // nodes open
    var entries: [Entry] = []
    var properties: [PropertyEntry] = []
    var sawRoot = false
    var sawReservedMemory = false
    var offset: Int32 = 0
    while true {
      // fdt_next_tag()'s grammar, every read bounded as fdt_offset_ptr() bounds it. A property's
      // tag, length and name offset are one 12-byte read; only the last tags of the block,
      // closer than 12 bytes to its end, have just the 4-byte tag (a property there fails).
      let here = UInt64(offset)
      let has12 = here + 12 <= structureSize
      guard has12 || here + 4 <= structureSize else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
      let word = block + Int(offset)
      let tag = UInt32(bigEndian: word.loadUnaligned(as: UInt32.self))
      var next = offset + 4
      if sawRoot && depth == 0 && tag != UInt32(FDT_END) {
        // (a BEGIN_NODE's name is read first, as before: a truncated one fails as truncated)
        if tag == UInt32(FDT_BEGIN_NODE) { _ = try Self.nodeNameLength(block, at: offset, structureSize) }
        throw .badStructure(offset: offset, reason: "a tag after the root node ends")
      }
      switch tag {
      case UInt32(FDT_BEGIN_NODE):
        let nameLength = try Self.nodeNameLength(block, at: offset, structureSize)
        next = Self.aligned(offset + 5 + nameLength)
        guard depth <= Int(Self.maximumDepth) else { throw .tooDeep(limit: Self.maximumDepth) }
        let name = structure + Int(offset) + 4
        var recorded: Int32 = -1
        var recordsChildren = false
        if depth == 0 {
          guard !sawRoot else { throw .badStructure(offset: offset, reason: "a second root node") }
          guard nameLength == 0 else { throw .badStructure(offset: offset, reason: "the root node has a name") }
          sawRoot = true
          recordsChildren = true
        }
        if depth == 0 || open[depth - 1].recordsChildren {
          recorded = Int32(entries.count)
          if depth == 1 && !sawReservedMemory
            && Self.isReservedMemory(UnsafeRawBufferPointer(start: fdt + name, count: Int(nameLength)))
          {
            recordsChildren = true
            sawReservedMemory = true
          }
          var entry = Entry(
            offset: offset, depth: Int32(depth), name: Int32(name), nameLength: nameLength,
            firstProperty: Int32(properties.count))
          entry.childrenRecorded = recordsChildren
          entries.append(entry)
          if depth > 0 {
            let parent = open[depth - 1]
            if parent.lastChild >= 0 {
              entries[Int(parent.lastChild)].nextSibling = recorded
            } else {
              entries[Int(parent.entry)].firstChild = recorded
            }
            open[depth - 1].lastChild = recorded
          }
        }
        if depth > 0 { open[depth - 1].hasChild = true }
        (open + depth).initialize(
          to: OpenNode(entry: recorded, lastChild: -1, hasChild: false, recordsChildren: recordsChildren))
        depth += 1
      case UInt32(FDT_END_NODE):
        guard depth > 0 else { throw .badStructure(offset: offset, reason: "an FDT_END_NODE outside any node") }
        depth -= 1
      case UInt32(FDT_PROP):
        guard depth > 0 else { throw .badStructure(offset: offset, reason: "a property outside the root node") }
        guard has12 else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
        let length = UInt32(bigEndian: word.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let nameOffset = UInt32(bigEndian: word.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard here + 12 + UInt64(length) <= structureSize else {
          throw .badStructure(
            offset: offset,
            reason: "a property of length \(Hex.short(UInt64(length))) runs past the end of the structure block")
        }
        next = Self.aligned(offset + 12 + Int32(length))
        var nameLength: Int32 = -1
        let bit = UInt64(1) << (nameOffset % 64)
        if nameOffset < stringsSize && checkedNames[Int(nameOffset / 64)] & bit != 0 {
          nameLength = -2  // checked before; its length is only needed when recorded
        } else {
          // fdt_get_string()'s test, kept inside the strings block (libfdt bounds a version-16
          // name by totalsize only): an offset below size_dt_strings and a NUL before its end.
          // The block is inside totalsize (BlobHeader), so libfdt's own call would only repeat it.
          let start = fdt + stringsOffset + Int(nameOffset)
          guard nameOffset < stringsSize, let end = memchr(start, 0, Int(stringsSize - nameOffset)) else {
            throw .badStructure(offset: offset, reason: "a property name outside the strings block or without its NUL")
          }
          nameLength = Int32(UnsafeRawPointer(end) - start)
          checkedNames[Int(nameOffset / 64)] |= bit
        }
        let owner = open[depth - 1]
        if owner.entry >= 0 && !owner.hasChild {
          let name = stringsOffset + Int(nameOffset)
          if nameLength < 0 { nameLength = Int32(strlen(fdt.advanced(by: name).assumingMemoryBound(to: CChar.self))) }
          properties.append(
            PropertyEntry(
              offset: offset, name: Int32(name), nameLength: nameLength, value: Int32(structure + Int(offset) + 12),
              length: Int32(length)))
          entries[Int(owner.entry)].propertyCount += 1
        }
      case UInt32(FDT_NOP):
        break
      case UInt32(FDT_END):
        guard sawRoot, depth == 0 else {
          throw .badStructure(offset: offset, reason: sawRoot ? "FDT_END inside a node" : "no root node")
        }
        self.entries = entries
        self.properties = properties
        return
      default:
        throw Self.failure(-FDT_ERR_BADSTRUCTURE, at: offset)
      }
      offset = next
    }
  }

  /// An open node during the walk.
  struct OpenNode {
    var entry: Int32
    var lastChild: Int32
    var hasChild: Bool
    var recordsChildren: Bool
  }

  /// The length of the name of the BEGIN_NODE at `offset`: its NUL within the structure block
  /// (fdt_next_tag() reads it through fdt_offset_ptr(), one byte at a time).
  @inline(__always)
  static func nodeNameLength(_ block: UnsafeRawPointer, at offset: Int32, _ structureSize: UInt64) throws(FDTError)
    -> Int32
  {
    guard UInt64(offset) + 4 <= structureSize else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
    let rest = Int(structureSize - UInt64(offset) - 4)
    guard let end = memchr(block + Int(offset) + 4, 0, rest) else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
    return Int32(UnsafeRawPointer(end) - (block + Int(offset) + 4))
  }

  /// `FDT_TAGALIGN`: the next tag starts on a 4-byte boundary.
  @inline(__always)
  static func aligned(_ offset: Int32) -> Int32 { Int32(truncatingIfNeeded: (Int64(offset) + 3) & ~3) }

  static func failure(_ code: Int32, at offset: Int32) -> FDTError {
    .libfdt(code: code, operation: "reading the structure block at offset \(Hex.short(UInt64(offset)))")
  }
}
