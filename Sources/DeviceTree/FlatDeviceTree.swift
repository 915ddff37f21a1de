internal import CLibFDT
public import MemoryModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A flattened device tree blob that has been checked from end to end.
///
/// The only way to make one is `init(bytes:)`: the header is checked in Swift (`BlobHeader`),
/// then one walk over the structure block (`TreeOutline`) refuses anything libfdt's
/// `fdt_check_full()` refuses — short or truncated buffers, bad magic, bad versions, blocks
/// outside the blob, offsets into the middle of tags, names and strings that run off the end —
/// and what libfdt 1.6.1 lets through: properties that run past the structure block, trees
/// deeper than Linux reads. After that every read goes through libfdt on the owned bytes, or
/// through what the walk recorded, so no read can run out of bounds or forever. Values, not
/// handles: a `FlatDeviceTree` is immutable and `Sendable`.
public struct FlatDeviceTree: Sendable {
  /// The blob, exactly `totalSize` bytes.
  public let bytes: [UInt8]
  /// The root, its children and /reserved-memory's with their properties, from the checking walk.
  let outline: TreeOutline

  /// Checks `bytes` and keeps the first `totalsize` of them.
  public init(bytes: [UInt8]) throws(FDTError) {
    let header = try BlobHeader(bytes)
    let blob = Int(header.totalSize) == bytes.count ? bytes : Array(bytes[0..<Int(header.totalSize)])
    let walked: Result<TreeOutline, FDTError> = blob.withUnsafeBytes { raw in
      Result { () throws(FDTError) in try TreeOutline(walking: raw.baseAddress!, header: header) }
    }
    self.bytes = blob
    self.outline = try walked.get()
  }

  /// Runs `body` with libfdt's view of the blob.
  @inline(__always)
  func withFDT<R>(_ body: (UnsafeRawPointer) -> R) -> R {
    bytes.withUnsafeBytes { raw in body(raw.baseAddress!) }
  }

  /// The header's `totalsize`: what a loader copies and reserves.
  public var totalSize: UInt32 { UInt32(bytes.count) }

  /// The root node.
  public var root: Node { Node(offset: 0, path: "/", entry: 0) }

