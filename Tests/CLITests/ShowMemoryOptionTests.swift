import Foundation
import TestSupport
import Testing

/// `show` lists the banks the model uses: `--memory` when given, the blob's own nodes then
/// marked replaced; overlapping `--memory` banks are refused (issue 12, item 7).
@Suite struct ShowMemoryOptionTests {
  static let board = "dts/qemu-virt-2g.dts"

  @Test func memoryBanksAreTheOnesTheModelUses() throws {
    let result = try InProcess.run(["show", Self.board, "--memory", "0x40000000:1G", "--memory", "0x100000000:1G"])
    #expect(result.status == 0, "\(result.errorText)")
    let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let title = try #require(lines.firstIndex { $0.hasPrefix("Memory banks") })
    #expect(lines[title] == "Memory banks (--memory; the device tree's are replaced)")
    #expect(lines[title + 2].hasPrefix("  0x0000000040000000  0x000000007fffffff  1 GiB"))
    #expect(lines[title + 2].hasSuffix("--memory option"))
    #expect(lines[title + 3].hasPrefix("  0x0000000100000000  0x000000013fffffff  1 GiB"))
    #expect(lines[title + 4].hasSuffix("/memory@40000000 reg, replaced by --memory"))
    let json = try InProcess.run(["show", Self.board, "--memory", "0x40000000:1G", "--json"])
    let document = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    let banks = try #require(document["banks"] as? [[String: Any]])
    #expect(banks.map { $0["path"] as? String } == ["--memory", "/memory@40000000"])
    #expect(banks.map { $0["used"] as? Bool } == [true, false])
  }

  @Test func withoutMemoryTheBlobsBanksAreUsed() throws {
    let result = try InProcess.run(["show", Self.board])
    #expect(result.text.contains("Memory banks (device tree)\n"))
    #expect(!result.text.contains("replaced by --memory"))
  }

  @Test func overlappingMemoryBanksAreRefused() throws {
    for command in ["show", "validate", "simulate"] {
      let result = try InProcess.run([command, Self.board, "--memory", "0x40000000:2G", "--memory", "0x80000000:1G"])
      #expect(result.status == 2, "\(command)")
      #expect(
        result.errorText
          == "dtmem: error: --memory: 0x40000000:0x80000000 and 0x80000000:0x40000000 overlap: give each RAM bank "
          + "once\n")
      #expect(result.text.isEmpty)
    }
    // Touching banks are fine.
    #expect(
      try InProcess.run(["show", Self.board, "--memory", "0x40000000:1G", "--memory", "0x80000000:1G"]).status == 0)
  }
}
