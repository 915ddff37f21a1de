public import DeviceTree
public import MemoryModel

/// What the planner needs to know about the tree an overlay will be applied to.
public struct OverlayBase: Hashable, Sendable {
  public var board: BoardMemory
  /// Names of the root's children (`memory@40000000`, `chosen`, …), for unique node names.
  public var rootChildNames: Set<String>
  /// RAM banks that replace the base's memory nodes when it boots (`--memory`: the bootloader
  /// fills them in), or nil when the base's own memory nodes hold its RAM.
  public var memoryOverride: [PhysicalRange]?

  /// Reads a blob's memory facts and its root's children.
  public init(tree: FlatDeviceTree) throws(FDTError) {
    self.init(tree: tree, board: try tree.boardMemory())
  }

  /// A blob whose memory facts are already read.
  public init(tree: FlatDeviceTree, board: BoardMemory, memoryOverride: [PhysicalRange]? = nil) {
    self.board = board
    self.memoryOverride = memoryOverride
    self.rootChildNames = Set(tree.children(of: tree.root).map { tree.name(of: $0) })
  }

  /// Names of `/reserved-memory`'s children.
  public var reservedChildNames: Set<String> { Set(board.reservedMemory?.children.map(\.name) ?? []) }
}
