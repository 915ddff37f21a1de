import Foundation
import TestSupport
import Testing

/// `to-overlay`, `apply` and `to-dts` end to end through the built binary: outputs, files,
/// goldens, exit statuses and one-line errors.
@Suite struct OverlayCommandTests {
  static let cmdline =
    "memmap=64M$0x90000000,256M!0xa0000000 memmap=16M#0x70000000 reserve_mem=2M:4K:oops ramoops.mem_name=oops mem=3G "
    + "memmap=512M@0x100000000"
  static let qemuReserve = ["--reserve", "0x40200000:0x2b20000:kernel", "--reserve", "0x48000000:0x10000:dtb"]

  static func scratch() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-cli-ov-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  static func expectOneLineError(
    _ result: Command.Result, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status == 2, "status \(result.status)", sourceLocation: sourceLocation)
    #expect(
      result.errorText.hasPrefix("dtmem: error: ") && result.errorText.split(separator: "\n").count == 1,
      "\(result.errorText)", sourceLocation: sourceLocation)
    #expect(result.errorText.contains(text), "\(result.errorText)", sourceLocation: sourceLocation)
  }

  @Test func toOverlayMatchesGolden() throws {
    let result = try InProcess.run(
      ["to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", Self.cmdline] + Self.qemuReserve)
    #expect(result.status == 0, "\(result.errorText)")
    let failure = Golden.check(result.text + "--- stderr\n" + result.errorText, against: "to-overlay.qemu-virt-2g.txt")
    #expect(failure == nil, "\(failure ?? "")")
  }

  @Test func toOverlayWithoutBaseSaysWhatItAssumes() throws {
    let result = try InProcess.run(["to-overlay", "--cmdline", "memmap=64M$0x90000000"])
    #expect(result.status == 0)
    #expect(result.text.contains("/plugin/;") && result.text.contains("memmap@90000000 {"))
    #expect(
      result.errorText.contains("dtmem: note: overlay: no BASE: assuming #address-cells = <2> and #size-cells = <2>"))
  }

  @Test func toOverlayWritesABlobThatFdtoverlayApplies() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let overlay = directory.appendingPathComponent("o.dtbo").path
    let base = directory.appendingPathComponent("base.dtb").path
    let made = try InProcess.run(["to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", Self.cmdline, "-o", overlay])
    #expect(made.status == 0 && made.text.isEmpty, "\(made.errorText)")
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: overlay)))
    #expect(Array(bytes.prefix(4)) == [0xd0, 0x0d, 0xfe, 0xed])
    #expect(
      try Command.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", base, Repository.path("dts/qemu-virt-2g.dts").path])
        .status == 0)
    let applied = try Command.run([
      "fdtoverlay", "-i", base, "-o", directory.appendingPathComponent("out.dtb").path, overlay,
    ])
    #expect(applied.status == 0, "\(applied.errorText)")
    let shown = try InProcess.run(["show", directory.appendingPathComponent("out.dtb").path])
    #expect(shown.text.contains("memmap@90000000") && shown.text.contains("ramoops@"))
    // Source output compiles with dtc.
    let source = directory.appendingPathComponent("o.dtso").path
    #expect(try InProcess.run(["to-overlay", "--cmdline", Self.cmdline, "-o", source]).status == 0)
    #expect(try Command.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "/dev/null", source]).status == 0)
  }

  @Test func toOverlayJSON() throws {
    let result = try InProcess.run(
      ["to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", Self.cmdline + " memmap=exactmap", "--json"]
        + Self.qemuReserve)
    #expect(result.status == 0, "\(result.errorText)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
    #expect((object["cells"] as? [String: Any])?["assumed"] as? Bool == false)
    let mappings = try #require(object["mappings"] as? [[String: Any]])
    #expect(
      mappings.map { $0["outcome"] as? String } == [
        "translated", "translated", "translated", "translated", "no-effect", "translated", "refused",
      ])
    let nodes = try #require(object["nodes"] as? [[String: Any]])
    let first = try #require(nodes.first)
    #expect(first["path"] as? String == "/reserved-memory/memmap@90000000" && first["start"] as? String == "0x90000000")
    #expect(
      first["holds"] as? Bool == true
        && (first["simulated"] as? [[String: Any]])?.first?["status"] as? String == "reserved")
    #expect((object["overlay"] as? String)?.contains("/plugin/;") == true)
    #expect(result.errorText.contains("dtmem: refused: memmap=exactmap: no memmap=…@… follows it"))
  }

  @Test func toOverlayErrors() throws {
    Self.expectOneLineError(
      try InProcess.run(["to-overlay", "--cmdline", "console=ttyAMA0"]), mentioning: "no memmap=, mem= or reserve_mem=")
    Self.expectOneLineError(try InProcess.run(["to-overlay"]), mentioning: "--cmdline")
    Self.expectOneLineError(
      try InProcess.run(["to-overlay", "--cmdline", "memmap=exactmap mem=0"]),
      mentioning: "nothing to translate (exactmap: refused: no memmap=…@… follows it")
    Self.expectOneLineError(
      try InProcess.run(["to-overlay", "dts/fixtures/overlay/qemu-pc-5g.e820.log", "--cmdline", "mem=1G"]),
      mentioning: "BASE must be a device tree")
  }

  @Test func applyWritesValidatesAndDiffs() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let overlay = directory.appendingPathComponent("o.dtbo").path
    let out = directory.appendingPathComponent("out.dtb").path
    #expect(
      try InProcess.run([
        "to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", "memmap=64M$0x90000000 reserve_mem=2M:4K:oops", "-o",
        overlay,
      ]).status == 0)
    let applied = try InProcess.run(["apply", "dts/qemu-virt-2g.dts", overlay, "-o", out])
    #expect(applied.status == 0, "\(applied.errorText)")
    #expect(
      applied.text.contains(
        "reserved: added /reserved-memory/memmap@90000000: region added: [0x90000000-0x93ffffff] (64 MiB); no-map"))
    #expect(applied.text.contains("no findings"))
    #expect(FileManager.default.fileExists(atPath: out))
    let json = try InProcess.run(["apply", "dts/qemu-virt-2g.dts", overlay, "-o", out, "--json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    #expect((object["changes"] as? [Any])?.isEmpty == false && (object["findings"] as? [Any])?.isEmpty == true)
  }

  @Test func applyReportsFindingsWithStatusOne() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.dtb").path
    let result = try InProcess.run([
      "apply", "dts/qemu-virt-2g.dts", "dts/fixtures/overlay/reserved-overlap.dtso", "-o", out,
    ])
    #expect(result.status == 1, "\(result.errorText)")
    #expect(result.text.contains("error: [reserved-nomap-refused] /reserved-memory/fw@7e000000"))
    #expect(FileManager.default.fileExists(atPath: out))
  }

  @Test func applyFailuresWriteNothing() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.dtb").path
    func run(_ base: String, _ overlay: String) throws -> Command.Result {
      try DTMemBinary.run(["apply", base, overlay, "-o", out])
    }
    Self.expectOneLineError(
      try run("dts/qemu-virt-2g.dts", "dts/fixtures/overlay/missing-target.dtso"),
      mentioning: "FDT_ERR_NOTFOUND: fragment@0: target-path \"/soc/sram@10000000\" is not in the base; nothing written"
    )
    Self.expectOneLineError(
      try run("dts/qemu-virt-2g.dts", "dts/fixtures/overlay/label-reference.dtso"),
      // dtmem compiled the base with dtc -@ itself: the label is simply not there (issue 12).
      mentioning:
        "FDT_ERR_NOTFOUND: the overlay refers to labels (uart0) and the base defines none (compiled with dtc -@, it "
        + "has no /__symbols__): the label is not in the base"
    )
    Self.expectOneLineError(
      try run("dts/qemu-virt-2g.dts", "dts/qemu-virt-2g.dts"), mentioning: "not an overlay: the source has no /plugin/;"
    )
    Self.expectOneLineError(
      try run("dts/qemu-virt-2g.dts", "dts/fixtures/overlay/qemu-pc-5g.e820.log"),
      mentioning: "not a device tree blob (magic 5b202020")
    // Bad boot options are refused before anything is written.
    Self.expectOneLineError(
      try DTMemBinary.run([
        "apply", "dts/qemu-virt-2g.dts", "dts/fixtures/overlay/reserved-overlap.dtso", "-o", out, "--page-size", "8K",
      ]),
      mentioning: "--page-size")
    #expect(!FileManager.default.fileExists(atPath: out))
    // A base source with the label, compiled with -@, resolves it.
    let labelled = directory.appendingPathComponent("labelled.dts")
    let source = try String(contentsOf: Repository.path("dts/qemu-virt-2g.dts"), encoding: .utf8)
      .replacingOccurrences(of: "\tpl011@9000000 {", with: "\tuart0: pl011@9000000 {")
    try source.write(to: labelled, atomically: true, encoding: .utf8)
    let resolved = try run(labelled.path, "dts/fixtures/overlay/label-reference.dtso")
    #expect(resolved.status == 0, "\(resolved.errorText)")
  }

  @Test func toDTSFromALogMatchesGoldenAndCompiles() throws {
    let result = try InProcess.run(["to-dts", "dts/fixtures/overlay/qemu-pc-5g.e820.log"])
    #expect(result.status == 0, "\(result.errorText)")
    let failure = Golden.check(result.text + "--- stderr\n" + result.errorText, against: "to-dts.qemu-pc-5g.txt")
    #expect(failure == nil, "\(failure ?? "")")
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let dts = directory.appendingPathComponent("m.dts")
    try result.text.write(to: dts, atomically: true, encoding: .utf8)
    let compiled = try Command.run(["dtc", "-I", "dts", "-O", "dtb", "-o", "/dev/null", dts.path])
    #expect(compiled.status == 0 && compiled.errorText.isEmpty, "\(compiled.errorText)")
    // Standard input is read once: a piped log gives the same source.
    let log = try String(contentsOf: Repository.path("dts/fixtures/overlay/qemu-pc-5g.e820.log"), encoding: .utf8)
    let piped = try InProcess.run(["to-dts", "-"], input: Array(log.utf8))
    #expect(piped.status == 0, "\(piped.errorText)")
    #expect(
      piped.text.replacingOccurrences(of: "<stdin>", with: "dts/fixtures/overlay/qemu-pc-5g.e820.log") == result.text)
    // Back to e820: the same table, but RAM trimmed to pages.
    let back = try InProcess.run(["to-e820", dts.path])
    #expect(
      back.text.hasPrefix(
        "[mem 0x0000000000000000-0x000000000009efff] usable\n[mem 0x000000000009fc00-0x000000000009ffff] reserved\n"))
  }

  @Test func toDTSFromACommandLine() throws {
    let text = "memmap=exactmap memmap=640K@0 memmap=2G@0x40000000 memmap=64M$0x90000000 memmap=1G!0x100000000"
    let literal = try InProcess.run(["to-dts", text, "--fragment"])
    #expect(literal.status == 0, "\(literal.errorText)")
    // The reservation inside the 2 GiB stays inside its bank (issue 12, item 8).
    #expect(
      literal.text.contains(
        "\tmemory@40000000 {\n\t\tdevice_type = \"memory\";\n\t\treg = <0x0 0x40000000 0x0 0x80000000>;")
        && !literal.text.contains("memory@94000000") && literal.text.contains("\t\treserved@90000000 {")
        && !literal.text.contains("/dts-v1/"), "\(literal.text)")
    let piped = try InProcess.run(["to-dts", "-", "--json"], input: Array((text + "\n").utf8))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(piped.standardOutput)) as? [String: Any])
    #expect((object["e820"] as? [Any])?.count == 5)
    Self.expectOneLineError(
      try InProcess.run(["to-dts", "memmap=2G@0x40000000"]), mentioning: "memmap=0@0 counts and vanishes")
    let applied = try InProcess.run([
      "to-dts", "dts/fixtures/overlay/qemu-pc-5g.e820.log", "--cmdline", "memmap=1G!0x100000000",
    ])
    #expect(applied.text.contains("pmem@100000000 {"))
  }
}
