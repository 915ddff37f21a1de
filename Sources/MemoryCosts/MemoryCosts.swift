public import BootModel
public import MemoryModel

/// What a memory layout costs: the kernel's memory map (`struct page` arrays) under
/// sparsemem-vmemmap and what it would be under flatmem, how much of every persistent-memory
/// range dax/kmem can turn into RAM, and what aligning memory or pmem to sections and memory
/// blocks would save. A pure function of memblock memory, the sparse-memory layout (page size)
/// and the pmem ranges.
public struct MemoryCosts: Hashable, Sendable {
  public var layout: SparseMemoryLayout
  /// `sparse_init()`'s view: present sections and the per-node boot buffers.
  public var sparse: SparseMemoryMap
  /// `memmap_sparse_vmemmap`: `struct page` bytes for every present section, holes included.
  public var memoryMap: UInt64
  /// `memmap_holes`: the part of `memoryMap` spent on pages that are not memory.
  public var memoryMapHoles: UInt64
  /// Memory as whole pages, touching ranges merged: what the sections hold.
  public var memoryRanges: [PhysicalRange]
  /// The bytes of memory (whole pages) the present sections hold.
  public var memoryBytes: UInt128
  /// `memmap_flatmem`: one `struct page` per page from the lowest page of memory to the highest.
  public var flatMemoryMap: UInt64
  /// The span flatmem would cover; nil without memory.
  public var flatSpan: PhysicalRange?
  /// Every section that is only partly memory, in address order.
  public var partialSections: [PhysicalRange]
  /// `pmem`: one entry per persistent-memory range.
  public var persistentMemory: [PersistentMemoryCost]
  /// Memory runs that start or end inside a section, and what aligning them would save.
  public var alignment: [SectionAlignment]

  /// - memory: memblock memory at the end of the boot (no-map included), with NUMA nodes.
  /// - persistent: the `pmem-region` ranges (x86: e820 persistent entries), with their source.
  public init(memory: [MemoryBlock], persistent: [(path: String, range: PhysicalRange)], layout: SparseMemoryLayout) {
    self.layout = layout
    sparse = SparseMemoryMap(memory: memory, layout: layout)
    let pages = PhysicalRanges.merged(memory.compactMap { $0.range.roundedInward(to: layout.pageSize) })
    memoryMap = sparse.bytes
    memoryRanges = pages
    memoryBytes = PhysicalRanges.bytes(pages)
    let sectionBytes = UInt128(sparse.presentSections) * UInt128(layout.sectionSize)
    memoryMapHoles = UInt64(
      (sectionBytes - memoryBytes) / UInt128(layout.pageSize) * UInt128(SparseMemoryLayout.structPageSize))
    if let first = pages.first, let last = pages.last, let span = PhysicalRange(start: first.start, end: last.end) {
      flatSpan = span
      flatMemoryMap = span.size / layout.pageSize * SparseMemoryLayout.structPageSize
    } else {
      flatSpan = nil
      flatMemoryMap = 0
    }
    partialSections = Self.partialSections(pages, sectionSize: layout.sectionSize)
    persistentMemory = persistent.map {
      PersistentMemoryCost(path: $0.path, range: $0.range, blockSize: layout.memoryBlockSize)
    }
    alignment = SectionAlignment.offenders(pages, layout: layout)
  }

  /// The sections memory runs start or end inside of. Merged runs neither overlap nor touch,
  /// so a section holding a run's endpoint is whole memory only if that run covers it.
  static func partialSections(_ pages: [PhysicalRange], sectionSize: UInt64) -> [PhysicalRange] {
    var result: [PhysicalRange] = []
    for run in pages {
      for number in [run.start / sectionSize, run.last / sectionSize] {
        guard let whole = PhysicalRange(start: number * sectionSize, size: sectionSize), !run.contains(whole) else {
          continue
        }
        if result.last != whole { result.append(whole) }
      }
    }
    return result
  }
}
