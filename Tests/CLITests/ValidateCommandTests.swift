import Foundation
import TestSupport
import Testing

/// `dtmem validate` end to end: output formats and the exit statuses of the contract.
@Suite struct ValidateCommandTests {
  static let rules = "dts/fixtures/rules/"

  @Test func cleanInputIsZeroWithNoOutput() throws {
    let result = try InProcess.run(["validate", Self.rules + "reserved-overlap.good.dts"])
    #expect(result.status == 0, "\(result.errorText)")
    #expect(result.text.isEmpty)
  }

  @Test func errorsAreOne() throws {
    let result = try InProcess.run(["validate", Self.rules + "reserved-nomap-refused.bad.dts"])
    #expect(result.status == 1)
    let lines = result.text.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(
      lines[0].hasPrefix(
        "dts/fixtures/rules/reserved-nomap-refused.bad.dts: error: [reserved-nomap-refused] "
          + "/reserved-memory/fw@7f080000: "
      ))
  }

  @Test func warningsFailOnlyWithWerror() throws {
    let file = Self.rules + "memory-overlap.bad.dts"
    let plain = try InProcess.run(["validate", file])
    #expect(plain.status == 0)
    #expect(plain.text.contains(": warning: [memory-overlap] /memory@60000000: "))
    #expect(try InProcess.run(["validate", "--werror", file]).status == 1)
    // Info never fails.
    #expect(try InProcess.run(["validate", "--werror", Self.rules + "memory-section-hole.bad.dts"]).status == 0)
  }

