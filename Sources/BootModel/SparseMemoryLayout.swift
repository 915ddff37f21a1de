internal import MemoryModel

/// How Linux 6.12 describes memory to its page allocator (`CONFIG_SPARSEMEM_VMEMMAP`, as
/// Debian builds arm64 and x86-64): in sparsemem sections, each with a `struct page` per page;
/// memory is hot-added, onlined and offlined in memory blocks.
///
/// The section's `struct page` array is what `sparse_init()` populates for every present
/// section — one that holds any page of memblock memory, no-map memory included
/// (`memblocks_present()` walks `memblock.memory` whatever its flags) — holes included.
public struct SparseMemoryLayout: Hashable, Sendable {
  public var architecture: Architecture
  public var pageSize: UInt64
  /// `1 << SECTION_SIZE_BITS`.
  public var sectionSize: UInt64
  /// `memory_block_size_bytes()`: the unit dax/kmem hot-adds (drivers/dax/kmem.c
  /// `dax_kmem_range()` rounds a range inward to it).
  public var memoryBlockSize: UInt64
  /// `PMD_SIZE`: `section_map_size()` rounds each section's share of the boot buffer up to it.
  public var pmdSize: UInt64
  /// Why `memoryBlockSize` is what it is, when it depends on more than the page size.
  public var memoryBlockNote: String?

  /// `sizeof(struct page)` in Debian's 6.12 builds: 64 bytes. The recorded boots show it:
  /// `memmap_alloc()` asks for 2 MiB per 128 MiB section with 4K pages (32768 pages), and
  /// keeps 512 KiB of it per section with 16K pages (8192 pages).
  public static let structPageSize: UInt64 = 64

  /// arm64 (arch/arm64/include/asm/sparsemem.h, mm/memory.c defaults): sections and memory
  /// blocks of 128 MiB with 4K and 16K pages, 512 MiB with 64K; the PMD maps 2 MiB, 32 MiB or
  /// 512 MiB.
  public static func arm64(_ pageSize: PageSize) -> SparseMemoryLayout {
    SparseMemoryLayout(
      architecture: .arm64, pageSize: pageSize.bytes, sectionSize: pageSize.sectionSize,
      memoryBlockSize: pageSize.memoryBlockSize, pmdSize: pageSize.cmaMinimumAlignment, memoryBlockNote: nil)
  }

  /// x86-64 (arch/x86/include/asm/sparsemem.h: `SECTION_SIZE_BITS` 27), 4K pages, 2 MiB PMD.
  /// `probe_memory_block_size()` (arch/x86/mm/init_64.c) keeps 128 MiB blocks while memory ends
  /// below 64 GiB; above, it takes 2 GiB on bare metal and, under a hypervisor, the largest
  /// power of two up to 2 GiB that the end of memory is aligned to. `memoryEnd` is the end of
  /// the highest memory (`max_pfn << PAGE_SHIFT`).
  public static func x86(memoryEnd: UInt128) -> SparseMemoryLayout {
    let small: UInt64 = 0x800_0000
    let large: UInt64 = 0x8000_0000
    guard memoryEnd >= 64 << 30 else {
      return SparseMemoryLayout(
        architecture: .x86, pageSize: 0x1000, sectionSize: small, memoryBlockSize: small, pmdSize: 0x20_0000,
        memoryBlockNote: nil)
    }
    var virtualized = large
    while virtualized > small && memoryEnd % UInt128(virtualized) != 0 { virtualized >>= 1 }
    return SparseMemoryLayout(
      architecture: .x86, pageSize: 0x1000, sectionSize: small, memoryBlockSize: large, pmdSize: 0x20_0000,
      memoryBlockNote: "memory ends at or above 64 GiB: 2 GiB memory blocks on bare metal; under a hypervisor "
        + "\(ByteCount.human(virtualized)) (the largest power of two up to 2 GiB the end of memory is aligned to)")
  }

  public var pagesPerSection: UInt64 { sectionSize / pageSize }

  /// The `struct page` array of one section.
  public var sectionMemoryMapSize: UInt64 { pagesPerSection * Self.structPageSize }

  /// `section_map_size()` (mm/sparse.c, vmemmap): one section's share of the buffer
  /// `sparse_buffer_init()` takes per node — the array rounded up to `PMD_SIZE`. With 4K pages
  /// that is the array itself (2 MiB); with 16K pages 32 MiB per section of which 512 KiB are
  /// used, and `sparse_buffer_fini()` gives the rest back.
  public var sectionBufferSize: UInt64 { Alignment.up(sectionMemoryMapSize, pmdSize) ?? sectionMemoryMapSize }
}
