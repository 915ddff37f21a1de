import BootModel
import DeviceTree
import FirmwareTables
import Foundation
import MemoryModel
import TestSupport
import Testing
import Validate

/// Every rule fires on its `.bad.dts` and stays silent on its `.good.dts`
/// (dts/fixtures/rules). A `// also: RULE…` line names other rules the fixture legitimately
/// fires too (an unaligned bank also leaves a sparsemem hole); nothing else may fire.
@Suite struct RuleFixtureTests {
  static let directory = Repository.path("dts/fixtures/rules")

  struct Fixture {
    var findings: [Finding]
    var also: Set<String>
  }

  static func load(_ name: String) throws -> Fixture {
    let url = directory.appendingPathComponent(name)
    let source = try String(contentsOf: url, encoding: .utf8)
    let also =
      source.split(separator: "\n").first { $0.hasPrefix("// also:") }
      .map { Set($0.dropFirst("// also:".count).split(separator: " ").map(String.init)) } ?? []
    let tree = try FlatDeviceTree(bytes: DTC.compile(file: url))
    let board = try tree.boardMemory()
    // `// efi-memmap: FILE`: the tree was booted through UEFI with that map (next to the fixture).
    let map = try source.split(separator: "\n").first { $0.hasPrefix("// efi-memmap:") }.map { line in
      let name = line.dropFirst("// efi-memmap:".count).trimmingCharacters(in: .whitespaces)
      return try UEFIMemoryMap.decode(Array(try Data(contentsOf: directory.appendingPathComponent(name))))
    }
    let request = BootRequest(.deviceTree(board), efiMemoryMap: map)
    return Fixture(findings: try Validator.validate(request), also: also)
  }

  @Test(arguments: RuleCatalog.all.map(\.id))
  func badFixtureFiresExactlyItsRule(_ id: String) throws {
    let fixture = try Self.load("\(id).bad.dts")
    #expect(fixture.findings.contains { $0.rule == id }, "\(id).bad.dts does not fire \(id): \(fixture.findings)")
    let others = fixture.findings.filter { $0.rule != id && !fixture.also.contains($0.rule) }
    #expect(others.isEmpty, "\(id).bad.dts also fires: \(others.map { "[\($0.rule)] \($0.message)" })")
    for finding in fixture.findings {
      #expect(!finding.message.isEmpty && !finding.message.contains("\n"), "one-line message: \(finding)")
      #expect(
        finding.path.hasPrefix("/") || finding.path == "cmdline" || finding.path == "--efi-memmap",
        "path: \(finding.path)")
    }
  }

  @Test(arguments: RuleCatalog.all.map(\.id))
  func goodFixtureDoesNotFireIt(_ id: String) throws {
    let fixture = try Self.load("\(id).good.dts")
    #expect(!fixture.findings.contains { $0.rule == id }, "\(id).good.dts fires \(id)")
    let others = fixture.findings.filter { !fixture.also.contains($0.rule) }
    #expect(others.isEmpty, "\(id).good.dts fires: \(others.map { "[\($0.rule)] \($0.message)" })")
  }

  @Test func everyFixtureBelongsToARule() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".dts") }
    let expected = Set(RuleCatalog.all.flatMap { ["\($0.id).bad.dts", "\($0.id).good.dts"] })
    #expect(
      Set(names) == expected, "orphans: \(Set(names).subtracting(expected)); missing: \(expected.subtracting(names))")
  }
}
