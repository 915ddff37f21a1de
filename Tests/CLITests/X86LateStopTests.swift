import Foundation
import TestSupport
import Testing

@testable import dtmem

/// x86 stops after the memory map exit 2 like every other predicted stop (issue 12, item 3 and
/// 4), and `--format dmesg` prints the table the kernel ends with (item 5). The boots behind
/// them are in Tests/Fixtures/recorded/x86-late-stops.jsonl.
@Suite struct X86LateStopTests {
  static let recorderPrefix = "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 "

  static func recorded(_ id: String) throws -> [String: Any] {
    let cases = try Repository.jsonLines(Repository.fixture("recorded/x86-late-stops.jsonl"))
    return try #require(cases.first { $0["id"] as? String == id }, "no case \(id)")
  }

  /// The recorded firmware table as a log, and the command line the kernel saw.
  static func input(_ recorded: [String: Any]) -> (log: [UInt8], cmdline: String) {
    let log = (recorded["bios_e820"] as! [String]).map { "[    0.000000] " + $0 + "\n" }.joined()
    return (Array(log.utf8), recorderPrefix + (recorded["cmdline"] as! String))
  }

  @Test(arguments: [
    ("x86-fix-trampoline-none", true), ("x86-fix-trampoline-24k", true), ("x86-fix-trampoline-below-64k", true),
    ("x86-fix-trampoline-over-ebda", true), ("x86-fix-trampoline-28k", false), ("x86-fix-trampoline-under-ebda", false),
    ("x86-fix-trampoline-normal", false),
  ])
  func noRoomForTheTrampolineExitsTwo(_ id: String, _ panics: Bool) throws {
    let recorded = try Self.recorded(id)
    let notes = recorded["notes"] as! [String]
    // What the kernel did, recorded to its first panic.
    #expect(notes.contains("Kernel panic - not syncing: Real mode trampoline was not allocated") == panics)
    let (log, cmdline) = Self.input(recorded)
    let result = try InProcess.run(["simulate", "--arch", "x86", "-", "--cmdline", cmdline], input: log)
    #expect(result.status == (panics ? 2 : 0), "\(result.errorText)")
    if panics {
      #expect(result.text.isEmpty)
      #expect(result.errorText.hasPrefix("dtmem: error: "))
      #expect(result.errorText.contains("the kernel stops: \"Real mode trampoline was not allocated\""))
      // --format kernel-log shows the kernel's lines up to the panic, and still fails.
      let steps = try InProcess.run(
        ["simulate", "--arch", "x86", "-", "--cmdline", cmdline, "--format", "kernel-log"], input: log)
      #expect(steps.status == 2)
      #expect(steps.text.contains("No sub-1M memory is available for the trampoline\n"))
      #expect(steps.text.hasSuffix("Kernel panic - not syncing: Real mode trampoline was not allocated\n"))
    }
  }

  @Test func noRAMAboveOneMiBExitsTwo() throws {
    let log = Array("BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n".utf8)
    let result = try InProcess.run(
      ["simulate", "--arch", "x86", "-", "--cmdline", "memmap=exactmap memmap=600K@0 memmap=4K$0x9f000"], input: log)
    #expect(result.status == 2)
    #expect(result.errorText.contains("the kernel stops: \"alloc_low_pages: can not alloc memory\""))
  }

  @Test func aCutCommandLineExitsTwo() throws {
    let table =
      "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
      + "BIOS-e820: [mem 0x0000000000100000-0x000000003fffffff] usable\n"
    let log = Array(table.utf8)
    let long = "quiet " + String(repeating: "x", count: 2100)
    let result = try InProcess.run(["simulate", "--arch", "x86", "-", "--cmdline", long], input: log)
    #expect(result.status == 2)
    #expect(result.errorText.contains("the kernel stops: \"kernel BUG at lib/string_helpers.c:1040!\""))
    #expect(try InProcess.run(["simulate", "--arch", "x86", "-", "--cmdline", "quiet"], input: log).status == 0)
  }

  /// `trim_bios_range()`'s edits, as the kernel printed them with `debug` (x86-fix-trim-bios),
  /// applied to its `user:` table: what `--format dmesg` prints, and `--json`'s `e820_final`.
  @Test func dmesgPrintsTheTableTheKernelEndsWith() throws {
    let recorded = try Self.recorded("x86-fix-trim-bios")
    let notes = recorded["notes"] as! [String]
    #expect(notes.contains("e820: update [mem 0x00000000-0x00000fff] usable ==> reserved"))
    #expect(notes.contains("e820: remove [mem 0x000a0000-0x000fffff] usable"))
    #expect(
      recorded["user_e820"] as! [String] == [
        "user: [mem 0x0000000000000000-0x000000000009fbff] usable",
        "user: [mem 0x00000000000a0000-0x00000000000affff] usable",
        "user: [mem 0x0000000000100000-0x000000003fffffff] usable",
      ])
    let final = [
      "[mem 0x0000000000000000-0x0000000000000fff] reserved", "[mem 0x0000000000001000-0x000000000009fbff] usable",
      "[mem 0x0000000000100000-0x000000003fffffff] usable",
    ]
    let (log, cmdline) = Self.input(recorded)
    let dmesg = try InProcess.run(
      ["simulate", "--arch", "x86", "-", "--cmdline", cmdline, "--format", "dmesg"], input: log)
    #expect(dmesg.status == 0, "\(dmesg.errorText)")
    #expect(dmesg.text == final.map { $0 + "\n" }.joined())
    #expect(dmesg.errorText.contains("after trim_bios_range()"))
    let json = try InProcess.run(["simulate", "--arch", "x86", "-", "--cmdline", cmdline, "--json"], input: log)
    let document = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    let printed = try #require(document["e820"] as? [[String: String]])
    let ended = try #require(document["e820_final"] as? [[String: String]])
    #expect(printed.map { $0["start"]! } == ["0x0", "0xa0000", "0x100000"])
    #expect(ended.map { $0["start"]! } == ["0x0", "0x1000", "0x100000"])
    #expect(ended.map { $0["type"]! } == ["reserved", "usable", "usable"])
    // The text report names both tables.
    let text = try InProcess.run(["simulate", "--arch", "x86", "-", "--cmdline", cmdline], input: log)
    #expect(text.text.contains("e820 table as the kernel prints it (user:)"))
    #expect(text.text.contains("e820 table the kernel ends with (after trim_bios_range(): what /proc/iomem shows)"))
  }
}
