public import DeviceTree
public import MemoryModel

/// What the planner needs to know about the tree an overlay will be applied to.
public struct OverlayBase: Hashable, Sendable {
  public var board: BoardMemory
  /// Names of the root's children (`memory@40000000`, `chosen`, …), for unique node names.
  public var rootChildNames: Set<String>

  public init(board: BoardMemory, rootChildNames: Set<String>) {
    self.board = board
    self.rootChildNames = rootChildNames
  }

  /// Reads a blob's memory facts and its root's children.
  public init(tree: FlatDeviceTree) throws(FDTError) {
    self.board = try tree.boardMemory()
    self.rootChildNames = Set(tree.children(of: tree.root).map { tree.name(of: $0) })
  }

  /// Names of `/reserved-memory`'s children.
  public var reservedChildNames: Set<String> { Set(board.reservedMemory?.children.map(\.name) ?? []) }

  /// The memory the base states: available memory nodes' banks (`linux,usable-memory` over
  /// `reg`), merged and sorted.
  public var memory: [PhysicalRange] {
    let ranges: [PhysicalRange] = board.memoryNodes.filter(\.isAvailable).flatMap { node in
      (node.bankSource?.tuples ?? []).compactMap { tuple -> PhysicalRange? in
        tuple.size == 0 ? nil : PhysicalRange(start: tuple.address, size: min(tuple.size, UInt64.max - tuple.address))
      }
    }
    return PhysicalRanges.merged(ranges)
  }
}
