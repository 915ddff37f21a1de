internal import MemoryModel

extension Arm64BootState {
  /// How far `_stext` lies past `_text`, the start of the `Image`, in Linux 6.1's arm64 link
  /// (arch/arm64/kernel/vmlinux.lds.S: the header and `.head.text`, then `.text` aligned to
  /// `SEGMENT_ALIGN`, 64 KiB).
  static let imageHeadBytes61: UInt64 = 0x1_0000

  /// What `arm64_memblock_init()` reserves of the kernel image the loader placed at `image`:
  /// Linux 6.1 `memblock_reserve(__pa_symbol(_stext), _end - _stext)`, so the Image's first
  /// 64 KiB stay free memory; 6.12 reserves from `_text`, the whole Image.
  func reservedKernelImage(_ image: PhysicalRange) -> PhysicalRange {
    switch request.kernel {
    case .v6_12: return image
    case .v6_1:
      guard image.size > Self.imageHeadBytes61 else { return image }
      return PhysicalRange(start: image.start + Self.imageHeadBytes61, cappedSize: image.size - Self.imageHeadBytes61)
    }
  }
}
