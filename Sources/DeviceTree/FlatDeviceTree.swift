internal import CLibFDT
public import MemoryModel

/// A flattened device tree blob that libfdt has checked from end to end.
///
/// The only way to make one is `init(bytes:)`, which refuses anything libfdt's
/// `fdt_check_full()` does not accept: short or truncated buffers, bad magic, bad versions,
/// overlapping blocks, offsets into the middle of tags, names and strings that run off the end.
/// After that every read goes through libfdt on the owned bytes, so no walk can run out of bounds
/// or forever. Values, not handles: a `FlatDeviceTree` is immutable and `Sendable`.
public struct FlatDeviceTree: Sendable {
  /// The blob, exactly `totalSize` bytes.
  public let bytes: [UInt8]

  /// Checks `bytes` and keeps the first `totalsize` of them.
  public init(bytes: [UInt8]) throws(FDTError) {
    let headerSize = clibfdt_header_size()
    guard bytes.count >= headerSize else { throw .tooShort(length: bytes.count) }
    let header: (magic: UInt32, total: UInt32) = bytes.withUnsafeBytes { raw in
      (clibfdt_magic(raw.baseAddress!), clibfdt_totalsize(raw.baseAddress!))
    }
    guard header.magic == FDT_MAGIC else { throw .badMagic(found: header.magic) }
    guard header.total >= headerSize else {
      throw .libfdt(code: -FDT_ERR_TRUNCATED, operation: "checking the header")
    }
    guard Int(header.total) <= bytes.count else {
      throw .truncated(totalSize: header.total, available: bytes.count)
    }
    let blob = Int(header.total) == bytes.count ? bytes : Array(bytes[0..<Int(header.total)])
    let status = blob.withUnsafeBytes { raw in fdt_check_full(raw.baseAddress!, raw.count) }
    guard status == 0 else { throw .libfdt(code: status, operation: "checking the blob") }
    self.bytes = blob
  }

  /// Runs `body` with libfdt's view of the blob.
  @inline(__always)
  func withFDT<R>(_ body: (UnsafeRawPointer) -> R) -> R {
    bytes.withUnsafeBytes { raw in body(raw.baseAddress!) }
  }

  /// The header's `totalsize`: what a loader copies and reserves.
  public var totalSize: UInt32 { UInt32(bytes.count) }

  /// The root node.
  public var root: Node { Node(offset: 0, path: "/") }

  /// The header's reservation block up to (not including) the first entry of size zero, which
  /// ends the list for libfdt and for Linux alike.
  public var memoryReservations: [RegTuple] {
    withFDT { fdt in
      let count = fdt_num_mem_rsv(fdt)
      guard count > 0 else { return [] }
      var entries: [RegTuple] = []
      entries.reserveCapacity(Int(count))
      for index in 0..<count {
        var address: UInt64 = 0
        var size: UInt64 = 0
        guard fdt_get_mem_rsv(fdt, index, &address, &size) == 0 else { break }
        entries.append(RegTuple(address: address, size: size))
      }
      return entries
    }
  }

  /// The node at `path`, resolved by libfdt the way the kernel resolves it: a component without
  /// a unit address also matches the first `name@…` sibling (`/chosen` finds `chosen@0`).
  public func node(atPath path: String) -> Node? {
    let offset = withFDT { fdt in fdt_path_offset(fdt, path) }
    guard offset >= 0 else { return nil }
    // A root child's full path is its name; deeper nodes ask libfdt (which walks the tree).
    let isRootChild = path.hasPrefix("/") && !path.dropFirst().contains("/")
    let canonical =
      isRootChild
      ? "/" + name(of: Node(offset: offset, path: path)) : (withFDT { fdt in Self.path(fdt, offset) } ?? path)
    return Node(offset: offset, path: canonical)
  }

  /// The node's direct children in blob order.
  public func children(of node: Node) -> [Node] {
    withFDT { fdt in
      var result: [Node] = []
      var child = fdt_first_subnode(fdt, node.offset)
      while child >= 0 {
        var length: Int32 = 0
        if let name = fdt_get_name(fdt, child, &length) {
          let text = String(decoding: UnsafeRawBufferPointer(start: name, count: Int(length)), as: UTF8.self)
          result.append(Node(offset: child, path: node.path == "/" ? "/" + text : node.path + "/" + text))
        }
        child = fdt_next_subnode(fdt, child)
      }
      return result
    }
  }

  /// The node's name with its unit address (`memory@40000000`; empty for the root).
  public func name(of node: Node) -> String {
    withFDT { fdt in
      var length: Int32 = 0
      guard let name = fdt_get_name(fdt, node.offset, &length) else { return "" }
      return String(decoding: UnsafeRawBufferPointer(start: name, count: Int(length)), as: UTF8.self)
    }
  }