  @Test func jsonAndSarifParse() throws {
    let files = [Self.rules + "reserved-overlap.bad.dts", Self.rules + "cmdline-memmap-ignored.bad.dts"]
    let json = try InProcess.run(["validate", "--format", "json"] + files)
    #expect(json.status == 1)
    let document = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    let findings = try #require(document["findings"] as? [[String: String]])
    #expect(findings.count == 3)
    #expect(Set(findings.map { $0["rule"]! }) == ["reserved-overlap", "cmdline-memmap-ignored"])
    #expect(findings.last?["path"] == "cmdline")
    #expect(findings.allSatisfy { Set($0.keys) == ["file", "rule", "severity", "path", "message"] })

    let sarif = try InProcess.run(["validate", "--format", "sarif"] + files)
    #expect(sarif.status == 1)
    let log = try #require(JSONSerialization.jsonObject(with: Data(sarif.standardOutput)) as? [String: Any])
    #expect(log["version"] as? String == "2.1.0")
    let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [Any])
    #expect(results.count == 3)
  }

  @Test func outputFileIsWrittenWhole() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-validate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("report.sarif").path
    let result = try DTMemBinary.run([
      "validate", "--format", "sarif", "-o", out, Self.rules + "reserved-overlap.bad.dts",
    ])
    #expect(result.status == 1)
    #expect(result.text.isEmpty)
    let written = try Data(contentsOf: URL(fileURLWithPath: out))
    #expect((try JSONSerialization.jsonObject(with: written) as? [String: Any])?["version"] as? String == "2.1.0")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.sarif"])
  }

  @Test func anUnusableInputAmongManyIsTwoAndTheOthersAreStillChecked() throws {
    let result = try InProcess.run([
      "validate", Self.rules + "reserved-overlap.bad.dts", "/nonexistent/board.dtb",
      Self.rules + "memory-overlap.bad.dts",
    ])
    #expect(result.status == 2)
    #expect(result.errorText == "dtmem: error: /nonexistent/board.dtb: No such file or directory\n")
    #expect(result.text.contains("reserved-overlap.bad.dts: error: [reserved-overlap]"))
    #expect(result.text.contains("memory-overlap.bad.dts: warning: [memory-overlap]"))

    let json = try InProcess.run([
      "validate", "--format", "json", Self.rules + "memory-overlap.bad.dts", "/nonexistent/board.dtb",
    ])
    #expect(json.status == 2)
    let document = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    #expect((document["unusable"] as? [[String: String]])?.first?["file"] == "/nonexistent/board.dtb")
  }

  @Test func aSingleUnusableInputIsTwoWithNothingOnStdout() throws {
    let result = try DTMemBinary.run(["validate", "-"], input: Array("hello\n".utf8))
    #expect(result.status == 2)
    #expect(result.text.isEmpty)
    #expect(result.errorText.hasPrefix("dtmem: error: <stdin>: unrecognised input"))
  }

  /// CI uploads the report: it is written even when the only input is unusable (issue 12, item 2).
  @Test(arguments: ["json", "sarif"])
  func aReportIsWrittenWhenTheOnlyInputIsUnusable(_ format: String) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-validate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("report.\(format)").path
    let result = try DTMemBinary.run(["validate", "--format", format, "-o", out, "-"], input: Array("hello\n".utf8))
    #expect(result.status == 2)
    #expect(result.errorText.hasPrefix("dtmem: error: <stdin>: unrecognised input"))
    let written = try Data(contentsOf: URL(fileURLWithPath: out))
    let document = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
    if format == "json" {
      #expect((document["findings"] as? [Any])?.isEmpty == true)
      #expect((document["unusable"] as? [[String: String]])?.first?["file"] == "<stdin>")
    } else {
      let run = try #require((document["runs"] as? [[String: Any]])?.first)
      let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
      #expect(invocation["executionSuccessful"] as? Bool == false)
      let notes = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
      #expect(notes.count == 1)
    }
  }

  /// `--json` is on every command (issue 12): for validate it is `--format json`.
  @Test func jsonFlagIsFormatJson() throws {
    let file = Self.rules + "memory-overlap.bad.dts"
    let flag = try InProcess.run(["validate", "--json", file])
    let format = try InProcess.run(["validate", "--format", "json", file])
    #expect(flag.status == 0)
    #expect(!flag.standardOutput.isEmpty && flag.standardOutput == format.standardOutput)
    let both = try InProcess.run(["validate", "--json", "--format", "sarif", file])
    #expect(both.status == 2)
    #expect(both.errorText.hasPrefix("dtmem: error: --json: "))
    #expect(try InProcess.run(["validate", "--json", "--format", "json", file]).status == 0)
  }

  @Test func badOptionsAreTwo() throws {
    for arguments in [
      ["validate", "--format", "xml", Self.rules + "memory-overlap.bad.dts"],
      ["validate", "--reserve", "oops", Self.rules + "memory-overlap.bad.dts"],
      ["validate", "--arch", "x86", Self.rules + "memory-overlap.bad.dts"],
      ["validate"],
    ] {
      let result = try InProcess.run(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.text.isEmpty, "\(arguments)")
      #expect(result.errorText.hasPrefix("dtmem: error: "), "\(arguments): \(result.errorText)")
    }
  }

  @Test func memoryMissingIsAWarningAndMemorySuppliesIt() throws {
    let file = Self.rules + "memory-missing.bad.dts"
    let plain = try InProcess.run(["validate", file])
    #expect(plain.status == 0)
    #expect(plain.text.contains("[memory-missing]"))
    let supplied = try InProcess.run(["validate", file, "--memory", "0x40000000:1G"])
    #expect(supplied.status == 0)
    #expect(supplied.text.isEmpty)
  }

  @Test func commandLineOptionAndReserveAreUsed() throws {
    let file = Self.rules + "reserved-nomap-refused.good.dts"
    let memmap = try InProcess.run(["validate", file, "--cmdline", "memmap=64M"])
    #expect(memmap.text.contains("[cmdline-memmap-as-mem] cmdline: memmap=64M"))
    // A no-map carve-out over the kernel image the loader put there is refused.
    let kernel = try InProcess.run(["validate", file, "--reserve", "0x7f100000:0x2000000:kernel"])
    #expect(kernel.status == 1)
    #expect(kernel.text.contains("[reserved-nomap-refused]"))
  }

  @Test func commandLineSizeIsTheKernelsCut() throws {
    let file = Self.rules + "reserved-nomap-refused.good.dts"
    let long = String(repeating: "quiet ", count: 400) + "memmap=64M"
    #expect(try InProcess.run(["validate", file, "--cmdline", long]).text.contains("[cmdline-too-long]"))
    let whole = try InProcess.run(["validate", file, "--cmdline", long, "--cmdline-size", "0"])
    #expect(!whole.text.contains("[cmdline-too-long]"))
    #expect(whole.text.contains("[cmdline-memmap-as-mem] cmdline: memmap=64M"))
    #expect(try InProcess.run(["validate", file, "--cmdline-size", "1"]).status == 2)
  }

  @Test func listRules() throws {
    let text = try InProcess.run(["validate", "--list-rules"])
    #expect(text.status == 0)
    #expect(text.text.contains("reserved-overlap"))
    let json = try InProcess.run(["validate", "--list-rules", "--format", "json"])
    let document = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    #expect(((document["rules"] as? [Any])?.count ?? 0) >= 30)
    let markdown = try InProcess.run(["validate", "--list-rules", "--format", "markdown"])
    #expect(markdown.text == (try String(contentsOf: Repository.path("docs/rules.md"), encoding: .utf8)))
  }

  @Test func dtbAndDtsGiveTheSameFindings() throws {
    let source = Self.rules + "reserved-overlap.bad.dts"
    let blob = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-\(UUID().uuidString).dtb")
    defer { try? FileManager.default.removeItem(at: blob) }
    try Data(DTC.compile(file: Repository.path(source))).write(to: blob)
    let a = try InProcess.run(["validate", source]).text.replacingOccurrences(of: source, with: "X")
    let b = try InProcess.run(["validate", blob.path]).text.replacingOccurrences(of: blob.path, with: "X")
    #expect(!a.isEmpty && a == b)
  }
}

