import BootModel
import Foundation
import TestSupport
import Testing

/// `KernelImage` on stand-ins for Debian's kernels (tools/kernel-image-fixtures: the real first
/// bytes, the real banner), and on the real files when DTMEM_KERNEL_IMAGES names the folder
/// holding the unpacked packages (~/.cache/dtmem/kernels).
@Suite struct KernelImageTests {
  static func fixture(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: Repository.fixture("kernel-images/\(name)")))
  }

  @Test func arm64ImagesGiveReleaseVersionSizeAndPageSize() throws {
    let v61 = try KernelImage(Self.fixture("debian-6.1.0-50-arm64.Image-head"))
    #expect(v61.architecture == .arm64)
    #expect(v61.release == "6.1.0-50-arm64")
    #expect(v61.version == .v6_1)
    #expect(v61.textOffset == 0 && v61.imageSize == 0x201_0000 && v61.pageSize == .size4K)
    let v612 = try KernelImage(Self.fixture("debian-6.12.100-arm64.Image-head"))
    #expect(v612.release == "6.12.100+deb12-arm64" && v612.version == .v6_12 && v612.imageSize == 0x2b2_0000)
    let k16 = try KernelImage(Self.fixture("debian-6.12.100-arm64-16k.Image-head"))
    #expect(k16.release == "6.12.100+deb12-arm64-16k" && k16.pageSize == .size16K && k16.imageSize == 0x2bc_0000)
  }

  @Test func bzImagesGiveTheirVersionString() throws {
    let v61 = try KernelImage(Self.fixture("debian-6.1.0-50-amd64.bzImage-head"))
    #expect(v61.architecture == .x86 && v61.release == "6.1.0-50-amd64" && v61.version == .v6_1)
    #expect(v61.banner.hasPrefix("6.1.0-50-amd64 (debian-kernel@lists.debian.org) #1 SMP"))
    #expect(v61.imageSize == nil)
    let v612 = try KernelImage(Self.fixture("debian-6.12.100-amd64.bzImage-head"))
    #expect(v612.release == "6.12.100+deb12-amd64" && v612.version == .v6_12)
  }

  @Test func anUnmodelledReleaseHasNoVersion() throws {
    var bytes = try Self.fixture("debian-6.1.0-50-arm64.Image-head")
    let banner = Array("Linux version 6.1.0-50".utf8)
    let at = try #require((0...(bytes.count - banner.count)).first { Array(bytes[$0..<$0 + banner.count]) == banner })
    bytes.replaceSubrange(at..<at + banner.count, with: Array("Linux version 5.10.0-5".utf8))
    let image = try KernelImage(bytes)
    #expect(image.release == "5.10.0-5-arm64" && image.version == nil)
  }

  @Test func whatIsNotAnImageSaysWhy() throws {
    let header = try Self.fixture("debian-6.1.0-50-arm64.Image-head")
    #expect(throws: KernelImageError.compressed("gzip")) { try KernelImage([0x1f, 0x8b, 8, 0] + header) }
    #expect(throws: KernelImageError.unrecognised) { try KernelImage(Array("/dts-v1/; / { };".utf8)) }
    #expect(throws: KernelImageError.unrecognised) { try KernelImage(Array(header.prefix(63))) }
    #expect(throws: KernelImageError.noVersionString) { try KernelImage(Array(header.prefix(4096))) }
    var bigEndian = header
    bigEndian[24] |= 1
    #expect(throws: KernelImageError.bigEndian) { try KernelImage(bigEndian) }
    var noSize = header
    noSize.replaceSubrange(16..<24, with: [UInt8](repeating: 0, count: 8))
    #expect(throws: KernelImageError.noImageSize) { try KernelImage(noSize) }
    #expect(KernelImageError.compressed("gzip").description.contains("gunzip -c FILE > Image"))
  }

  /// The real Debian files, when the folder is named (documented in README, "--kernel-image").
  @Test(.enabled(if: ProcessInfo.processInfo.environment["DTMEM_KERNEL_IMAGES"] != nil))
  func realDebianKernels() throws {
    let root = URL(fileURLWithPath: ProcessInfo.processInfo.environment["DTMEM_KERNEL_IMAGES"]!)
    let expected: [(String, Architecture, String, PageSize?)] = [
      ("linux-image-6.1.0-50-arm64/boot/vmlinuz-6.1.0-50-arm64", .arm64, "6.1.0-50-arm64", .size4K),
      ("linux-image-6.12.100+deb12-arm64/boot/vmlinuz-6.12.100+deb12-arm64", .arm64, "6.12.100+deb12-arm64", .size4K),
      (
        "linux-image-6.12.100+deb12-arm64-16k/boot/vmlinuz-6.12.100+deb12-arm64-16k", .arm64,
        "6.12.100+deb12-arm64-16k", .size16K
      ),
      ("linux-image-6.1.0-50-amd64/boot/vmlinuz-6.1.0-50-amd64", .x86, "6.1.0-50-amd64", nil),
      ("linux-image-6.12.100+deb12-amd64/boot/vmlinuz-6.12.100+deb12-amd64", .x86, "6.12.100+deb12-amd64", nil),
    ]
    for (path, architecture, release, pageSize) in expected {
      let image = try KernelImage([UInt8](try Data(contentsOf: root.appendingPathComponent(path))))
      #expect(image.architecture == architecture && image.release == release && image.pageSize == pageSize, "\(path)")
      #expect(image.version != nil, "\(path)")
    }
  }
}
