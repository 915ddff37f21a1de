import BootModel
import DeviceTree
import Foundation
import MemoryModel
import TestSupport
import Testing
import Translate

/// The overlay as a file: dtc's fdtoverlay and libfdt apply it alike, to bases with and without
/// /reserved-memory and without __symbols__; its source compiles to the same tree; node names
/// are valid, unique and match their reg.
@Suite struct OverlayFormatTests {
  typealias H = OverlayHarness

  static let cmdline =
    "memmap=64M$0x90000000,256M!0xa0000000 memmap=16M#0x70000000 reserve_mem=2M:4K:oops reserve_mem=1M:64K:trace "
    + "mem=3G memmap=512M@0x100000000"

  /// A base with its own /reserved-memory (2/2, a static and a CMA region) and no __symbols__.
  static func baseWithReservedMemory() throws -> FlatDeviceTree {
    try H.base(
      """
      \tmemory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x80000000>; };
      \treserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
      \t\tmemmap@90000000 { reg = <0 0x90000000 0 0x100000>; };
      \t\toops@60000000 { reg = <0 0x60000000 0 0x100000>; };
      \t\tlinux,cma { compatible = "shared-dma-pool"; reusable; size = <0 0x4000000>; };
      \t};
      """)
  }

  func fdtoverlay(_ base: FlatDeviceTree, _ overlay: [UInt8]) throws -> FlatDeviceTree {
    let (directory, files) = try H.files(["base.dtb": base.bytes, "o.dtbo": overlay])
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.dtb")
    let result = try Command.run(["fdtoverlay", "-i", files["base.dtb"]!.path, "-o", out.path, files["o.dtbo"]!.path])
    guard result.status == 0 else { throw TestFailure("fdtoverlay: \(result.errorText)") }
    return try FlatDeviceTree(bytes: [UInt8](Data(contentsOf: out)))
  }

  @Test(arguments: [true, false])
  func fdtoverlayAndLibfdtAgree(withBase: Bool) throws {
    for base in [H.qemuVirt, try Self.baseWithReservedMemory()] {
      let result = try H.build(Self.cmdline, base: withBase ? base : nil)
      #expect(base.node(atPath: "/__symbols__") == nil)
      let viaLibfdt = try base.applying(FlatDeviceTree(bytes: result.blob))
      let viaDtc = try fdtoverlay(base, result.blob)
      #expect(try viaLibfdt.boardMemory() == viaDtc.boardMemory())
      let reserved = try #require(try viaDtc.boardMemory().reservedMemory)
      #expect(reserved.addressCells == 2 && reserved.sizeCells == 2 && reserved.hasRanges)
    }
  }

  @Test func anExistingReservedMemoryKeepsItsNodeAndGainsUniqueChildren() throws {
    let base = try Self.baseWithReservedMemory()
    let result = try H.build("memmap=64M$0x90000000 reserve_mem=1M:4K:oops", base: base)
    #expect(!result.plan.createsReservedMemory)
    #expect(result.plan.nodes.map(\.name) == ["memmap-1@90000000", "oops-1"])
    let children = try #require(try result.applied?.boardMemory().reservedMemory?.children)
    #expect(children.map(\.name) == ["memmap-1@90000000", "oops-1", "memmap@90000000", "oops@60000000", "linux,cma"])
    // The base's static region is untouched (a same-named node would have had its reg replaced).
    #expect(children[2].reg?.tuples == [RegTuple(address: 0x9000_0000, size: 0x10_0000)])
  }

  @Test func baseReservedMemoryWithOtherCellsIsNotClobbered() throws {
    let base = try H.base(
      """
      \tmemory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x80000000>; };
      \treserved-memory { #address-cells = <1>; #size-cells = <1>; ranges; };
      """)
    let result = try H.build("memmap=64M$0x90000000", base: base)
    let reserved = try #require(try result.applied?.boardMemory().reservedMemory)
    #expect(reserved.addressCells == 1 && reserved.sizeCells == 1)
    // …and the model says the kernel ignores the whole node, so the region does not hold.
    #expect(result.checks.first?.holds == false)
  }

