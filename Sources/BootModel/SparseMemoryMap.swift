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
  /// Present sections as runs of consecutive section numbers, in address order. (Half-open
  /// `Range<Int>`: the runtime has its array type prebuilt, where `[ClosedRange<UInt64>]` and its
  /// element type were instantiated at run time. Sections are at least 128 MiB, so their numbers
  /// are far below `Int.max`.)
  public var presentRuns: [Range<Int>]
  /// The buffers in the order the kernel takes them.
  public var buffers: [NodeBuffer]

  public init(memory: [MemoryBlock], layout: SparseMemoryLayout) {
    self.layout = layout
    let section = layout.sectionSize
    // Each block's whole pages, in address order.
    let pages = memory.compactMap { block in
      block.range.roundedInward(to: layout.pageSize).map { MemoryBlock(range: $0, node: block.node) }
    }.sorted { $0.range < $1.range }
    // One pass over the sections each block marks first (each section once, the node of the
    // first block that marks it): present runs join consecutive sections, a node's buffer
    // consecutive sections of that node.
    var runs: [Range<Int>] = []
    var buffers: [NodeBuffer] = []
    var lastMarked: UInt64? = nil
    for block in pages {
      var first = block.range.start / section
      let last = block.range.last / section
      if let lastMarked, first <= lastMarked {
        guard lastMarked < last else { continue }
        first = lastMarked + 1
      }
      lastMarked = last
      if let previous = runs.last, previous.upperBound == Int(first) {
        runs[runs.count - 1] = previous.lowerBound..<Int(last) + 1
      } else {
        runs.append(Int(first)..<Int(last) + 1)
      }
      if let previous = buffers.last, previous.node == block.node {
        buffers[buffers.count - 1].sections += last - first + 1
      } else {
        buffers.append(NodeBuffer(node: block.node, sections: last - first + 1, requested: 0, used: 0))
      }
    }
    presentRuns = runs
    for index in buffers.indices {
      buffers[index].requested = UInt128(buffers[index].sections) * UInt128(layout.sectionBufferSize)
      buffers[index].used = UInt128(buffers[index].sections) * UInt128(layout.sectionMemoryMapSize)
    }
    self.buffers = buffers
  }

  /// The number of present sections.
  public var presentSections: UInt64 { presentRuns.reduce(0) { $0 + UInt64($1.count) } }

  /// Bytes of `struct page` for every present section: what the memory map costs.
  public var bytes: UInt64 { presentSections * layout.sectionMemoryMapSize }

  /// The present sections as address ranges (runs of whole sections).
  public var presentRanges: [PhysicalRange] {
    presentRuns.compactMap { run in
      PhysicalRange(
        start: UInt64(run.lowerBound) * layout.sectionSize,
        end: UInt128(run.upperBound) * UInt128(layout.sectionSize))
    }
  }
}