  /// The header's reservation block up to (not including) the first entry of size zero, which
  /// ends the list for libfdt and for Linux alike.
  public var memoryReservations: [RegTuple] {
    withFDT { fdt in
      let count = outline.reservationCount
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

  /// The node at `path`, resolved the way libfdt and the kernel resolve it: a component without
  /// a unit address also matches the first `name@…` sibling (`/chosen` finds `chosen@0`).
  public func node(atPath path: String) -> Node? {
    if path.utf8.first == UInt8(ascii: "/"), !path.utf8.dropFirst().contains(UInt8(ascii: "/")), path.utf8.count > 1 {
      return child(of: root, matching: path.utf8.dropFirst())
    }
    let offset = withFDT { fdt in fdt_path_offset(fdt, path) }
    guard offset >= 0 else { return nil }
    if offset == 0 { return root }
    return Node(offset: offset, path: withFDT { fdt in Self.path(fdt, offset) } ?? path, entry: -1)
  }

  /// The first child of `parent` whose name is `component`, or starts with it followed by `@`
  /// when `component` has no unit address (libfdt's `fdt_nodename_eq_()`).
  func child(of parent: Node, matching component: Substring.UTF8View) -> Node? {
    let hasUnitAddress = component.contains(UInt8(ascii: "@"))
    func matches(_ name: UnsafeRawBufferPointer) -> Bool {
      guard name.count >= component.count, name.prefix(component.count).elementsEqual(component) else { return false }
      return name.count == component.count || (!hasUnitAddress && name[component.count] == UInt8(ascii: "@"))
    }
    guard parent.entry >= 0, outline.entry(parent.entry).childrenRecorded else {
      return children(of: parent).first { withName(of: $0, matches) }
    }
    return withFDT { fdt in
      var child = outline.entry(parent.entry).firstChild
      while child >= 0 {
        let entry = outline.entry(child)
        let name = UnsafeRawBufferPointer(start: fdt + Int(entry.name), count: Int(entry.nameLength))
        if matches(name) {
          return Node(offset: entry.offset, path: Self.childPath(parent.path, name), entry: child)
        }
        child = entry.nextSibling
      }
      return nil
    }
  }

  /// Runs `body` on the node's name bytes, in place.
  func withName<R>(of node: Node, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    withFDT { fdt in
      if node.entry >= 0 {
        let entry = outline.entry(node.entry)
        return body(UnsafeRawBufferPointer(start: fdt + Int(entry.name), count: Int(entry.nameLength)))
      }
      var length: Int32 = 0
      guard let name = fdt_get_name(fdt, node.offset, &length), length >= 0 else {
        return body(UnsafeRawBufferPointer(start: nil, count: 0))
      }
      return body(UnsafeRawBufferPointer(start: name, count: Int(length)))
    }
  }

  /// Runs `body` on the value of property `name` of `node` in place, or on nil when absent.
  func withValue<R>(_ name: String, of node: Node, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    if outline.recordsProperties(node.entry) {
      var name = name
      return name.withUTF8 { wanted in
        withFDT { fdt in
          let entry = outline.entry(node.entry)
          for property in outline.properties(of: entry) {
            let found = UnsafeRawBufferPointer(start: fdt + Int(property.name), count: Int(property.nameLength))
            if Self.equal(found, wanted) {
              return body(UnsafeRawBufferPointer(start: fdt + Int(property.value), count: Int(property.length)))
            }
          }
          return body(nil)
        }
      }
    }
    return withFDT { fdt in
      var length: Int32 = 0
      guard let value = fdt_getprop(fdt, node.offset, name, &length), length >= 0 else { return body(nil) }
      return body(UnsafeRawBufferPointer(start: value, count: Int(length)))
    }
  }

  /// Whether two byte strings are the same.
  @inline(__always)
  static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
  }

  /// Whether the property name `name` is `wanted`.
  @inline(__always)
  static func named(_ name: UnsafeRawBufferPointer, _ wanted: StaticString) -> Bool {
    name.count == wanted.utf8CodeUnitCount && memcmp(name.baseAddress!, wanted.utf8Start, name.count) == 0
  }

  /// Runs `body` on each property of the node at `offset` (recorded as `entry`, or -1) in blob
  /// order, its name and value in place: libfdt's view, which ends at the first subnode. For
  /// reading several properties in one pass; `withValue` answers with the first of a name.
  @inline(__always)
  func forEachProperty(
    ofNodeAt offset: Int32, entry: Int32,
    _ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void
  ) {
    withFDT { fdt in
      if outline.recordsProperties(entry) {
        let recorded = outline.entry(entry)
        for property in outline.properties(of: recorded) {
          body(
            UnsafeRawBufferPointer(start: fdt + Int(property.name), count: Int(property.nameLength)),
            UnsafeRawBufferPointer(start: fdt + Int(property.value), count: Int(property.length)))
        }
        return
      }
      var property = fdt_first_property_offset(fdt, offset)
      while property >= 0 {
        var length: Int32 = 0
        var name: UnsafePointer<CChar>? = nil
        if let value = fdt_getprop_by_offset(fdt, property, &name, &length), let name, length >= 0 {
          body(
            UnsafeRawBufferPointer(start: name, count: strlen(name)),
            UnsafeRawBufferPointer(start: value, count: Int(length)))
        }
        property = fdt_next_property_offset(fdt, property)
      }
    }
  }

  /// How many direct children of `node` the outline recorded (0 when it recorded none): what
  /// `forEachChild` visits then, for sizing a list of them.
  func recordedChildCount(of node: Node) -> Int {
    guard node.entry >= 0, outline.entry(node.entry).childrenRecorded else { return 0 }
    var count = 0
    var child = outline.entry(node.entry).firstChild
    while child >= 0 {
      count += 1
      child = outline.entry(child).nextSibling
    }
    return count
  }

  /// Runs `body` on each direct child of `node` in blob order: its offset, its outline entry (or
  /// -1) and its name in place.
  @inline(__always)
  func forEachChild(
    of node: Node, _ body: (_ offset: Int32, _ entry: Int32, _ name: UnsafeRawBufferPointer) -> Void
  ) {
    withFDT { fdt in
      if node.entry >= 0, outline.entry(node.entry).childrenRecorded {
        var child = outline.entry(node.entry).firstChild
        while child >= 0 {
          let entry = outline.entry(child)
          body(entry.offset, child, UnsafeRawBufferPointer(start: fdt + Int(entry.name), count: Int(entry.nameLength)))
          child = entry.nextSibling
        }
        return
      }
      var child = fdt_first_subnode(fdt, node.offset)
      while child >= 0 {
        var length: Int32 = 0
        if let name = fdt_get_name(fdt, child, &length), length >= 0 {
          body(child, -1, UnsafeRawBufferPointer(start: name, count: Int(length)))
        }
        child = fdt_next_subnode(fdt, child)
      }
    }
  }

  /// The path of the child `name` of the node at `parent`: one string, built in place (as
  /// `parent + "/" + String(decoding: name)` would be, invalid UTF-8 repaired the same way).
  static func childPath(_ parent: String, _ name: UnsafeRawBufferPointer) -> String {
    var parent = parent
    return parent.withUTF8 { head in
      let separator = head.count == 1 && head[0] == UInt8(ascii: "/") ? 0 : 1
      let count = head.count + separator + name.count
      return withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { buffer in
        let base = buffer.baseAddress!
        if !head.isEmpty { base.copyMemory(from: head.baseAddress!, byteCount: head.count) }
        if separator == 1 { base.storeBytes(of: UInt8(ascii: "/"), toByteOffset: head.count, as: UInt8.self) }
        if !name.isEmpty { (base + head.count + separator).copyMemory(from: name.baseAddress!, byteCount: name.count) }
        return String(decoding: UnsafeRawBufferPointer(buffer), as: UTF8.self)
      }
    }
  }

  /// The node's direct children in blob order.
  public func children(of node: Node) -> [Node] {
    var result: [Node] = []
    forEachChild(of: node) { offset, entry, name in
      result.append(Node(offset: offset, path: Self.childPath(node.path, name), entry: entry))
    }
    return result
  }

  /// The node's name with its unit address (`memory@40000000`; empty for the root).
  public func name(of node: Node) -> String {
    withName(of: node) { String(decoding: $0, as: UTF8.self) }
  }

  /// The value of property `name` of `node`, or nil when absent.
  public func property(_ name: String, of node: Node) -> [UInt8]? {
    withValue(name, of: node) { value in value.map { Array($0) } }
  }

  /// Whether `node` has property `name` (any length, including empty flags such as `no-map`).
  public func hasProperty(_ name: String, of node: Node) -> Bool {
    withValue(name, of: node) { $0 != nil }
  }

  /// Every property of `node`, in blob order.
  public func properties(of node: Node) -> [Property] {
    withFDT { fdt in
      var result: [Property] = []
      if outline.recordsProperties(node.entry) {
        let entry = outline.entry(node.entry)
        for property in outline.properties(of: entry) {
          result.append(
            Property(
              name: String(
                decoding: UnsafeRawBufferPointer(start: fdt + Int(property.name), count: Int(property.nameLength)),
                as: UTF8.self),
              value: Array(UnsafeRawBufferPointer(start: fdt + Int(property.value), count: Int(property.length)))))
        }
        return result
      }
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
    withValue(name, of: node) { value in value.map(Self.firstString(of:)) }
  }

  /// Whether the first string of property `name` is `value` (the kernel's `strcmp`), read in
  /// place without copying.
  public func firstString(_ name: String, of node: Node, is value: String) -> Bool {
    var value = value
    return value.withUTF8 { wanted in
      withValue(name, of: node) { $0.map { Self.firstString(of: $0, is: wanted) } ?? false }
    }
  }

  /// Whether the string list `name` contains `value` exactly (case-insensitively when asked, as
  /// `of_flat_dt_is_compatible` compares), read in place.
  public func stringList(_ name: String, of node: Node, contains value: String, ignoringCase: Bool = false) -> Bool {
    var value = value
    return value.withUTF8 { wanted in
      withValue(name, of: node) {
        $0.map { Self.stringList($0, contains: wanted, ignoringCase: ignoringCase) } ?? false
      }
    }
  }

  /// All strings of a string-list property (`compatible`).
  public func strings(_ name: String, of node: Node) -> [String] {
    withValue(name, of: node) { $0.map(Self.strings(of:)) ?? [] }
  }

  /// A value's bytes up to its first NUL (all of them without one).
  @inline(__always)
  static func firstStringBytes(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    guard let base = bytes.baseAddress, let nul = memchr(base, 0, bytes.count) else { return bytes }
    return UnsafeRawBufferPointer(start: base, count: UnsafeRawPointer(nul) - base)
  }

  /// A value's first string.
  static func firstString(of bytes: UnsafeRawBufferPointer) -> String {
    String(decoding: firstStringBytes(bytes), as: UTF8.self)
  }

  /// Whether a non-empty value's first string is `wanted`.
  static func firstString(of bytes: UnsafeRawBufferPointer, is wanted: UnsafeBufferPointer<UInt8>) -> Bool {
    !bytes.isEmpty && equal(firstStringBytes(bytes), wanted)
  }

  static func firstString(of bytes: UnsafeRawBufferPointer, is wanted: StaticString) -> Bool {
    wanted.withUTF8Buffer { firstString(of: bytes, is: $0) }
  }

  /// Whether a non-empty string-list value has `wanted` as one of its NUL-separated strings
  /// (the piece after the last NUL counts too).
  static func stringList(
    _ bytes: UnsafeRawBufferPointer, contains wanted: UnsafeBufferPointer<UInt8>, ignoringCase: Bool = false
  ) -> Bool {
    guard !bytes.isEmpty else { return false }
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

  static func stringList(_ bytes: UnsafeRawBufferPointer, contains wanted: StaticString) -> Bool {
    wanted.withUTF8Buffer { stringList(bytes, contains: $0) }
  }

  /// The NUL-separated strings of a value (a trailing piece without NUL counts too).
  static func strings(of bytes: UnsafeRawBufferPointer) -> [String] {
    var result: [String] = []
    var start = 0
    for index in 0..<bytes.count where bytes[index] == 0 {
      result.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
      start = index + 1
    }
    if start < bytes.count {
      result.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
    }
    return result
  }

  /// A 32-bit cell property's first cell, or nil when absent or shorter than a cell.
  public func cell(_ name: String, of node: Node) -> UInt32? {
    withValue(name, of: node) { value in
      guard let value, value.count >= 4 else { return nil }
      return UInt32(bigEndian: value.loadUnaligned(as: UInt32.self))
    }
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
  /// Its place in the tree's outline, or -1 when the walk did not record it.
  let entry: Int32
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
  public var strings: [String] { value.withUnsafeBytes(FlatDeviceTree.strings(of:)) }
}
