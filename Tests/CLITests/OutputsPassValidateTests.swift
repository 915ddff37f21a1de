import Foundation
import TestSupport
import Testing

/// What dtmem writes passes dtmem's own checks (issue 12, item 8): every `to-dts` output, from
/// the goldens' inputs and from memmap= lines, and every `to-overlay` golden applied to its base,
/// validate without an error or warning (`--werror` exits 0; info is allowed).
@Suite struct OutputsPassValidateTests {
  static let qemuReserve = ["--reserve", "0x40200000:0x2b20000:kernel", "--reserve", "0x48000000:0x10000:dtb"]

  static func scratch() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-passes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  /// `to-dts WORDS -o FILE`, then `validate --werror FILE`.
  static func expectToDTSValidates(_ words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.dts").path
    let written = try InProcess.run(["to-dts"] + words + ["-o", out])
    #expect(written.status == 0, "\(words): \(written.errorText)", sourceLocation: sourceLocation)
    let checked = try InProcess.run(["validate", "--werror", out])
    #expect(checked.status == 0, "\(words): \(checked.text)", sourceLocation: sourceLocation)
  }

  @Test(arguments: [
    // The case: a reservation inside the RAM exactmap gives.
    "memmap=exactmap memmap=2G@0x40000000 memmap=64M$0x90000000",
    "memmap=exactmap memmap=2G@0x40000000 memmap=64M$0x90000000 memmap=16M#0xa0000000 memmap=1M$0x40000000",
    "memmap=exactmap memmap=640K@0 memmap=1G@1M memmap=128M$0x10000000",
    "memmap=exactmap memmap=4G@0x80000000 memmap=1G!0x200000000 memmap=4K$0xbffff000",
  ])
  func toDTSOfAMemmapLineValidates(_ line: String) throws {
    try Self.expectToDTSValidates([line])
  }

  /// The to-dts golden's input (Tests/Fixtures/golden/to-dts.qemu-pc-5g.txt).
  @Test func toDTSGoldenValidates() throws {
    try Self.expectToDTSValidates(["dts/fixtures/overlay/qemu-pc-5g.e820.log"])
  }

  /// Each board's e820 view back to a device tree.
  @Test(arguments: ["cma-carveouts.dts", "dram-hole-3g.dts", "pmem-dax.dts", "qemu-virt-2g.dts"])
  func toDTSOfABoardsE820Validates(_ board: String) throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let e820 = directory.appendingPathComponent("board.e820").path
    #expect(try InProcess.run(["to-e820", "dts/\(board)", "-o", e820]).status == 0)
    try Self.expectToDTSValidates([e820])
  }

  /// The to-overlay golden (Tests/Fixtures/golden/to-overlay.qemu-virt-2g.txt) applied to its base.
  @Test func toOverlayGoldenAppliedValidates() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let overlay = directory.appendingPathComponent("o.dtbo").path
    let applied = directory.appendingPathComponent("applied.dtb").path
    let made = try InProcess.run(
      ["to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", OverlayCommandTests.cmdline, "-o", overlay] + Self.qemuReserve
    )
    #expect(made.status == 0, "\(made.errorText)")
    let apply = try InProcess.run(["apply", "dts/qemu-virt-2g.dts", overlay, "-o", applied] + Self.qemuReserve)
    #expect(apply.status == 0, "\(apply.errorText)")
    let checked = try InProcess.run(["validate", "--werror", applied] + Self.qemuReserve)
    #expect(checked.status == 0, "\(checked.text)")
  }
}
