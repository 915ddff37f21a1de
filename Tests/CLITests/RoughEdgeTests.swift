import Foundation
import TestSupport
import Testing

/// Issue 12's rough edges: options a command lists work (or are not listed), options are
/// refused rather than silently ignored, and the wording says what it means.
@Suite struct RoughEdgeTests {
  static let board = "dts/qemu-virt-2g.dts"

  @Test func jsonAndAnotherFormatAreRefusedNotBeaten() throws {
    for words in [
      ["simulate", Self.board, "--json", "--format", "dmesg"], ["to-e820", Self.board, "--json", "--format", "sysfs"],
      ["validate", Self.board, "--json", "--format", "sarif"],
    ] {
      let result = try InProcess.run(words)
      #expect(result.status == 2, "\(words)")
      #expect(result.errorText.hasPrefix("dtmem: error: --json: means --format json; it cannot be combined with"))
      #expect(result.text.isEmpty)
    }
    // Saying the same thing twice is fine.
    #expect(try InProcess.run(["simulate", Self.board, "--json", "--format", "json"]).status == 0)
  }

  @Test func explainWithAFormatWithoutStepsIsRefused() throws {
    for format in ["dmesg", "kernel-log"] {
      let result = try InProcess.run(["simulate", Self.board, "--explain", "--format", format])
      #expect(result.status == 2, "\(format)")
      #expect(result.errorText.hasPrefix("dtmem: error: --explain: --format \(format) prints only "))
    }
    #expect(try InProcess.run(["simulate", Self.board, "--explain"]).text.contains("2. DT memory nodes  — "))
    #expect(try InProcess.run(["simulate", Self.board, "--explain", "--json"]).status == 0)
  }

  /// validate, diff, apply and to-overlay boot device trees on arm64 only: they do not offer
  /// --arch or --e820-max-entries (they listed them, then refused --arch x86).
  @Test func arm64OnlyCommandsDoNotOfferX86Options() throws {
    for command in ["validate", "diff", "apply", "to-overlay"] {
      let help = try InProcess.run([command, "--help"]).text
      #expect(!help.contains("--arch"), "\(command)")
      #expect(!help.contains("--e820-max-entries"), "\(command)")
      let refused = try InProcess.run([command, Self.board, "--arch", "arm64"])
      #expect(refused.status == 2)
      #expect(refused.errorText.hasPrefix("dtmem: error: \(command): unknown option '--arch'"), "\(refused.errorText)")
    }
    // The commands that boot x86 keep them.
    #expect(try InProcess.run(["simulate", "--help"]).text.contains("--arch"))
  }

  @Test func toOverlaySaysCmdlineIsRequired() throws {
    let help = try InProcess.run(["to-overlay", "--help"]).text
    #expect(help.contains("The x86 parameters to translate"))
    #expect(!help.contains("Default: /chosen/bootargs"))
    let missing = try InProcess.run(["to-overlay", Self.board])
    #expect(missing.status == 2)
    #expect(missing.errorText.hasPrefix("dtmem: error: --cmdline: give the parameters to translate"))
  }

  @Test func showWithoutACommandLineSaysSo() throws {
    let text = try InProcess.run(["show", "dts/fixtures/rules/memory-overlap.good.dts"]).text
    #expect(text.contains("\n  no command line\n"), "\(text.prefix(300))")
    #expect(!text.contains("(no command line)"))
    // One that has bootargs names them.
    #expect(try InProcess.run(["show", "dts/cma-carveouts.dts"]).text.contains("command line (/chosen/bootargs): "))
  }

  @Test func diffOfTwoInputsWithoutMemorySaysNeitherStatesAny() throws {
    let file = "dts/fixtures/rules/memory-missing.bad.dts"
    let result = try InProcess.run(["diff", file, file])
    #expect(result.text.contains("the simulated boots are not compared: neither input states any memory ("))
    #expect(!result.text.contains("neither input states no memory"))
  }

  @Test func memMeaningWithNothingBelowTheLimitSaysNoMemory() throws {
    let result = try InProcess.run(["validate", Self.board, "--cmdline", "mem=512M"])
    #expect(
      result.text.contains(
        "x86 reads mem= as an address limit and would keep no memory (none lies below 0x20000000)"), "\(result.text)")
    #expect(!result.text.contains("would keep no memory, the memory below"))
  }

  @Test func failedKernelAllocationsSayWhy() throws {
    let text = try InProcess.run(["show", Self.board, "--cmdline", "cma=8G crashkernel=16G"]).text
    #expect(text.contains("  cma: failed: no free 8 GiB block"), "\(text)")
    #expect(text.contains("  crashkernel: failed: the kernel reserves nothing: 16 GiB is not less than"))
  }
}

/// to-overlay translates what x86 keeps of the command line (COMMAND_LINE_SIZE), not all of a
/// line of any length (issue 12: 1,000,000 memmap= items took 13.7 s and 1.4 GB).
@Suite struct ToOverlayCommandLineLimitTests {
  @Test func onlyTheKeptPartIsTranslated() throws {
    let padding = String(repeating: "x", count: 2100)
    let line = "memmap=64M$0x90000000 \(padding) memmap=16M$0xa0000000"
    let cut = try InProcess.run(["to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", line])
    #expect(cut.status == 0, "\(cut.errorText)")
    #expect(cut.text.contains("memmap@90000000"))
    #expect(!cut.text.contains("memmap@a0000000"))
    #expect(cut.errorText.contains("x86 keeps only the first 2047, so only those are translated"))
    let whole = try InProcess.run(["to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", line, "--cmdline-size", "0"])
    #expect(whole.text.contains("memmap@a0000000"))
  }

  @Test func aMillionItemsStayCheap() throws {
    let line = (0..<1_000_000).map { _ in "memmap=4K$0x100000000" }.joined(separator: " ")
    let start = ContinuousClock.now
    let result = try InProcess.run(["to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", line])
    #expect(result.status == 0)
    #expect(ContinuousClock.now - start < .seconds(20))
    #expect(result.text.components(separatedBy: "memmap@100000000").count < 100)
  }
}

/// `--explain` says what decided a dynamic region's place (issue 12): the window, the direction,
/// the alignment, and what blocked the next candidate.
@Suite struct ExplainPlacementTests {
  @Test func dynamicRegionsSayWhatDecidedThem() throws {
    let text = try InProcess.run(["simulate", "dts/cma-carveouts.dts", "--explain"]).text
    #expect(
      text.contains(
        "linux,cma: 256 MiB in alloc-ranges window 1 [0x40000000-0xffffffff], top-down, align 0x400000: the next "
          + "higher candidate [0xee400000-0xfe3fffff] overlaps optee@fe000000 [0xfe000000-0xffffffff]"), "\(text)")
    #expect(
      text.contains(
        "vpu-pool: 64 MiB in alloc-ranges window 1 [0x80000000-0xbfffffff], top-down, align 0x100000: the highest "
          + "aligned fit in it"))
    #expect(text.contains("ramoops: 1 MiB in all of memory, top-down, align 0x40: the highest aligned fit in it"))
  }
}
