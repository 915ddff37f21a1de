#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// What a kernel image file says about the kernel it holds (`--kernel-image`): its architecture,
/// its release (`6.1.0-50-arm64`), the modelled version that release is, and on arm64 the
/// header's `text_offset`, `image_size` and page size.
///
/// - arm64 `Image` (Documentation/arch/arm64/booting.rst): `text_offset` (u64 LE at 8),
///   `image_size` (u64 at 16: `_end - _text`, what the kernel occupies from where it is loaded),
///   `flags` (u64 at 24: bits 1–2 page size, 1 = 4K, 2 = 16K, 3 = 64K), magic `ARM\x64` at 56;
///   the release is the `Linux version RELEASE …` banner inside (`linux_banner`). Debian 12's arm64
///   `vmlinuz` is such an Image, not compressed.
/// - x86 `bzImage` (Documentation/arch/x86/boot.rst): `HdrS` at 0x202, protocol at 0x206 (≥ 2.00
///   for `kernel_version`), `kernel_version` (u16 at 0x20e): the release string's offset minus 0x200.
public struct KernelImage: Hashable, Sendable {
  public var architecture: Architecture
  /// `6.1.0-50-arm64`: the banner's first word.
  public var release: String
  /// The whole banner or version string, for messages.
  public var banner: String
  /// The modelled version with the release's major and minor number; nil when dtmem models no such.
  public var version: KernelVersion?
  /// arm64: `text_offset` and `image_size` from the header; nil on x86.
  public var textOffset: UInt64?
  public var imageSize: UInt64?
  /// arm64: the page size the header states; nil when it says none (flags bits 1–2 zero) or on x86.
  public var pageSize: PageSize?

  /// QEMU `virt`'s load address for an arm64 Image (RAM at 0x40000000, Image 2 MiB in), used when
  /// no `--reserve …:kernel` says where the loader put it.
  public static let qemuVirtLoadAddress: UInt64 = 0x4020_0000

  static let arm64Magic: UInt32 = 0x644d_5241
  static let bannerPrefix = Array("Linux version ".utf8)

  public init(_ bytes: [UInt8]) throws(KernelImageError) {
    if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b { throw .compressed("gzip") }
    if bytes.count >= 8, bytes[0] == 0x4d, bytes[1] == 0x5a, Array(bytes[4..<8]) == Array("zimg".utf8) {
      throw .compressed("EFI zboot (a compressed Image inside a PE file)")
    }
    if bytes.count >= 64, Self.u32(bytes, 56) == Self.arm64Magic {
      self = try Self.arm64(bytes)
    } else if bytes.count >= 0x210, Array(bytes[0x202..<0x206]) == Array("HdrS".utf8) {
      self = try Self.x86(bytes)
    } else {
      throw .unrecognised
    }
  }

  init(
    architecture: Architecture, banner: String, textOffset: UInt64? = nil, imageSize: UInt64? = nil,
    pageSize: PageSize? = nil
  ) {
    self.architecture = architecture
    self.banner = banner
    release = String(banner.prefix { $0 != " " })
    version = KernelVersion(release: release)
    self.textOffset = textOffset
    self.imageSize = imageSize
    self.pageSize = pageSize
  }

  static func arm64(_ bytes: [UInt8]) throws(KernelImageError) -> KernelImage {
    let flags = u64(bytes, 24)
    if flags & 1 != 0 { throw .bigEndian }
    let size = u64(bytes, 16)
    guard size != 0 else { throw .noImageSize }
    let page: PageSize? =
      switch (flags >> 1) & 3 {
      case 1: .size4K
      case 2: .size16K
      case 3: .size64K
      default: nil
      }
    guard let banner = linuxBanner(bytes) else { throw .noVersionString }
    return KernelImage(
      architecture: .arm64, banner: banner, textOffset: u64(bytes, 8), imageSize: size, pageSize: page)
  }

  static func x86(_ bytes: [UInt8]) throws(KernelImageError) -> KernelImage {
    let protocolVersion = UInt16(bytes[0x206]) | UInt16(bytes[0x207]) << 8
    let pointer = Int(UInt16(bytes[0x20e]) | UInt16(bytes[0x20f]) << 8)
    guard protocolVersion >= 0x200, pointer != 0 else { throw .noVersionString }
    let start = pointer + 0x200
    guard start < bytes.count else { throw .noVersionString }
    let end = bytes[start...].firstIndex(of: 0) ?? bytes.count
    let text = String(decoding: bytes[start..<min(end, start + 512)], as: UTF8.self)
    guard text.first?.isNumber == true else { throw .noVersionString }
    return KernelImage(architecture: .x86, banner: text)
  }

  /// The text after the first `Linux version ` that a digit follows, to the end of its line.
  /// `memchr` finds each candidate `L` (glibc's is vectorised), so a 33 MB Image is scanned in a
  /// few milliseconds instead of a byte-at-a-time loop's ~85 M instructions.
  static func linuxBanner(_ bytes: [UInt8]) -> String? {
    let prefix = bannerPrefix
    return bytes.withUnsafeBufferPointer { buffer -> String? in
      guard let base = buffer.baseAddress, buffer.count > prefix.count else { return nil }
      let last = buffer.count - prefix.count - 1
      var index = 0
      while index <= last {
        guard let hit = memchr(base + index, Int32(prefix[0]), last - index + 1) else { return nil }
        index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        let start = index + prefix.count
        if memcmp(base + index, prefix, prefix.count) == 0, (0x30...0x39).contains(buffer[start]) {
          var end = start
          while end < buffer.count, end - start < 512, buffer[end] != 0, buffer[end] != 0x0a { end += 1 }
          return String(decoding: buffer[start..<end], as: UTF8.self)
        }
        index += 1
      }
      return nil
    }
  }

  static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
  }

  static func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
    (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
  }
}

/// Why a file is not a kernel image dtmem can read.
public enum KernelImageError: Error, Equatable, CustomStringConvertible {
  case compressed(String)
  case unrecognised
  case bigEndian
  case noImageSize
  case noVersionString

  public var description: String {
    switch self {
    case .compressed(let how):
      "\(how)-compressed; decompress it first (gunzip -c FILE > Image). Debian's own arm64 vmlinuz is an "
        + "uncompressed Image"
    case .unrecognised:
      "neither an arm64 Image (no ARM\\x64 magic at offset 56) nor an x86 bzImage (no HdrS at 0x202)"
    case .bigEndian: "a big-endian arm64 Image; dtmem models little-endian arm64 only"
    case .noImageSize: "an arm64 Image with image_size 0 (older than Linux 3.17): its extent is unknown"
    case .noVersionString: "no Linux version string found in it"
    }
  }
}
