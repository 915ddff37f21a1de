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
/// reads it, each read bounded by libfdt's `fdt_offset_ptr()`, nodes balanced, one root
/// with an empty name, every property name a NUL-terminated string inside the strings block
/// (`fdt_get_string()`), the reservation block terminated (`fdt_num_mem_rsv()`) — and what it
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
  init(walking fdt: UnsafeRawPointer, header: BlobHeader) throws(FDTError) {
    let reservations = fdt_num_mem_rsv(fdt)
    guard reservations >= 0 else { throw .libfdt(code: reservations, operation: "reading the /memreserve/ block") }
    reservationCount = reservations
    let structure = Int(header.structureOffset)
    let structureSize = UInt64(header.structureSize)
    // Property names already checked, one bit per strings-block offset (dtc shares each name).
    var checkedNames = [UInt64](repeating: 0, count: Int(header.stringsSize) / 64 + 1)
    // Per open depth: the recorded node (or -1), its last recorded child, whether it has a
    // subnode yet (libfdt reads no property after one).
    var open: [(entry: Int32, lastChild: Int32, hasChild: Bool)] = []
    var sawRoot = false
    var sawReservedMemory = false
    var offset: Int32 = 0
    while true {
      // fdt_next_tag()'s grammar, with every read bounded by fdt_offset_ptr() against the
      // structure block: a BEGIN_NODE name is found in one bounded range rather than a call per
      // byte, which was half the cost of reading a large blob.
      // A property's tag, length and name offset in one bounded read; only the last tags of the
      // block, closer than 12 bytes to its end, need the 4-byte read (a property there fails).
      let header12 = fdt_offset_ptr(fdt, offset, 12)
      guard let word = header12 ?? fdt_offset_ptr(fdt, offset, 4) else {
        throw Self.failure(-FDT_ERR_TRUNCATED, at: offset)
      }
      let tag = UInt32(bigEndian: word.loadUnaligned(as: UInt32.self))
      var next = offset + 4
      var nodeNameLength: Int32 = 0
      if tag == UInt32(FDT_BEGIN_NODE) {
        guard UInt64(offset) + 4 <= structureSize else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
        let rest = UInt32(structureSize - UInt64(offset) - 4)
        guard let name = fdt_offset_ptr(fdt, offset + 4, rest), let end = memchr(name, 0, Int(rest)) else {
          throw Self.failure(-FDT_ERR_TRUNCATED, at: offset)
        }
        nodeNameLength = Int32(UnsafeRawPointer(end) - name)
        next = Self.aligned(offset + 5 + nodeNameLength)
      }
      if sawRoot && open.isEmpty && tag != UInt32(FDT_END) {
        throw .badStructure(offset: offset, reason: "a tag after the root node ends")
      }
      switch tag {
      case UInt32(FDT_BEGIN_NODE):
        let depth = Int32(open.count)
        guard depth <= Self.maximumDepth else { throw .tooDeep(limit: Self.maximumDepth) }
        let name = structure + Int(offset) + 4
        let nameLength = nodeNameLength
        if depth == 0 {
          guard !sawRoot else { throw .badStructure(offset: offset, reason: "a second root node") }
          guard nameLength == 0 else { throw .badStructure(offset: offset, reason: "the root node has a name") }
          sawRoot = true
        }
        var recorded: Int32 = -1
        if depth == 0 || (open[open.count - 1].entry >= 0 && entries[Int(open[open.count - 1].entry)].childrenRecorded)
        {
          recorded = Int32(entries.count)
          var entry = Entry(
            offset: offset, depth: depth, name: Int32(name), nameLength: nameLength,
            firstProperty: Int32(properties.count))
          entry.childrenRecorded =
            depth == 0
            || (depth == 1 && !sawReservedMemory
              && Self.isReservedMemory(UnsafeRawBufferPointer(start: fdt + name, count: Int(nameLength))))
          if depth == 1 && entry.childrenRecorded { sawReservedMemory = true }
          entries.append(entry)
          if depth > 0 {
            let parent = open[open.count - 1]
            if parent.lastChild >= 0 {
              entries[Int(parent.lastChild)].nextSibling = recorded
            } else {
              entries[Int(parent.entry)].firstChild = recorded
            }
            open[open.count - 1].lastChild = recorded
          }
        }
        if !open.isEmpty { open[open.count - 1].hasChild = true }
        open.append((recorded, -1, false))
      case UInt32(FDT_END_NODE):
        guard !open.isEmpty else { throw .badStructure(offset: offset, reason: "an FDT_END_NODE outside any node") }
        open.removeLast()
      case UInt32(FDT_PROP):
        guard let owner = open.last else {
          throw .badStructure(offset: offset, reason: "a property outside the root node")
        }
        guard let raw = header12 else { throw Self.failure(-FDT_ERR_TRUNCATED, at: offset) }
        let length = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let nameOffset = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard UInt64(offset) + 12 + UInt64(length) <= structureSize else {
          throw .badStructure(
            offset: offset,
            reason: "a property of length \(Hex.short(UInt64(length))) runs past the end of the structure block")
        }
        next = Self.aligned(offset + 12 + Int32(length))
        var nameLength: Int32 = -1
        let word = Int(nameOffset / 64)
        let bit = UInt64(1) << (nameOffset % 64)
        if nameOffset < header.stringsSize && checkedNames[word] & bit != 0 {
          nameLength = -2  // checked before; its length is only needed when recorded
        } else {
          // libfdt bounds a version-16 name by totalsize only: keep it inside the strings block.
          let inside = nameOffset < header.stringsSize
          let end =
            inside
            ? memchr(fdt + Int(header.stringsOffset) + Int(nameOffset), 0, Int(header.stringsSize - nameOffset)) : nil
          guard end != nil, fdt_get_string(fdt, Int32(nameOffset), &nameLength) != nil else {
            throw .badStructure(offset: offset, reason: "a property name outside the strings block or without its NUL")
          }
          checkedNames[word] |= bit
        }
        if owner.entry >= 0 && !owner.hasChild {
          let name = Int(header.stringsOffset) + Int(nameOffset)
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
        guard sawRoot, open.isEmpty else {
          throw .badStructure(offset: offset, reason: sawRoot ? "FDT_END inside a node" : "no root node")
        }
        return
      default:
        throw Self.failure(-FDT_ERR_BADSTRUCTURE, at: offset)
      }
      offset = next
    }
  }

  /// `FDT_TAGALIGN`: the next tag starts on a 4-byte boundary.
  @inline(__always)
  static func aligned(_ offset: Int32) -> Int32 { Int32(truncatingIfNeeded: (Int64(offset) + 3) & ~3) }

  static func failure(_ code: Int32, at offset: Int32) -> FDTError {
    .libfdt(code: code, operation: "reading the structure block at offset \(Hex.short(UInt64(offset)))")
  }
}
