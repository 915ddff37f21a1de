public import MemoryModel

/// What of a persistent-memory range can become System RAM: dax/kmem hot-adds a device-dax
/// range rounded inward to whole memory blocks (drivers/dax/kmem.c `dax_kmem_range()`; a range
/// without one is rejected, "rejecting DAX region without any memory after alignment").
public struct PersistentMemoryCost: Hashable, Sendable {
  /// The node (`/pmem@…`) or table entry it comes from.
  public var path: String
  public var range: PhysicalRange
  public var blockSize: UInt64
  /// The whole memory blocks inside the range; nil when there is none.
  public var usable: PhysicalRange?

  public init(path: String, range: PhysicalRange, blockSize: UInt64) {
    self.path = path
    self.range = range
    self.blockSize = blockSize
    usable = range.roundedInward(to: blockSize)
  }

  /// `usable_as_ram`.
  public var usableBytes: UInt64 { usable?.size ?? 0 }
  /// `lost_to_alignment`: the head and tail outside whole blocks.
  public var lostBytes: UInt64 { range.size - usableBytes }
  /// What would be usable if the range started on a block boundary (same size).
  public var usableIfAligned: UInt64 { Alignment.down(range.size, blockSize) }

  /// A device tree's persistent memory: every range of its available `pmem-region` nodes
  /// (drivers/nvdimm/of_pmem.c makes one region of each), with the node's path.
  public static func ranges(of board: BoardMemory) -> [(path: String, range: PhysicalRange)] {
    board.persistentRegions.filter(\.isAvailable).flatMap { region in
      (region.reg?.nonEmptyRanges ?? []).map { (path: region.path, range: $0) }
    }
  }
}
