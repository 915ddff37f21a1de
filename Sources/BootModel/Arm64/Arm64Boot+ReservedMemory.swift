internal import MemoryModel

/// One entry of the kernel's `reserved_mem[]` table.
struct ReservedMemoryRecord: Hashable, Sendable {
  /// The child's position in `/reserved-memory` (stands in for its FDT offset, which orders the
  /// same way).
  var childIndex: Int
  /// What the kernel records: name, base, size, flags.
  var region: RecordedRegion
  /// Its entry in the result's reservation list.
  var reservationIndex: Int

  var name: String { region.node.name }
  var base: UInt64 { region.base }
  var size: UInt64 { region.size }
}

extension ReservedNode {
  init(_ child: ReservedRegionNode) { self.init(name: child.name, path: child.path) }
}

/// `/reserved-memory` (drivers/of/of_reserved_mem.c, Linux 6.12): what the passes share.
extension Arm64BootState {
  /// `MAX_RESERVED_REGIONS`.
  static let maximumRecords = 64

  /// `__reserved_mem_check_root()`: the node's cell counts must equal the root's and `ranges`
  /// must exist, or the kernel ignores the whole node.
  var reservedMemoryFormatIsSupported: Bool {
    guard let node = board.reservedMemory else { return false }
    return node.formatProblems(rootCells: board.rootCells).isEmpty
  }

  var tupleBytes: Int { board.rootCells.tupleBytes }
}

extension ReservedRegionNode {
  /// `of_flat_dt_is_compatible(node, "shared-dma-pool")` (case-insensitive, any entry).
  var isSharedDMAPool: Bool { compatible.contains { $0.lowercased() == "shared-dma-pool" } }
}
