import Foundation
import TestSupport
import Testing

@testable import dtmem

/// Recorded boots end to end through the CLI: `simulate --arch x86` with the firmware table as a
/// log must print the kernel's `user:` table, and refuse with the kernel's words where it
/// panicked; `to-e820` output must read back, also from a directory `-o` wrote (the binary).
@Suite struct X86RecordedBootCLITests {
  /// The x86 recorder's fixed prefix (tools/record-x86): the kernel saw it before the parameters.
  static let recorderPrefix = "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 "

  static func recorded(_ ids: Set<String>) throws -> [[String: Any]] {
    let cases = try Repository.jsonLines(Repository.fixture("conformance/x86-memmap.jsonl"))
    return cases.filter { ids.contains($0["id"] as? String ?? "") }
  }

  @Test func simulatePrintsTheKernelsUserTable() throws {
    let cases = try Self.recorded(["x86-10002", "x86-10016", "x86-10021", "x86-10035"])
    #expect(cases.count == 4)
    for recorded in cases {
      let log = (recorded["bios_e820"] as! [String]).map { "[    0.000000] " + $0 }.joined(separator: "\n") + "\n"
      let commandLine = Self.recorderPrefix + (recorded["cmdline"] as! String)
      let result = try InProcess.run(
        ["simulate", "--arch", "x86", "--format", "kernel-log", "--cmdline", commandLine, "-"], input: Array(log.utf8))
      // Some leave no RAM below 1 MiB: the kernel then stops after the map (issue 12, item 4).
      let late = result.errorText.contains("\"Real mode trampoline was not allocated\"")
      #expect(result.status == (late ? 2 : 0), "\(result.errorText)")
      let user = result.text.split(separator: "\n").filter { $0.hasPrefix("user: ") }.map(String.init)
      #expect(user == recorded["user_e820"] as! [String], "\(recorded["id"]!)")
    }
  }

  @Test func panicsAreOneLineErrors() throws {
    let log =
      "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\nBIOS-e820: [mem "
      + "0x0000000000100000-0x000000003ffdffff] usable\n"
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-x86-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("boot.log")
    try log.write(to: file, atomically: true, encoding: .utf8)
    let panic = try InProcess.run(["simulate", "--e820", file.path, "--cmdline", "memmap=exactmap"])
    #expect(panic.status == 2)
    #expect(
      panic.errorText
        == "dtmem: error: \(file.path): the kernel stops: \"Invalid user supplied memory map\" — Invalid user supplied "
        + "memory map: the table holds 0 entries (e820__update_table() needs at least 2)\n"
    )
    #expect(panic.text.isEmpty)
    let bug = try InProcess.run(["simulate", "--e820", file.path, "--cmdline", "memmap=1M%0x10000000-1+1", "--json"])
    #expect(bug.status == 2)
    #expect(
      bug.errorText
        == "dtmem: error: \(file.path): the kernel stops: \"kernel BUG at arch/x86/kernel/e820.c:469!\" — "
        + "memmap=1M%0x10000000-1+1: '1M%0x10000000-1+1' retypes usable to itself (BUG_ON in __e820__range_update)\n"
    )
    // The steps up to the stop are shown, and the run still fails.
    let steps = try InProcess.run([
      "simulate", "--e820", file.path, "--cmdline", "memmap=exactmap", "--format", "kernel-log",
    ])
    #expect(steps.status == 2)
    #expect(steps.text.hasSuffix("Kernel panic - not syncing: Invalid user supplied memory map\n"))
    let broken = try InProcess.run(["to-e820", "-"], input: Array("BIOS-e820: [mem 0x2000-0x1000] usable\n".utf8))
    #expect(broken.status == 2)
    #expect(
      broken.errorText
        == "dtmem: error: <stdin>: line 1: BIOS-e820: the range ends (0x1000) before it starts (0x2000)\n")
    let long = try InProcess.run([
      "simulate", "--e820", file.path, "--format", "dmesg", "--cmdline",
      "memmap=" + String(repeating: "0@0,", count: 600) + " memmap=64M$0x10000000",
    ])
    // The kernel keeps 2047 bytes and then BUGs (issue 12, item 3): exit 2, the map up to the
    // cut in the kernel log.
    #expect(long.status == 2)
    #expect(long.errorText.contains("the kernel stops: \"kernel BUG at lib/string_helpers.c:1040!\""))
    #expect(long.errorText.contains("the kernel keeps the first 2047"))
    #expect(long.text.isEmpty)
    let cut = try InProcess.run([
      "simulate", "--e820", file.path, "--format", "kernel-log", "--cmdline",
      "memmap=" + String(repeating: "0@0,", count: 600) + " memmap=64M$0x10000000",
    ])
    #expect(cut.status == 2)
    #expect(!cut.text.contains("0x0000000010000000"))
    #expect(cut.text.hasSuffix("kernel BUG at lib/string_helpers.c:1040!\n"))
  }

  @Test func toE820RoundTripsThroughEveryFormat() throws {
    let log = """
      [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
      [    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
      [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000003ffdffff] usable
      [    0.000000] BIOS-e820: [mem 0x000000003ffe0000-0x000000003fffffff] ACPI NVS
      [    0.000000] BIOS-e820: [mem 0x0000000040000000-0x000000007fffffff] persistent (type 12)

      """
    let dmesg = try DTMemBinary.run(["to-e820", "-"], input: Array(log.utf8))
    #expect(dmesg.status == 0)
    for format in ["sysfs", "json", "dmesg"] {
      let encoded = try DTMemBinary.run(["to-e820", "--format", format, "-"], input: dmesg.standardOutput)
      #expect(encoded.status == 0, "\(format): \(encoded.errorText)")
      let decoded = try DTMemBinary.run(["to-e820", "-"], input: encoded.standardOutput)
      #expect(decoded.text == dmesg.text, "\(format)")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-memmap-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let written = try DTMemBinary.run(
      ["to-e820", "--format", "sysfs", "-o", directory.path, "-"], input: dmesg.standardOutput)
    #expect(written.status == 0, "\(written.errorText)")
    #expect(
      try String(contentsOf: directory.appendingPathComponent("3/type"), encoding: .utf8)
        == "ACPI Non-volatile Storage\n")
    #expect(try DTMemBinary.run(["to-e820", directory.path]).text == dmesg.text)
    let again = try DTMemBinary.run(
      ["to-e820", "--format", "sysfs", "-o", directory.path, "-"], input: dmesg.standardOutput)
    #expect(again.status == 2)
  }
}