  @Test func sourceCompilesToTheSameTree() throws {
    let result = try H.build(Self.cmdline)
    let source = result.plan.source(commandLine: Self.cmdline, base: "qemu-virt-2g")
    #expect(source.contains("/plugin/;") && source.contains("target-path = \"/\""))
    let compiled = try DTC.compile(source: source)
    #expect(try H.qemuVirt.applying(FlatDeviceTree(bytes: compiled)).boardMemory() == result.applied?.boardMemory())
  }

  @Test func nodeNamesAreValidUniqueAndMatchTheirReg() throws {
    let result = try H.build(Self.cmdline + " memmap=1M$0x90000000 reserve_mem=1M:4K:a/b!c reserve_mem=1M:4K:9lives")
    var seen = Set<String>()
    for node in result.plan.nodes {
      #expect(seen.insert(node.path).inserted, "\(node.path) twice")
      let parts = node.name.split(separator: "@", maxSplits: 1)
      #expect(parts[0].count <= 31 && parts[0].first!.isLetter, "\(node.name)")
      #expect(parts[0].allSatisfy { $0.isLetter || $0.isNumber || ",._+-".contains($0) }, "\(node.name)")
      if parts.count == 2, case .cells(let cells) = node.properties.first(where: { $0.name == "reg" })?.value {
        let address = UInt64(cells[0]) << 32 | UInt64(cells[1])
        #expect(String(parts[1]) == String(address, radix: 16), "\(node.name)")
      }
    }
    #expect(result.plan.nodes.contains { $0.name == "memmap-1@90000000" })
    #expect(result.plan.nodes.contains { $0.name == "a-b-c" } && result.plan.nodes.contains { $0.name == "r9lives" })
  }

  @Test func withoutBaseTheCellsAreAssumedAndSaid() throws {
    let result = try H.build("memmap=64M$0x90000000", base: nil)
    #expect(
      result.plan.cellsAssumed && result.plan.createsReservedMemory
        && result.plan.cells == CellCounts(address: 2, size: 2))
    #expect(result.diagnostics.contains { $0.message.contains("assuming #address-cells = <2> and #size-cells = <2>") })
  }

  @Test func valuesTheBaseCellsCannotHoldAreRefused() throws {
    let base = try H.base(
      "\tmemory@40000000 { device_type = \"memory\"; reg = <0x40000000 0x80000000>; };", cells: (1, 1))
    let result = try H.build("memmap=64M$0x90000000 memmap=1G!0x100000000", base: base)
    #expect(result.plan.mappings.map(\.outcome) == [.translated, .refused])
    #expect(result.plan.nodes.first?.properties.first { $0.name == "reg" }?.value == .cells([0x9000_0000, 0x400_0000]))
  }

  @Test func whatTheKernelIgnoresHasNoEffect() throws {
    let result = try H.build(
      "memmap=64M%0x90000000junk mem=0 memmap=0$0x1000 reserve_mem=1M:4K: reserve_mem=1M:4K:x reserve_mem=2M:4K:x",
      base: nil)
    #expect(
      result.plan.mappings.map(\.outcome) == [.noEffect, .noEffect, .noEffect, .noEffect, .translated, .noEffect])
    #expect(try H.build("memmap=1M%0x1000-3+3", base: nil).plan.mappings[0].notes[0].contains("BUG"))
    #expect(try H.build("memmap=15E$0x2000000000000000", base: nil).plan.mappings[0].outcome == .refused)
  }

  @Test func libfdtNameMatching() {
    #expect(NodeNaming.libfdtFinds("oops", among: ["oops@60000000"]))
    #expect(!NodeNaming.libfdtFinds("oops@1", among: ["oops"]))
    #expect(NodeNaming.unique("oops", address: nil, taken: ["oops@60000000", "oops-1"]) == "oops-2")
    #expect(NodeNaming.sanitized("trace buf") == ("trace-buf", true))
    #expect(NodeNaming.sanitized("oops") == ("oops", false))
  }
}
