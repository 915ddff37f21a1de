import Foundation
import FoundationXML
import TestSupport
import Testing

@testable import dtmem

/// `--format svg|map` on show, diff and apply, and the "Costs" section, end to end through the
/// built binary: goldens, files written atomically, exit statuses, one-line errors.
@Suite struct PictureCommandTests {
  static func wellFormed(_ text: String) -> Bool {
    final class Errors: NSObject, XMLParserDelegate {
      var failed = false
      func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { failed = true }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let errors = Errors()
    parser.delegate = errors
    return parser.parse() && !errors.failed
  }

  @Test func showSVGMatchesGolden() throws {
    let result = try InProcess.run(["show", "dts/cma-carveouts.dts", "--format", "svg"])
    #expect(result.status == 0, "\(result.errorText)")
    #expect(Self.wellFormed(result.text))
    let failure = Golden.check(result.text, against: "cma-carveouts.show.svg")
    #expect(failure == nil, "\(failure ?? "")")
    // The README's picture is the same document.
    let readme = try String(contentsOf: Repository.path("docs/cma-carveouts.svg"), encoding: .utf8)
    #expect(
      readme == result.text,
      "docs/cma-carveouts.svg is stale: dtmem show dts/cma-carveouts.dts --format svg -o docs/cma-carveouts.svg")
  }

  /// The process with standard output in a pipe: not a terminal, so 80 columns and no colour.
  @Test func showMapMatchesGolden() throws {
    let result = try DTMemBinary.run(["show", "dts/cma-carveouts.dts", "--format", "map"])
    #expect(result.status == 0, "\(result.errorText)")
    #expect(!result.text.contains("\u{1B}"))
    #expect(result.text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    let failure = Golden.check(result.text, against: "cma-carveouts.show.map.txt")
    #expect(failure == nil, "\(failure ?? "")")
  }

  /// On a terminal: its width, and colour unless NO_COLOR (the environment says which).
  @Test func mapFollowsTheTerminal() throws {
    let wide = try InProcess.run(
      ["show", "dts/cma-carveouts.dts", "--format", "map"], terminal: Terminal(width: 120, colour: true))
    #expect(wide.status == 0)
    #expect(wide.text.contains("\u{1B}[38;5;"))
    let plain = wide.text.replacing(/\x1B\[[0-9;]*m/, with: "")
    #expect(
      plain.split(separator: "\n").contains { $0.count > 100 }
        && plain.split(separator: "\n").allSatisfy { $0.count <= 120 })
    let noColour = try InProcess.run(
      ["show", "dts/cma-carveouts.dts", "--format", "map"], terminal: Terminal(width: 120, colour: false))
    #expect(noColour.text == plain)
    // Written to a file, the strip is for no terminal.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-cli-pic-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("map.txt").path
    let filed = try InProcess.run(
      ["show", "dts/cma-carveouts.dts", "--format", "map", "-o", file], terminal: Terminal(width: 120, colour: true))
    #expect(filed.status == 0 && filed.standardOutput.isEmpty)
    let written = try String(contentsOfFile: file, encoding: .utf8)
    #expect(!written.contains("\u{1B}") && written.split(separator: "\n").allSatisfy { $0.count <= 80 })
  }

