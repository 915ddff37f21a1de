/// arm64's sparse memory model as Linux 6.12 builds it: the granularity at which memory is
/// described to the page allocator and can be hot-added, onlined or offlined.
extension PageSize {
  /// `1 << SECTION_SIZE_BITS` (arch/arm64/include/asm/sparsemem.h, 5.12+): 128 MiB with 4K and
  /// 16K pages (27 bits), 512 MiB with 64K pages (29 bits). The memory map (`struct page` array)
  /// is allocated per present section, holes included.
  public var sectionSize: UInt64 {
    switch self {
    case .size4K, .size16K: 0x800_0000
    case .size64K: 0x2000_0000
    }
  }

  /// `memory_block_size_bytes()`: arm64 does not override it, so it is `MIN_MEMORY_BLOCK_SIZE`
  /// = one section. Memory is hot-added, onlined and offlined in these blocks
  /// (`/sys/devices/system/memory/block_size_bytes`), and dax/kmem (drivers/dax/kmem.c
  /// `dax_kmem_range()`) rounds a device-dax range inward to them.
  public var memoryBlockSize: UInt64 { sectionSize }
}
