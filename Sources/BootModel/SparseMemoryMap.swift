public import MemoryModel

/// The memory map (`struct page` arrays) Linux 6.12 builds over memblock memory at boot:
/// `sparse_init()` (mm/sparse.c) with `CONFIG_SPARSEMEM_VMEMMAP`.
///
/// - `memblocks_present()` marks every section holding a page of memblock memory present
///   (pages counted as `for_each_mem_pfn_range()` does: PFN_UP(start) to PFN_DOWN(end); no-map
///   memory counts). A section takes the node of the first memory that marks it.
/// - `sparse_init()` walks the present sections in order and calls `sparse_init_nid()` for
///   each run of consecutive present sections with the same node: `sparse_buffer_init()`
///   allocates one buffer of `present sections × section_map_size()` (`memmap_alloc()`, node
///   exact), `vmemmap_populate()` maps each whole section's array out of it — 2 MiB PMD
///   mappings with 4K pages, base pages otherwise — and `sparse_buffer_fini()` frees what is
///   left. When the buffer cannot be allocated, every page of the arrays is allocated one by one
///   instead; the arrays cost the same.
public struct SparseMemoryMap: Hashable, Sendable {
  /// One `sparse_init_nid()` call.
  public struct NodeBuffer: Hashable, Sendable {
    public var node: Int
    /// Present sections in the run.
    public var sections: UInt64
    /// What `sparse_buffer_init()` asks for: `sections × section_map_size()`.
    public var requested: UInt128
    /// What the `struct page` arrays use of it (the rest is freed by `sparse_buffer_fini()`).
    public var used: UInt128
  }

  public var layout: SparseMemoryLayout
  /// Present sections as runs of consecutive section numbers, in address order.
  public var presentRuns: [ClosedRange<UInt64>]
  /// The buffers in the order the kernel takes them.
  public var buffers: [NodeBuffer]

  public init(memory: [MemoryBlock], layout: SparseMemoryLayout) {
    self.layout = layout
    let section = layout.sectionSize
    // (first section, last section, node) in address order; each section once.
    var owned: [(first: UInt64, last: UInt64, node: Int)] = []
    let pages = memory.compactMap { block in block.range.roundedInward(to: layout.pageSize).map { ($0, block.node) } }
    for (range, node) in pages.sorted(by: { $0.0 < $1.0 }) {
      var first = range.start / section
      let last = range.last / section
      if let previous = owned.last, first <= previous.last {
        guard previous.last < last else { continue }
        first = previous.last + 1
      }
      if let previous = owned.last, previous.node == node, previous.last + 1 == first {
        owned[owned.count - 1].last = last
      } else {
        owned.append((first, last, node))
      }
    }
    var runs: [ClosedRange<UInt64>] = []
    for piece in owned {
      if let previous = runs.last, previous.upperBound + 1 == piece.first {
        runs[runs.count - 1] = previous.lowerBound...piece.last
      } else {
        runs.append(piece.first...piece.last)
      }
    }
    presentRuns = runs
    var buffers: [NodeBuffer] = []
    for piece in owned {
      let count = piece.last - piece.first + 1
      if let previous = buffers.last, previous.node == piece.node {
        buffers[buffers.count - 1].sections += count
      } else {
        buffers.append(NodeBuffer(node: piece.node, sections: count, requested: 0, used: 0))
      }
    }
    for index in buffers.indices {
      buffers[index].requested = UInt128(buffers[index].sections) * UInt128(layout.sectionBufferSize)
      buffers[index].used = UInt128(buffers[index].sections) * UInt128(layout.sectionMemoryMapSize)
    }
    self.buffers = buffers
  }

  /// The number of present sections.
  public var presentSections: UInt64 { presentRuns.reduce(0) { $0 + ($1.upperBound - $1.lowerBound + 1) } }

  /// Bytes of `struct page` for every present section: what the memory map costs.
  public var bytes: UInt64 { presentSections * layout.sectionMemoryMapSize }

  /// The present sections as address ranges (runs of whole sections).
  public var presentRanges: [PhysicalRange] {
    presentRuns.compactMap { run in
      PhysicalRange(
        start: run.lowerBound * layout.sectionSize,
        end: UInt128(run.upperBound + 1) * UInt128(layout.sectionSize))
    }
  }
}