  @Test func outputFileIsWrittenInsteadOfStandardOutput() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-cli-pic-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("map.svg").path
    let result = try InProcess.run(["show", "dts/pmem-dax.dts", "--format", "svg", "-o", file])
    #expect(result.status == 0 && result.standardOutput.isEmpty, "\(result.errorText)")
    let written = try String(contentsOfFile: file, encoding: .utf8)
    #expect(Self.wellFormed(written) && written.contains("pmem@c00000000"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["map.svg"])
    let failed = try InProcess.run([
      "show", "dts/pmem-dax.dts", "--format", "svg", "-o", directory.appendingPathComponent("no/such/dir.svg").path,
    ])
    #expect(failed.status == 2 && failed.errorText.hasPrefix("dtmem: error: "))
  }

  @Test func badFormatsAreOneLineErrors() throws {
    for arguments in [["--format", "png"], ["--format", "svg", "--json"]] {
      let result = try InProcess.run(["show", "dts/cma-carveouts.dts"] + arguments)
      #expect(result.status == 2 && result.standardOutput.isEmpty)
      #expect(
        result.errorText.hasPrefix("dtmem: error: --format") && result.errorText.split(separator: "\n").count == 1,
        "\(result.errorText)")
    }
  }

  /// diff keeps its exit status (1: different) and draws both trees on one axis.
  @Test func diffDrawsBeforeAndAfter() throws {
    let svg = try InProcess.run(["diff", "dts/qemu-virt-2g.dts", "dts/cma-carveouts.dts", "--format", "svg"])
    #expect(svg.status == 1, "\(svg.errorText)")
    #expect(Self.wellFormed(svg.text))
    #expect(
      svg.text.contains("dts/qemu-virt-2g.dts → dts/cma-carveouts.dts") && svg.text.contains(">before<")
        && svg.text.contains(">after<"))
    let map = try InProcess.run(["diff", "dts/qemu-virt-2g.dts", "dts/qemu-virt-2g.dts", "--format", "map"])
    #expect(map.status == 0)
    #expect(map.text.contains("memory   before ") && map.text.contains("         after  "))
  }

  @Test func applyDrawsBaseAndResult() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-cli-pic-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.dtb").path
    let result = try InProcess.run(
      ["apply", "dts/qemu-virt-2g.dts", "dts/fixtures/overlay/reserved-overlap.dtso", "-o", out, "--format", "svg"])
    #expect(result.status == 1, "\(result.errorText)")
    #expect(FileManager.default.fileExists(atPath: out))
    #expect(Self.wellFormed(result.text) && result.text.contains("fw@7e000000") && result.text.contains(">after<"))
  }

  /// The costs of a board whose pmem is not block-aligned, in text and JSON.
  @Test func costsOfUnalignedPersistentMemory() throws {
    let text = try InProcess.run(["show", "dts/fixtures/rules/pmem-unaligned.bad.dts"])
    #expect(text.status == 0)
    #expect(
      text.text.contains("\nCosts (4K pages: 128 MiB sparsemem sections, 128 MiB memory blocks, 64-byte struct page)\n")
    )
    #expect(text.text.contains("/pmem@c0100000 [mem 0x00000000c0100000-0x00000000d00fffff]: 128 MiB cannot become RAM"))
    let json = try InProcess.run(["show", "dts/fixtures/rules/pmem-unaligned.bad.dts", "--json", "--page-size", "64K"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    let costs = try #require(object["costs"] as? [String: Any])
    #expect(costs["memmap_sparse_vmemmap"] as? String == "0x100000")
    #expect(costs["section_size"] as? String == "0x20000000")
    let pmem = try #require(costs["pmem"] as? [[String: String]])
    #expect(
      pmem.first == [
        "path": "/pmem@c0100000", "start": "0xc0100000", "size": "0x10000000", "usable_as_ram": "0x0",
        "lost_to_alignment": "0x10000000",
      ])
  }

  /// x86: 4K pages, pmem from the table's persistent entries (memmap=nn!ss).
  @Test func costsOfAnE820Input() throws {
    let json = try InProcess.run([
      "show", "dts/fixtures/overlay/qemu-pc-5g.e820.log", "--cmdline", "memmap=200M!0x100000000", "--json",
    ])
    #expect(json.status == 0, "\(json.errorText)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    let costs = try #require(object["costs"] as? [String: Any])
    let pmem = try #require(costs["pmem"] as? [[String: String]])
    #expect(
      pmem == [
        [
          "path": "e820 persistent (type 12)", "start": "0x100000000", "size": "0xc800000",
          "usable_as_ram": "0x8000000", "lost_to_alignment": "0x4800000",
        ]
      ])
  }
}
