import Foundation
import TestSupport
import Testing

/// `simulate` and `to-memmap` options end to end through the built binary.
@Suite struct SimulateCommandTests {
  static let qemuReserve = ["--reserve", "0x40200000:0x2b20000:kernel", "--reserve", "0x48000000:0x10000:dtb"]

  /// A shared kernel-recorded arm64 boot through the CLI: the kernel's lines, in order.
  @Test func kernelLogOfARecordedBoot() throws {
    let recorded = try #require(
      try Repository.jsonLines(Repository.fixture("conformance/arm64-reserved-memory.jsonl")).first)
    let input = Array((recorded["dts"] as! String).utf8)
    let result = try InProcess.run(["simulate", "-", "--format", "kernel-log"] + Self.qemuReserve, input: input)
    #expect(result.status == 0, "\(result.errorText)")
    let expected = (recorded["lines"] as! [String]).filter { !$0.hasPrefix("Kernel command line") }
    let got = result.text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("cma:") }
    #expect(got == expected)
  }

  @Test func explainNamesEveryStepAndItsKernelFunction() throws {
    let result = try InProcess.run(["simulate", "dts/cma-carveouts.dts", "--explain"])
    #expect(result.status == 0)
    for text in [
      "DT memory nodes", "early_init_dt_scan_memory()", "/reserved-memory: dynamic regions", "linux,cma: placed at",
      "kernel: OF: reserved mem: 0x00000000bc000000..0x00000000bfffffff (65536 KiB) nomap non-reusable vpu-pool",
      "NUMA: Faking a node",
    ] {
      #expect(result.text.contains(text), "missing \(text)")
    }
    let json = try InProcess.run(["simulate", "dts/cma-carveouts.dts", "--explain", "--json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    #expect((object["steps"] as? [Any])?.count ?? 0 >= 10)
  }

  @Test func pageSizeChangesTheCMAMinimum() throws {
    let source = """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x80000000>; };
        reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
          linux,cma { compatible = "shared-dma-pool"; reusable; size = <0 0x4000000>; }; }; };
      """
    let small = try InProcess.run(["simulate", "-", "--json"], input: Array(source.utf8))
    let large = try InProcess.run(["simulate", "-", "--json", "--page-size", "64K"], input: Array(source.utf8))
    // 4K pages: CMA aligned to 2 MiB and created; 64K pages: 512 MiB alignment, 64 MiB size → setup fails.
    #expect(small.text.contains("\"alignment\": \"0x200000\"") && small.text.contains("\"status\": \"allocated\""))
    #expect(large.text.contains("\"alignment\": \"0x20000000\"") && large.text.contains("\"status\": \"failed\""))
  }

  @Test func quotingForShellAndGrub() throws {
    let raw = try InProcess.run(["to-memmap", "dts/pmem-dax.dts"]).text
    #expect(raw.contains("memmap=1M$0xfff00000"))
    #expect(
      try InProcess.run(["to-memmap", "dts/pmem-dax.dts", "--quote", "grub"]).text.contains("memmap=1M\\$0xfff00000"))
    #expect(
      try InProcess.run(["to-memmap", "dts/pmem-dax.dts", "--quote", "grub-default"]).text.contains(
        "memmap=1M\\\\\\$0xfff00000"))
    let shell = try InProcess.run(["to-memmap", "dts/pmem-dax.dts", "--quote", "shell"]).text
    #expect(shell.hasPrefix("'memmap=exactmap") && shell.hasSuffix("'\n"))
  }

  /// DT → memmap= → x86 model = DT → e820: the memmap= line reproduces the map exactly.
  @Test(arguments: [
    "cma-carveouts.dts", "dram-hole-3g.dts", "numa-2node.dts", "pmem-dax.dts", "qemu-virt-2g.dts",
    "spin-table-initrd.dts",
  ])
  func memmapLineRoundTripsThroughTheX86Model(board: String) throws {
    let memmap = try InProcess.run(["to-memmap", "dts/\(board)"])
    let line = memmap.text.trimmingCharacters(in: .whitespacesAndNewlines)
    let e820 = try InProcess.run(["to-e820", "dts/\(board)"])
    // The map is complete; an x86 kernel then stops, as to-memmap warns, when the board has no
    // RAM below 1 MiB for the real-mode trampoline (issue 12, item 4).
    let x86 = try InProcess.run(
      ["simulate", "--arch", "x86", "--e820", "-", "--cmdline", line, "--format", "kernel-log"],
      input: e820.standardOutput)
    let arm = try InProcess.run(["simulate", "dts/\(board)", "--format", "dmesg"])
    // Usable RAM starting below 1 MiB (these boards have none; the check keeps the test honest).
    let lowRAM = arm.text.split(separator: "\n").contains {
      $0.hasSuffix("usable") && $0.hasPrefix("[mem 0x00000000000")
    }
    #expect(x86.status == (lowRAM ? 0 : 2), "\(x86.errorText)")
    #expect(memmap.errorText.contains("the line cannot boot x86 as it stands: ") == !lowRAM, "\(memmap.errorText)")
    if !lowRAM { #expect(x86.errorText.contains("\"Real mode trampoline was not allocated\""), "\(x86.errorText)") }
    let user = x86.text.split(separator: "\n").filter { $0.hasPrefix("user: ") }.map { $0.dropFirst(6) + "\n" }.joined()
    #expect(user == arm.text, "\(board): x86 with \(line)")
  }
}
