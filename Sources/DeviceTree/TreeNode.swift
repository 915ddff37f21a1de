public import MemoryModel

/// A device tree being built: a node with ordered properties and children. A value: build it,
/// then write it as source (`source()`) or as a blob through libfdt (`blob()`).
public struct TreeNode: Hashable, Sendable {
  /// `name@unit-address` (empty for the root).
  public var name: String
  public var properties: [TreeProperty]
  public var children: [TreeNode]

  public init(_ name: String, properties: [TreeProperty] = [], children: [TreeNode] = []) {
    self.name = name
    self.properties = properties
    self.children = children
  }

  /// The child named `name`, if any.
  public func child(named name: String) -> TreeNode? { children.first { $0.name == name } }
}

/// A property value, typed the way dtc source spells it.
public struct TreeProperty: Hashable, Sendable {
  public enum Value: Hashable, Sendable {
    /// A flag (`no-map;`).
    case empty
    /// 32-bit cells (`<0x0 0x40000000>`).
    case cells([UInt32])
    /// NUL-terminated strings (`"shared-dma-pool"`, `"a", "b"`).
    case strings([String])
    /// Raw bytes (`[de ad]`).
    case bytes([UInt8])
  }

  public var name: String
  public var value: Value

  public init(_ name: String, _ value: Value) {
    self.name = name
    self.value = value
  }

  public static func flag(_ name: String) -> TreeProperty { TreeProperty(name, .empty) }
  public static func string(_ name: String, _ value: String) -> TreeProperty { TreeProperty(name, .strings([value])) }
  public static func cells(_ name: String, _ cells: [UInt32]) -> TreeProperty { TreeProperty(name, .cells(cells)) }

  /// `(address, size)` tuples encoded with `cells`; nil when a value does not fit (a 64-bit
  /// address in one cell), so a caller never writes a silently truncated `reg`.
  public static func tuples(_ name: String, _ tuples: [RegTuple], cells: CellCounts) -> TreeProperty? {
    var encoded: [UInt32] = []
    for tuple in tuples {
      guard let address = encode(tuple.address, cells: cells.address), let size = encode(tuple.size, cells: cells.size)
      else {
        return nil
      }
      encoded += address + size
    }
    return TreeProperty(name, .cells(encoded))
  }

  /// `ranges` as a `reg`-style property, one tuple each; nil when a value does not fit `cells`.
  public static func reg(_ ranges: [PhysicalRange], named name: String = "reg", cells: CellCounts) -> TreeProperty? {
    tuples(name, ranges.map { RegTuple(address: $0.start, size: $0.size) }, cells: cells)
  }

  /// One number in `count` cells; nil when it does not fit.
  public static func number(_ name: String, _ value: UInt64, cells count: UInt32) -> TreeProperty? {
    encode(value, cells: count).map { TreeProperty(name, .cells($0)) }
  }

  static func encode(_ value: UInt64, cells: UInt32) -> [UInt32]? {
    switch cells {
    case 1: return value <= UInt64(UInt32.max) ? [UInt32(value)] : nil
    case 2: return [UInt32(value >> 32), UInt32(value & 0xffff_ffff)]
    default: return nil
    }
  }

  /// The value as it is stored in a blob.
  public var bytes: [UInt8] {
    switch value {
    case .empty: return []
    case .cells(let cells):
      return cells.flatMap { [UInt8($0 >> 24), UInt8($0 >> 16 & 0xff), UInt8($0 >> 8 & 0xff), UInt8($0 & 0xff)] }
    case .strings(let strings): return strings.flatMap { Array($0.utf8) + [0] }
    case .bytes(let bytes): return bytes
    }
  }
}