  /// The value of property `name` of `node`, or nil when absent.
  public func property(_ name: String, of node: Node) -> [UInt8]? {
    withFDT { fdt in
      var length: Int32 = 0
      guard let value = fdt_getprop(fdt, node.offset, name, &length), length >= 0 else {
        return nil
      }
      return Array(UnsafeRawBufferPointer(start: value, count: Int(length)))
    }
  }

  /// Whether `node` has property `name` (any length, including empty flags such as `no-map`).
  public func hasProperty(_ name: String, of node: Node) -> Bool {
    withFDT { fdt in
      var length: Int32 = 0
      return fdt_getprop(fdt, node.offset, name, &length) != nil
    }
  }

  /// Every property of `node`, in blob order.
  public func properties(of node: Node) -> [Property] {
    withFDT { fdt in
      var result: [Property] = []
      var offset = fdt_first_property_offset(fdt, node.offset)
      while offset >= 0 {
        var length: Int32 = 0
        var name: UnsafePointer<CChar>? = nil
        if let value = fdt_getprop_by_offset(fdt, offset, &name, &length), let name, length >= 0 {
          result.append(
            Property(
              name: String(cString: name),
              value: Array(UnsafeRawBufferPointer(start: value, count: Int(length)))))
        }
        offset = fdt_next_property_offset(fdt, offset)
      }
      return result
    }
  }

  /// The first string of a string or string-list property (what the kernel's `strcmp` sees).
  public func string(_ name: String, of node: Node) -> String? {
    guard let value = property(name, of: node) else { return nil }
    return Property(name: name, value: value).strings.first ?? ""
  }

  /// Whether the first string of property `name` is `value` (the kernel's `strcmp`), read in
  /// place without copying.
  public func firstString(_ name: String, of node: Node, is value: String) -> Bool {
    withFDT { fdt in
      var length: Int32 = 0
      guard let raw = fdt_getprop(fdt, node.offset, name, &length), length > 0 else { return false }
      let bytes = UnsafeRawBufferPointer(start: raw, count: Int(length))
      let first = bytes.prefix { $0 != 0 }
      return first.elementsEqual(value.utf8)
    }
  }

  /// Whether the string list `name` contains `value` exactly (case-insensitively when asked, as
  /// `of_flat_dt_is_compatible` compares), read in place.
  public func stringList(_ name: String, of node: Node, contains value: String, ignoringCase: Bool = false) -> Bool {
    let wanted = Array(value.utf8)
    return withFDT { fdt in
      var length: Int32 = 0
      guard let raw = fdt_getprop(fdt, node.offset, name, &length), length > 0 else { return false }
      let bytes = UnsafeRawBufferPointer(start: raw, count: Int(length))
      @inline(__always) func fold(_ c: UInt8) -> UInt8 { ignoringCase && c >= 0x41 && c <= 0x5a ? c | 0x20 : c }
      var start = 0
      while start <= bytes.count {
        var end = start
        while end < bytes.count && bytes[end] != 0 { end += 1 }
        if end - start == wanted.count {
          var same = true
          for i in 0..<wanted.count where fold(bytes[start + i]) != fold(wanted[i]) {
            same = false
            break
          }
          if same { return true }
        }
        start = end + 1
      }
      return false
    }
  }

  /// All strings of a string-list property (`compatible`).
  public func strings(_ name: String, of node: Node) -> [String] {
    guard let value = property(name, of: node) else { return [] }
    return Property(name: name, value: value).strings
  }

  /// A 32-bit cell property's first cell, or nil when absent or shorter than a cell.
  public func cell(_ name: String, of node: Node) -> UInt32? {
    guard let value = property(name, of: node), value.count >= 4 else { return nil }
    return UInt32(CellDecoder.number(value, at: 0, cells: 1))
  }

  static func path(_ fdt: UnsafeRawPointer, _ offset: Int32) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let status = fdt_get_path(fdt, offset, &buffer, Int32(buffer.count))
    guard status == 0 else { return nil }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }
}

/// A node of a `FlatDeviceTree`: its structure-block offset and its full path.
public struct Node: Hashable, Sendable {
  let offset: Int32
  public let path: String
}

/// A property: its name and raw bytes.
public struct Property: Hashable, Sendable {
  public var name: String
  public var value: [UInt8]

  public init(name: String, value: [UInt8]) {
    self.name = name
    self.value = value
  }

  /// The NUL-separated strings of the value (a trailing piece without NUL counts too).
  public var strings: [String] {
    var result: [String] = []
    var start = 0
    for (index, byte) in value.enumerated() where byte == 0 {
      result.append(String(decoding: value[start..<index], as: UTF8.self))
      start = index + 1
    }
    if start < value.count { result.append(String(decoding: value[start...], as: UTF8.self)) }
    return result
  }
}
