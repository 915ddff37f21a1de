import Foundation
import TestSupport
import Testing

@testable import dtmem

/// `--kernel-image FILE` on every command that runs a boot model: the version comes from the
/// image; on arm64 the image is reserved at QEMU virt's load address as that kernel reserves
/// itself; contradictions and unreadable images are one-line errors.
@Suite struct KernelImageOptionTests {
  static let board = KernelOptionTests.board
  static func image(_ name: String) -> String { Repository.fixture("kernel-images/\(name)").path }
  static let arm64v61 = image("debian-6.1.0-50-arm64.Image-head")
  static let arm64v612 = image("debian-6.12.100-arm64.Image-head")
  static let arm64k16 = image("debian-6.12.100-arm64-16k.Image-head")
  static let x86v61 = image("debian-6.1.0-50-amd64.bzImage-head")

  @Test func everyBootCommandTakesIt() throws {
    for name in KernelOptionTests.bootCommands {
      let command = DTMem.command(named: name)
      #expect(command.map { HelpText.command($0.spec).contains("--kernel-image <file>") } == true, "\(name)")
      var words = KernelOptionTests.arguments(name) + ["--kernel-image", Self.arm64v61]
      words += name == "validate" ? ["--format", "json"] : ["--json"]
      let result = try InProcess.run(words)
      #expect(result.status == 0, "\(name): \(result.errorText)")
      let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any]
      #expect(object?["kernel"] as? String == "6.1", "\(name)")
    }
  }

  /// 6.1 reserves from _stext, 64 KiB into the Image; 6.12 from its start.
  @Test func theImageIsReservedAsThatKernelDoes() throws {
    let v61 = try InProcess.run(["simulate", Self.board, "--kernel-image", Self.arm64v61]).text
    #expect(v61.contains("0x0000000040210000  0x000000004220ffff  32 MiB"), "\(v61)")
    #expect(v61.contains("kernel (6.1.0-50-arm64, --kernel-image)"))
    let v612 = try InProcess.run(["simulate", Self.board, "--kernel-image", Self.arm64v612]).text
    #expect(v612.contains("0x0000000040200000  0x0000000042d1ffff"), "\(v612)")
    // A --reserve …:kernel says where the loader put it instead.
    let moved = try InProcess.run([
      "simulate", Self.board, "--kernel-image", Self.arm64v61, "--reserve", "0x50000000:0x2010000:kernel",
    ]).text
    #expect(moved.contains("0x0000000050010000  0x000000005200ffff") && !moved.contains("--kernel-image)"))
  }

  @Test func theHeaderSetsThePageSize() throws {
    #expect(
      try InProcess.run(["show", Self.board, "--kernel-image", Self.arm64k16]).text.contains("Linux 6.12, 16K pages"))
    let clash = try InProcess.run(["show", Self.board, "--kernel-image", Self.arm64k16, "--page-size", "4K"])
    #expect(clash.status == 2)
    #expect(
      clash.errorText == "dtmem: error: --kernel-image \(Self.arm64k16): its header says 16K pages, but --page-size 4K "
        + "was given\n")
  }

  @Test func contradictionsAndBadFilesAreOneLineErrors() throws {
    let cases: [([String], String)] = [
      (
        ["--kernel", "6.12", "--kernel-image", Self.arm64v61],
        "it holds Linux 6.1.0-50-arm64, but --kernel 6.12 was given"
      ),
      (["--kernel-image", Self.x86v61], "it holds an x86 kernel (Linux 6.1.0-50-amd64), but the boot is arm64"),
      (
        ["--kernel-image", Self.board],
        "neither an arm64 Image (no ARM\\x64 magic at offset 56) nor an x86 bzImage (no HdrS at 0x202)"
      ),
    ]
    for (words, why) in cases {
      let result = try InProcess.run(["simulate", Self.board] + words)
      #expect(result.status == 2 && result.text.isEmpty)
      #expect(result.errorText == "dtmem: error: --kernel-image \(words.last!): \(why)\n", "\(result.errorText)")
    }
  }

  @Test func anUnsupportedVersionListsTheSupportedOnes() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.arm64v61)))
    let banner = Array("Linux version 6.1.0-50".utf8)
    let at = try #require((0...(bytes.count - banner.count)).first { Array(bytes[$0..<$0 + banner.count]) == banner })
    bytes.replaceSubrange(at..<at + banner.count, with: Array("Linux version 5.10.0-5".utf8))
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-Image-5.10-\(UUID().uuidString)")
    try Data(bytes).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try InProcess.run(["show", Self.board, "--kernel-image", file.path])
    #expect(result.status == 2)
    #expect(
      result.errorText
        == "dtmem: error: --kernel-image \(file.path): Linux 5.10.0-5-arm64: unsupported kernel version; supported: "
        + "6.1, 6.12\n")
  }

  /// The x86 model takes the version from a bzImage (a kernel log with a firmware table).
  @Test func aBzImagePicksTheX86Kernel() throws {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-e820-\(UUID().uuidString).log")
    try """
    BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
    BIOS-e820: [mem 0x0000000000100000-0x000000003ffdffff] usable
    BIOS-e820: [mem 0x000000003ffe0000-0x000000003fffffff] reserved

    """.write(to: log, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: log) }
    let result = try InProcess.run(["simulate", log.path, "--kernel-image", Self.x86v61, "--json"])
    #expect(result.status == 0, "\(result.errorText)")
    let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any]
    #expect(object?["kernel"] as? String == "6.1")
    let arm = try InProcess.run(["simulate", log.path, "--kernel-image", Self.arm64v61])
    #expect(
      arm.errorText == "dtmem: error: --kernel-image \(Self.arm64v61): it holds an arm64 kernel (Linux "
        + "6.1.0-50-arm64), but the boot is x86\n")
  }
}
