/// The fixed header of a flattened device tree blob, read and checked in Swift before libfdt
/// sees a byte of the blob.
///
/// libfdt trusts the header it is given more than its callers can afford to: Debian's libfdt
/// 1.6.1 `fdt_check_full()` dereferences a NULL name on header versions 2–15 (the old layout
/// that stores full paths as node names), and its offset checks assume the block sizes a
/// version-17 header states. So dtmem accepts only the layouts libfdt reads safely, every
/// block inside the blob, and the alignment the Devicetree Specification (§5.1–5.4) gives each
/// block, which is also what libfdt's word reads need.
struct BlobHeader: Hashable, Sendable {
  var magic: UInt32
  var totalSize: UInt32
  var structureOffset: UInt32
  var stringsOffset: UInt32
  var reservationsOffset: UInt32
  var version: UInt32
  var lastCompatibleVersion: UInt32
  var bootCPU: UInt32
  var stringsSize: UInt32
  /// The structure block's size: stated from version 17 on, else the rest of the blob (how
  /// libfdt bounds a version-16 blob).
  var structureSize: UInt32

  static let magicNumber: UInt32 = 0xd00d_feed
  /// The header dtmem reads: the 40 bytes of version 17.
  static let size = 40
  /// Versions with a fixed-name layout (16) and block sizes (17); later versions that say they
  /// are compatible with 17 read the same.
  static let oldestVersion: UInt32 = 16
  static let newestCompatibleVersion: UInt32 = 17

  /// The header of `bytes` (at least `size` bytes of them), checked field by field.
  init(_ bytes: [UInt8]) throws(FDTError) {
    guard bytes.count >= Self.size else { throw .tooShort(length: bytes.count) }
    func word(_ index: Int) -> UInt32 {
      let at = index * 4
      return UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
    magic = word(0)
    totalSize = word(1)
    structureOffset = word(2)
    stringsOffset = word(3)
    reservationsOffset = word(4)
    version = word(5)
    lastCompatibleVersion = word(6)
    bootCPU = word(7)
    stringsSize = word(8)
    structureSize = word(9)
    guard magic == Self.magicNumber else { throw .badMagic(found: magic) }
    try checkVersion()
    // Version 16 has no size_dt_struct: its header ends before that word.
    let headerSize: UInt32 = version >= 17 ? 40 : 36
    if version < 17 { structureSize = totalSize &- min(structureOffset, totalSize) }
    guard totalSize >= headerSize else {
      throw .badHeader(field: "totalsize", value: totalSize, reason: "smaller than the \(headerSize)-byte header")
    }
    guard totalSize <= UInt32(Int32.max) else {
      throw .badHeader(field: "totalsize", value: totalSize, reason: "larger than libfdt's limit of 2 GiB")
    }
    guard Int(totalSize) <= bytes.count else { throw .truncated(totalSize: totalSize, available: bytes.count) }
    try checkBlock("off_mem_rsvmap", offset: reservationsOffset, size: 16, alignment: 8, after: headerSize)
    try checkBlock("off_dt_struct", offset: structureOffset, size: structureSize, alignment: 4, after: headerSize)
    guard structureSize >= 4 else {
      throw .badHeader(field: "size_dt_struct", value: structureSize, reason: "no room for even the FDT_END tag")
    }
    try checkBlock("off_dt_strings", offset: stringsOffset, size: stringsSize, alignment: 1, after: headerSize)
  }

  func checkVersion() throws(FDTError) {
    guard version >= Self.oldestVersion else {
      throw .badHeader(
        field: "version", value: version,
        reason:
          "blobs older than version 16 name nodes by full path, which libfdt does not read safely; dtc -I dtb -O dtb "
          + "rewrites one as version 17"
      )
    }
    guard lastCompatibleVersion <= Self.newestCompatibleVersion else {
      throw .badHeader(
        field: "last_comp_version", value: lastCompatibleVersion,
        reason: "the blob is not readable as version 17 or older, the newest layout libfdt knows")
    }
    guard lastCompatibleVersion <= version else {
      throw .badHeader(
        field: "last_comp_version", value: lastCompatibleVersion,
        reason: "newer than the blob's own version \(version)")
    }
  }

  /// A block of `size` bytes at `offset`: after the header, inside `totalsize`, aligned.
  func checkBlock(_ field: String, offset: UInt32, size: UInt32, alignment: UInt32, after headerSize: UInt32)
    throws(FDTError)
  {
    guard offset >= headerSize else {
      throw .badHeader(field: field, value: offset, reason: "points into the \(headerSize)-byte header")
    }
    guard offset % alignment == 0 else {
      throw .badHeader(field: field, value: offset, reason: "not aligned to \(alignment) bytes")
    }
    guard UInt64(offset) + UInt64(size) <= UInt64(totalSize) else {
      let what = field == "off_mem_rsvmap" ? "the reservation block's first entry" : "the block (\(size) bytes)"
      throw .badHeader(field: field, value: offset, reason: "\(what) ends past totalsize \(totalSize)")
    }
  }
}
