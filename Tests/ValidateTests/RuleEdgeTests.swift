import BootModel
import MemoryModel
import TestSupport
import Testing
import Validate

/// Rule paths a single bad fixture cannot show, because another finding of the same rule
/// would hide them.
@Suite struct RuleEdgeTests {
  static func findings(_ source: String, commandLine: String = "") throws -> [Finding] {
    let (_, board) = try DTC.board(source: source)
    return try Validator.validate(
      BootRequest(.deviceTree(board), commandLine: BootCommandLine(commandLine, source: .given("--cmdline"))))
  }

  /// With 2/1 root cells a 16-byte property fails the kernel's length test (bytes modulo a
  /// cell count) and the whole property is ignored.
  @Test func usableMemoryRangeTheKernelRejects() throws {
    let findings = try Self.findings(
      """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <1>;
        memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x40000000>; };
        chosen { linux,usable-memory-range = <0x0 0x60000000 0x10000000 0x0>; };
      };
      """)
    let finding = try #require(findings.first { $0.rule == "usable-range-outside-memory" })
    #expect(finding.severity == .error)
    #expect(finding.message.contains("refuses its length of 16 bytes"))
  }

  /// A crash-kernel range that leaves out the running kernel's image (recorded: an oops).
  @Test func usableMemoryRangeWithoutTheKernelImage() throws {
    let (_, board) = try DTC.board(
      source: """
        /dts-v1/;
        / { #address-cells = <2>; #size-cells = <2>;
          memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x80000000>; };
          chosen { linux,usable-memory-range = <0x0 0x60000000 0x0 0x20000000>; };
        };
        """)
    let kernel = LoaderReservation(range: PhysicalRange(start: 0x4020_0000, size: 0x2b2_0000)!, label: "kernel")
    let findings = try Validator.validate(
      BootRequest(.deviceTree(board), commandLine: BootCommandLine.empty, loaderReservations: [kernel]))
    #expect(findings.map(\.rule) == ["usable-range-outside-memory"])
    #expect(findings.first?.severity == .error)
    #expect(findings.first?.message.contains("leaves out the kernel image") == true)
  }

