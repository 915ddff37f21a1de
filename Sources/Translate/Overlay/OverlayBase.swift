public import DeviceTree
public import MemoryModel

/// What the planner needs to know about the tree an overlay will be applied to.
public struct OverlayBase: Hashable, Sendable {
  public var board: BoardMemory
  /// Names of the root's children (`memory@40000000`, `chosen`, …), for unique node names.
  public var rootChildNames: Set<String>

  /// Reads a blob's memory facts and its root's children.
  public init(tree: FlatDeviceTree) throws(FDTError) {
    self.init(tree: tree, board: try tree.boardMemory())
  }

  /// A blob whose memory facts are already read.
  public init(tree: FlatDeviceTree, board: BoardMemory) {
    self.board = board
    self.rootChildNames = Set(tree.children(of: tree.root).map { tree.name(of: $0) })
  }

  /// Names of `/reserved-memory`'s children.
  public var reservedChildNames: Set<String> { Set(board.reservedMemory?.children.map(\.name) ?? []) }
}
