import Foundation
import TestSupport
import Testing

/// `diff` shows what a bootloader changed (issue 12, item 6): `--memory` fills in only the side
/// without memory, added pmem-region nodes are reported (by `apply` too), and `cma=` and
/// `crashkernel=` show as the memory they take.
@Suite struct DiffBootloaderTests {
  static let before = "dts/fixtures/diff/booted-before.dts"
  static let after = "dts/fixtures/diff/booted-after.dts"

  @Test func memoryFillsOnlyTheSideWithoutMemory() throws {
    // The build blob has no memory; the booted one has 2 GiB; --memory says 1 GiB.
    let result = try InProcess.run([
      "diff", "dts/fixtures/rules/memory-missing.bad.dts", "dts/qemu-virt-2g.dts", "--memory", "0x40000000:1G",
    ])
    #expect(result.status == 1)
    #expect(
      result.text.contains(
        "memory: resized /memory@40000000: bank resized: [0x40000000-0x7fffffff] (1 GiB) → [0x40000000-0xbfffffff] "
          + "(2 GiB)"), "\(result.text)")
    // The simulated boots are compared, not skipped.
    #expect(result.text.contains("simulated: changed memory: the memory the kernel keeps: "))
    #expect(!result.text.contains("not compared"))
  }

  @Test func addedPmemAndKernelAllocationsShow() throws {
    let result = try InProcess.run(["diff", Self.before, Self.after])
    #expect(result.status == 1)
    let lines = result.text.split(separator: "\n").map(String.init)
    #expect(lines.contains("pmem: added /pmem@100000000: pmem-region added: [0x100000000-0x10fffffff] (256 MiB)"))
    #expect(
      lines.contains(
        "simulated: placement cma: cma: estimated at [0xb9a00000-0xbd9fffff] (64 MiB) → estimated at "
          + "[0xb5a00000-0xbd9fffff] (128 MiB)"), "\(lines)")
    #expect(lines.contains { $0.hasPrefix("simulated: added crashkernel: crashkernel taken: estimated at ") })
    #expect(lines.contains { $0.hasSuffix("(256 MiB)") && $0.contains("crashkernel") })
    let json = try InProcess.run(["diff", "--json", Self.before, Self.after])
    let document = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    let changes = try #require(document["changes"] as? [[String: Any]])
    #expect(changes.contains { $0["category"] as? String == "pmem" && $0["change"] as? String == "added" })
  }

  @Test func applyReportsAnAddedPmemRegion() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-pmem-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let overlay = directory.appendingPathComponent("pmem.dtso")
    try """
    /dts-v1/;
    /plugin/;
    / { fragment@0 { target-path = "/"; __overlay__ {
      pmem@100000000 { compatible = "pmem-region"; reg = <0x1 0x0 0x0 0x10000000>; }; }; }; };
    """.write(to: overlay, atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("out.dtb").path
    let result = try InProcess.run(["apply", Self.before, overlay.path, "-o", out])
    #expect(result.status == 0, "\(result.errorText)")
    #expect(result.text.contains("pmem: added /pmem@100000000: pmem-region added: "), "\(result.text)")
  }
}
