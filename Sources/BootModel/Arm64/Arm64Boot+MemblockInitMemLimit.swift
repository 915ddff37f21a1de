internal import MemoryModel

/// `mem=` on arm64, in `arm64_memblock_init()` (arch/arm64/mm/init.c), the same in Linux 6.1.176
/// and 6.12.100:
///
///     if (memory_limit != PHYS_ADDR_MAX) {
///             memblock_mem_limit_remove_map(memory_limit);
///             memblock_add(__pa_symbol(_text), (u64)(_end - _text));
///     }
///
/// The first `mem=` bytes of memory stay (an amount counted from the lowest bank, not an
/// address), and then the whole kernel image is memory again, from `_text` — the start of the
/// `Image` — even on 6.1, which reserves it only from `_stext`. Recorded: with `mem=2M`…`45M` the
/// memory is one range up to the Image's end (6.12 `0x42d1ffff`, 6.1 `0x4220ffff`, 16K pages
/// `0x42dbffff`), with `mem=1M` the first MiB and the Image with a hole between
/// (arm64-memcap-*, arm64-61-memcap-*, arm64-16k-rec-0023/0024). `linux,usable-memory-range`
/// caps memory without this (arm64-memcap-0018).
extension Arm64BootState {
  /// What `memblock_add(_text, _end - _text)` adds back for the Image the loader placed at `image`.
  func imageAddedBackAfterMemLimit(_ image: PhysicalRange) -> PhysicalRange {
    switch request.kernel {
    case .v6_1, .v6_12: image
    }
  }

  mutating func arm64MemblockInitMemoryLimit() -> [String] {
    guard let limit = memoryLimit else { return [] }
    memblock.limitMemory(to: limit)
    guard let image = kernelImage.map(imageAddedBackAfterMemLimit) else { return [] }
    memblock.addMemory(image.start, image.size)
    return ["kernel image \(Hex.padded(image.start))-\(Hex.padded(image.last)) added back as memory (_text.._end)"]
  }
}
