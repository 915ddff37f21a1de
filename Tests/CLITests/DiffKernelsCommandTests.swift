import Foundation
import TestSupport
import Testing

@testable import dtmem

/// `dtmem diff BOARD --kernels OLD,NEW`: one tree booted on two kernels. dts/bsp-carveouts.dts
/// was booted on both (Tests/Fixtures/recorded/arm64-kernels-example.jsonl, replayed by the
/// conformance suites): 6.1 refuses tz@7e000000 (a /memreserve/ entry lies under it) and places
/// modem, video, adsp in its heapsort's order; 6.12 takes tz and places adsp, video, modem.
@Suite struct DiffKernelsCommandTests {
  static let board = "dts/bsp-carveouts.dts"

  @Test func theUpgradeIsReportedLineByLine() throws {
    let result = try InProcess.run(["diff", Self.board, "--kernels", "6.1,6.12"])
    #expect(result.status == 1, "\(result.errorText)")
    let lines = result.text.split(separator: "\n").map(String.init)
    #expect(
      lines.contains(
        "simulated: placement /reserved-memory/modem: modem lands at [0xbf000000-0xbfffffff] on 6.1, "
          + "[0xbe200000-0xbf1fffff] on 6.12"))
    #expect(
      lines.contains(
        "simulated: placement /reserved-memory/adsp: adsp lands at [0xbe000000-0xbe7fffff] on 6.1, "
          + "[0xbf800000-0xbfffffff] on 6.12"))
    #expect(lines.contains { $0.hasPrefix("simulated: accepted /reserved-memory/tz@7e000000: tz@7e000000: failed") })
    #expect(lines.contains { $0.hasPrefix("simulated: no-map memory: ") })
    // The ipa region is static and taken by both: not reported.
    #expect(!result.text.contains("ipa@7fe00000"))
  }

  @Test func theOtherWayRoundSwapsTheSides() throws {
    let result = try InProcess.run(["diff", Self.board, "--kernels", "6.12,6.1"])
    #expect(result.status == 1)
    #expect(result.text.contains("simulated: refused /reserved-memory/tz@7e000000: tz@7e000000: reserved at "))
    #expect(result.text.contains("modem lands at [0xbe200000-0xbf1fffff] on 6.12, [0xbf000000-0xbfffffff] on 6.1"))
  }

  @Test func theJSONNamesBothKernels() throws {
    let result = try InProcess.run(["diff", Self.board, "--kernels", "6.1,6.12", "--json"])
    #expect(result.status == 1)
    let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any]
    #expect(object?["kernel"] as? String == "6.12")
    #expect(object?["kernels"] as? [String] == ["6.1", "6.12"])
    #expect(object?["identical"] as? Bool == false)
    let changes = object?["changes"] as? [[String: Any]] ?? []
    #expect(changes.filter { $0["change"] as? String == "placement" }.count == 3)
  }

  /// The kernel image: 6.1 reserves it from _stext, 64 KiB in; a reserve_mem= only 6.12 has.
  @Test func theImageAndReserveMemDiffer() throws {
    let result = try InProcess.run([
      "diff", "dts/qemu-virt-2g.dts", "--kernels", "6.1,6.12", "--reserve", "0x40200000:0x2010000:kernel",
      "--cmdline", "reserve_mem=16M:4K:oops",
    ])
    #expect(result.status == 1)
    #expect(
      result.text.contains(
        "simulated: placement --reserve: kernel lands at [0x40210000-0x4220ffff] on 6.1, "
          + "[0x40200000-0x4220ffff] on 6.12"))
    #expect(result.text.contains("simulated: accepted cmdline: "))
    #expect(result.text.contains("Linux 6.1 has no reserve_mem="))
  }

  @Test func aTreeBothKernelsBootAlikeIsIdentical() throws {
    let result = try InProcess.run(["diff", "dts/qemu-virt-2g.dts", "--kernels", "6.1,6.12"])
    #expect(result.status == 0)
    #expect(result.text.isEmpty)
  }

  @Test func badUsesAreOneLineErrors() throws {
    let cases: [([String], String)] = [
      (
        ["--kernels", "6.1,6.12", "dts/qemu-virt-2g.dts"],
        "--kernels: compares one tree on two kernels: give A only, not B"
      ),
      (["--kernels", "6.1,6.12", "--kernel", "6.1"], "--kernels: names both kernels: leave out --kernel"),
      (["--kernels", "6.1"], "--kernels 6.1: expected two versions separated by a comma, e.g. 6.1,6.12"),
      (["--kernels", "6.1,5.10"], "--kernels 6.1,5.10: unsupported kernel version '5.10'; supported: 6.1, 6.12"),
      (["--kernels", "6.12,6.12"], "--kernels 6.12,6.12: names the same kernel twice; give two different versions"),
      ([], "diff: missing argument B (or --kernels OLD,NEW to compare A on two kernels)"),
    ]
    for (words, message) in cases {
      let result = try InProcess.run(["diff", Self.board] + words)
      #expect(result.status == 2, "\(words)")
      #expect(result.errorText == "dtmem: error: \(message)\n", "\(words)")
      #expect(result.text.isEmpty, "\(words)")
    }
  }
}
