import Foundation
import TestSupport
import Testing

/// `--efi-memmap` and UEFI maps as INPUT, end to end.
@Suite struct UEFICommandTests {
  /// A shared UEFI boot's tree and map in a temporary directory.
  static func files(_ id: String) throws -> (dts: String, map: String, recorded: [String: Any]) {
    let recorded = try #require(
      try Repository.jsonLines(Repository.fixture("conformance/arm64-uefi.jsonl")).first { $0["id"] as? String == id })
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-uefi-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let dts = directory.appendingPathComponent("board.dts")
    let map = directory.appendingPathComponent("efi.txt")
    try (recorded["dts"] as! String).write(to: dts, atomically: true, encoding: .utf8)
    let lines = (recorded["efi_memmap"] as! [String]).joined(separator: "\n")
    try ("efi: Processing EFI memory map:\n" + lines + "\n").write(to: map, atomically: true, encoding: .utf8)
    return (dts.path, map.path, recorded)
  }

  /// The kernel's lines of a shared UEFI boot, through `simulate --efi-memmap`, with the image
  /// found in the map (no --reserve).
  @Test func simulateReproducesASharedUEFIBoot() throws {
    let (dts, map, recorded) = try Self.files("efi-210005")
    let result = try InProcess.run(["simulate", dts, "--efi-memmap", map, "--format", "kernel-log"])
    #expect(result.status == 0, "\(result.errorText)")
    let got = result.text.split(separator: "\n").map(String.init).filter {
      !$0.hasPrefix("cma:") && !$0.hasPrefix("NUMA:")
    }
    #expect(got == recorded["lines"] as! [String])
  }

  @Test func explainNamesTheEFISteps() throws {
    let (dts, map, _) = try Self.files("efi-210005")
    let result = try InProcess.run(["simulate", dts, "--efi-memmap", map, "--explain"])
    for text in [
      "update_fdt()", "reserve_regions()", "efi_memattr_init()", "EDK2 puts it 0x3018 into the Boot Data region",
      "kernel image at [mem 0x00000000b1800000-0x00000000b431ffff]", "deleted the tree's /memreserve/ entries",
    ] {
      #expect(result.text.contains(text), "missing \(text)")
    }
  }

  /// The same blob booted directly keeps its /memory banks; through UEFI memory starts at the flash.
  @Test func uefiChangesTheMemoryAgainstADirectBoot() throws {
    let (dts, map, _) = try Self.files("efi-210005")
    let direct = try InProcess.run(["to-e820", dts]).text
    let uefi = try InProcess.run(["to-e820", dts, "--efi-memmap", map]).text
    #expect(direct.hasPrefix("[mem 0x0000000040000000-"))
    #expect(uefi.hasPrefix("[mem 0x0000000004000000-0x0000000007ffffff] reserved"))
    #expect(direct != uefi)
  }

  /// A UEFI map as INPUT: its e820 view (do_add_efi_memmap()).
  @Test func mapAsInputIsItsE820View() throws {
    let result = try InProcess.run(["to-e820", Repository.fixture("efi/edk2-shell-memmap.txt").path])
    #expect(result.status == 0, "\(result.errorText)")
    #expect(result.text.contains("[mem 0x0000000050a00000-0x0000000050a0ffff] ACPI data"))
    #expect(result.text.contains("[mem 0x0000000050000000-0x000000005000ffff] ACPI NVS"))
    #expect(result.text.contains("[mem 0x0000000004000000-0x0000000007ffffff] reserved"))
    let dts = try InProcess.run(["to-dts", Repository.fixture("efi/uboot-efidebug-memmap.txt").path])
    #expect(dts.status == 0 && dts.text.contains("memory@40000000"), "\(dts.errorText)")
  }

  @Test func stubBlobWithoutMapIsOneError() throws {
    let recorded = try #require(
      try Repository.jsonLines(Repository.fixture("recorded/arm64-uefi-explore.jsonl")).first { $0["stub_dts"] != nil })
    let result = try InProcess.run(["show", "-"], input: Array((recorded["stub_dts"] as! String).utf8))
    #expect(result.status == 2)
    #expect(result.errorText.hasPrefix("dtmem: error: <stdin>: /chosen has linux,uefi-mmap-start: the EFI stub booted"))
    #expect(result.errorText.split(separator: "\n").count == 1)
  }

  @Test func badMapLineIsOneErrorWithItsLineNumber() throws {
    let (dts, map, _) = try Self.files("efi-210000")
    var text = try String(contentsOfFile: map, encoding: .utf8)
    text = text.replacingOccurrences(of: "[Boot Data   |", with: "[Bot Data    |")
    try text.write(toFile: map, atomically: true, encoding: .utf8)
    let result = try InProcess.run(["simulate", dts, "--efi-memmap", map])
    #expect(result.status == 2)
    #expect(result.errorText.hasPrefix("dtmem: error: --efi-memmap \(map): line 3: 'Bot Data' is not a memory type"))
  }
}