  /// More than 64 dynamic children overflow an unchecked array in 6.12: the kernel panics.
  @Test func tooManyDynamicChildren() throws {
    let children = (0..<65).map { "d\($0) { size = <0x0 0x1000>; };" }.joined(separator: "\n")
    let findings = try Self.findings(
      """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
        reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
      \(children)
        };
      };
      """)
    #expect(
      findings.contains { $0.rule == "kernel-panic" && $0.path == "/reserved-memory" && $0.message.contains("stack") })
    #expect(findings.contains { $0.rule == "reserved-too-many" && $0.path == "/reserved-memory/d64" })
  }

  /// A static CMA region whose base is not aligned fails the same way as a dynamic one whose
  /// size is not.
  @Test func staticCMAWithAnUnalignedBase() throws {
    let findings = try Self.findings(
      """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
        reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
          cma@70100000 { compatible = "shared-dma-pool"; reusable; reg = <0x0 0x70100000 0x0 0x400000>; };
        };
      };
      """)
    #expect(findings.map(\.rule) == ["reserved-cma-alignment"])
  }

  /// The section size follows the page size: 768 MiB is six 128 MiB sections (4K pages) but
  /// one and a half 512 MiB ones (64K pages).
  @Test func sectionSizeFollowsThePageSize() throws {
    let (_, board) = try DTC.board(
      source: """
        /dts-v1/;
        / { #address-cells = <2>; #size-cells = <2>;
          memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x30000000>; };
        };
        """)
    let small = try Validator.validate(
      BootRequest(.deviceTree(board), commandLine: BootCommandLine.empty, pageSize: .size4K))
    let large = try Validator.validate(
      BootRequest(.deviceTree(board), commandLine: BootCommandLine.empty, pageSize: .size64K))
    #expect(small.isEmpty)
    #expect(large.map(\.rule) == ["memory-section-hole"])
  }

  /// Recorded 6.12.100 (arm64-rec-0148): elfcorehdr is reserved before /reserved-memory, so a
  /// map static region on top of it is reserved as well and "elfcorehdr is overlapped" is not
  /// printed; the two share memory.
  @Test func elfcorehdrUnderAStaticRegion() throws {
    let findings = try Self.findings(
      """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x80000000>; };
        reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
          s@50000000 { reg = <0x0 0x50000000 0x0 0x100000>; };
        };
        chosen { linux,elfcorehdr = <0x0 0x50000000 0x0 0x10000>; };
      };
      """)
    #expect(findings.map(\.rule) == ["reserved-overlap"])
  }

  /// x86 rejects mem= values that read as 0 (nothing removed) and applies every mem=, so the
  /// lowest limit decides.
  @Test func memMeaningReadsEveryValueAsX86Does() throws {
    let board = """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x80000000>; };
      };
      """
    #expect(try Self.findings(board, commandLine: "mem=foo").isEmpty)
    let two = try Self.findings(board, commandLine: "mem=1280M mem=3G")
    let finding = try #require(two.first { $0.rule == "cmdline-mem-meaning" })
    #expect(finding.message.hasPrefix("mem=3G: arm64 keeps 2 GiB"))
    #expect(
      finding.message.hasSuffix(
        "x86 reads mem= as an address limit and would keep 256 MiB (0x40000000-0x4fffffff), the memory below 0x50000000"
      ))
  }

  /// The kernel checks the cma= bypass before the alignment: a misaligned linux,cma-default
  /// region with cma= on the command line fails as bypassed, not as misaligned.
  @Test func bypassedCMAIsASetupFailureEvenWhenMisaligned() throws {
    let board = """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
        reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
          linux,cma {
            compatible = "shared-dma-pool"; reusable; reg = <0x0 0x50100000 0x0 0x4000000>; linux,cma-default; };
        };
      };
      """
    let bypassed = try Self.findings(board, commandLine: "cma=32M").map(\.rule)
    #expect(bypassed.contains("reserved-setup-failed"))
    #expect(!bypassed.contains("reserved-cma-alignment"))
    #expect(try Self.findings(board).map(\.rule).contains("reserved-cma-alignment"))
  }

  /// A rule that quotes the kernel quotes what the boot's kernel prints for the event.
  @Test func quotesAreTheRenderedKernelLines() throws {
    let findings = try Self.findings(
      """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
        reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
          bad { size = <0x100000>; };
          zero@50000000 { reg = <0x0 0x50000000 0x0 0x0>; };
        };
      };
      """)
    let renderer = KernelLog.renderer(.arm64, .v6_12)
    let bad = ReservedNode(name: "bad", path: "/reserved-memory/bad")
    let size = try #require(findings.first { $0.rule == "reserved-size-malformed" })
    #expect(
      size.message.contains("\"\(renderer.line(for: .reservedMemory(.invalidProperty(bad, .size))))\""),
      "\(size.message)")
    let zero = try #require(findings.first { $0.rule == "reserved-size-zero" })
    let tuple = RegTuple(address: 0x5000_0000, size: 0)
    let refused = ReservedMemoryEvent.reserveFailed(
      ReservedNode(name: "zero@50000000", path: "/reserved-memory/zero@50000000"), tuple, .sizeZero)
    #expect(zero.message.contains("\"\(renderer.line(for: .reservedMemory(refused)))\""), "\(zero.message)")
  }

  /// Rules that need memory stay silent when the tree states none (and run with --memory).
  @Test func prerequisitesDecideWhichRulesRun() throws {
    let source = """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x0>; };
        reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
          huge { size = <0x1 0x0>; };
        };
      };
      """
    let (_, board) = try DTC.board(source: source)
    let without = try ValidationContext(BootRequest(.deviceTree(board)))
    #expect(!without.satisfies(.memoryIsKnown) && without.satisfies(.memoryFromDeviceTree))
    #expect(Validator.findings(in: without).map(\.rule) == ["memory-missing"])
    let memory = [PhysicalRange(start: 0x4000_0000, size: 0x1000_0000)!]
    let with = try ValidationContext(BootRequest(.deviceTree(board), memoryOverride: memory))
    #expect(with.satisfies(.memoryIsKnown) && !with.satisfies(.memoryFromDeviceTree))
    #expect(Validator.findings(in: with).map(\.rule).contains("reserved-alloc-failed"))
  }
}
