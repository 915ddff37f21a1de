import Foundation
import TestSupport
import Testing

@testable import BootModel

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

  /// The banner search against the plainest oracle (every offset, `starts(with:)`), on random
  /// buffers seeded with near-misses: the prefix cut short, followed by a non-digit, at either
  /// end, several times, and cut off by the buffer's end.
  @Test func bannerSearchMatchesANaiveScan() {
    func oracle(_ bytes: [UInt8]) -> String? {
      let prefix = KernelImage.bannerPrefix
      guard bytes.count > prefix.count else { return nil }
      for index in 0..<(bytes.count - prefix.count) where bytes[index...].starts(with: prefix) {
        let start = index + prefix.count
        guard (0x30...0x39).contains(bytes[start]) else { continue }
        var end = start
        while end < bytes.count, end - start < 512, bytes[end] != 0, bytes[end] != 0x0a { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
      }
      return nil
    }
    var random = SplitMix64(seed: 0x6c69_6e75_78)
    let pieces: [[UInt8]] = [
      Array("Linux version 6.1.0-50-arm64 (x) #1\n".utf8), Array("Linux version x".utf8),
      Array("Linux versio".utf8), Array("LLinux version 6.12.100\0".utf8), Array("L".utf8),
      Array("Linux version 6".utf8), Array("Linux version ".utf8),
    ]
    var found = 0
    for _ in 0..<3000 {
      var bytes: [UInt8] = (0..<Int.random(in: 0...64, using: &random)).map { _ in
        [0x00, 0x0a, 0x4c, 0x36, 0x20, 0x78].randomElement(using: &random)!
      }
      for _ in 0..<Int.random(in: 0...3, using: &random) {
        bytes.insert(
          contentsOf: pieces.randomElement(using: &random)!, at: Int.random(in: 0...bytes.count, using: &random))
      }
      let expected = oracle(bytes)
      #expect(KernelImage.linuxBanner(bytes) == expected, "\(bytes)")
      if expected != nil { found += 1 }
    }
    #expect(found > 300, "the generator must plant real banners often")
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
