import BootModel
import MemoryDiff
import MemoryModel
import TestSupport
import Testing

@Suite struct MemoryDiffTests {
  /// A board: 2/2 cells, `memory` banks, `/reserved-memory` children, `/memreserve/` lines, bootargs.
  static func board(
    memory: String = "<0x0 0x40000000 0x0 0x40000000>", children: String = "", memreserve: String = "",
    bootargs: String = ""
  ) throws -> BootRun {
    let source = """
      /dts-v1/;
      \(memreserve)
      / {
        #address-cells = <2>; #size-cells = <2>;
        memory@40000000 { device_type = "memory"; reg = \(memory); };
        reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; \(children) };
        chosen { bootargs = "\(bootargs)"; };
      };
      """
    let (_, board) = try DTC.board(source: source)
    return try BootRun(BootRequest(.deviceTree(board)))
  }

  static func kinds(_ a: BootRun, _ b: BootRun) -> [String] {
    MemoryDiff.compare(a, b).changes.map { "\($0.category.rawValue) \($0.kind) \($0.path)" }
  }

  @Test func identicalInputsHaveNoChanges() throws {
    let a = try Self.board(children: "fw@7f000000 { reg = <0x0 0x7f000000 0x0 0x100000>; no-map; };")
    #expect(MemoryDiff.compare(a, a).isIdentical)
  }

  @Test func banksAreMatchedByStart() throws {
    let a = try Self.board(memory: "<0x0 0x40000000 0x0 0x40000000>, <0x1 0x0 0x0 0x40000000>")
    let b = try Self.board(memory: "<0x0 0x40000000 0x0 0x80000000>, <0x2 0x0 0x0 0x40000000>")
    #expect(
      Self.kinds(a, b).filter { $0.hasPrefix("memory") } == [
        "memory resized /memory@40000000", "memory removed /memory@40000000", "memory added /memory@40000000",
      ])
  }

  @Test func reservedRegionsMoveResizeAndChangeFlags() throws {
    let a = try Self.board(
      children: """
        fw@7f000000 { reg = <0x0 0x7f000000 0x0 0x100000>; };
        shm@7e000000 { reg = <0x0 0x7e000000 0x0 0x100000>; };
        pool { compatible = "shared-dma-pool"; size = <0x0 0x400000>; };
        gone@7d000000 { reg = <0x0 0x7d000000 0x0 0x1000>; };
        """)
    let b = try Self.board(
      children: """
        fw@7e800000 { reg = <0x0 0x7e800000 0x0 0x100000>; };
        shm@7e000000 { reg = <0x0 0x7e000000 0x0 0x200000>; no-map; };
        pool { compatible = "shared-dma-pool"; size = <0x0 0x800000>; };
        new@7c000000 { reg = <0x0 0x7c000000 0x0 0x1000>; };
        """)
    let changes = MemoryDiff.compare(a, b).changes
    let kinds = changes.map { "\($0.category.rawValue) \($0.kind) \($0.path)" }
    #expect(kinds.contains("reserved moved /reserved-memory/fw@7e800000"))
    #expect(kinds.contains("reserved resized /reserved-memory/shm@7e000000"))
    #expect(kinds.contains("reserved flags /reserved-memory/shm@7e000000"))
    #expect(kinds.contains("reserved resized /reserved-memory/pool"))
    #expect(kinds.contains("reserved removed /reserved-memory/gone@7d000000"))
    #expect(kinds.contains("reserved added /reserved-memory/new@7c000000"))
    // The dynamic pool grew, so the model places it elsewhere.
    #expect(kinds.contains("simulated placement /reserved-memory/pool"))
    let moved = changes.first { $0.kind == "moved" }
    #expect(moved?.message.contains("(was fw@7f000000)") == true)
  }

  @Test func memreserveCmdlineAndFailures() throws {
    let a = try Self.board(
      children: "pool { compatible = \"shared-dma-pool\"; size = <0x0 0x400000>; };", bootargs: "console=ttyS0")
    let b = try Self.board(
      children:
        "pool { compatible = \"shared-dma-pool\"; size = <0x0 0x400000>; alloc-ranges = <0x0 0x10000000 0x0 "
        + "0x1000000>; };",
      memreserve: "/memreserve/ 0x48000000 0x1000;", bootargs: "console=ttyS0 mem=512M")
    let kinds = Self.kinds(a, b)
    #expect(kinds.contains("memreserve added /memreserve/"))
    #expect(kinds.contains("cmdline added cmdline"))
    #expect(kinds.contains("reserved changed /reserved-memory/pool"))
    // alloc-ranges below memory: the region now fails.
    #expect(kinds.contains("simulated status /reserved-memory/pool"))
    #expect(kinds.contains("simulated changed memory"))
  }

  @Test func missingMemoryIsANoteNotAChange() throws {
    let a = try Self.board(memory: "<0x0 0x40000000 0x0 0x0>")
    let b = try Self.board()
    let result = MemoryDiff.compare(a, b)
    #expect(result.changes.map(\.kind) == ["added"])
    #expect(result.notes.count == 1)
  }
}