/// `dtmem diff` exit statuses, like diff(1).
@Suite struct DiffCommandTests {
  static let rules = "dts/fixtures/rules/"

  @Test func identicalIsZeroDifferentIsOneUnusableIsTwo() throws {
    let same = try InProcess.run([
      "diff", Self.rules + "reserved-overlap.good.dts", Self.rules + "reserved-overlap.good.dts",
    ])
    #expect(same.status == 0)
    #expect(same.text.isEmpty)
    let different = try InProcess.run([
      "diff", Self.rules + "reserved-setup-failed.good.dts", Self.rules + "reserved-setup-failed.bad.dts",
    ])
    #expect(different.status == 1)
    #expect(different.text.contains("cmdline: added cmdline: cma= added: cma=32M\n"))
    #expect(different.text.contains("simulated: status /reserved-memory/linux,cma: "))
    let unusable = try InProcess.run(["diff", Self.rules + "reserved-overlap.good.dts", "/nonexistent.dtb"])
    #expect(unusable.status == 2)
    #expect(unusable.text.isEmpty)
    #expect(unusable.errorText.hasPrefix("dtmem: error: /nonexistent.dtb: "))
  }

  /// `--cmdline-file -` is read once and applies to both sides: the same blob twice is identical.
  @Test func aCommandLineFromStandardInputAppliesToBothSides() throws {
    let board = "dts/qemu-virt-2g.dts"
    let result = try DTMemBinary.run(
      ["diff", board, board, "--cmdline-file", "-"], input: Array("memmap=64M$0x90000000 mem=1G\n".utf8))
    #expect(result.status == 0, "\(result.text)\(result.errorText)")
    #expect(result.text.isEmpty)
  }

  @Test func jsonNamesEveryChange() throws {
    let result = try InProcess.run([
      "diff", "--json", Self.rules + "memory-overlap.good.dts", Self.rules + "memory-overlap.bad.dts",
    ])
    #expect(result.status == 1)
    let document = try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
    #expect(document["identical"] as? Bool == false)
    let changes = try #require(document["changes"] as? [[String: Any]])
    #expect(changes.map { $0["change"] as? String } == ["removed", "added"])
    #expect(changes.allSatisfy { $0["category"] as? String == "memory" })
  }
}
