import BootModel
import DeviceTree
import MemoryModel
import TestSupport
import Testing
import Translate

/// For each parameter form: base + overlay (applied by libfdt), booted by the arm64 model,
/// reserves exactly what the parameters meant — and, where e820 can say it, the arm64 model's
/// e820 view of the result is the table x86 makes of the same parameters on the same base.
@Suite struct OverlayEquivalenceTests {
  typealias H = OverlayHarness

  /// Two banks (x86 refuses a user table of fewer than two entries).
  static let twoBanks = """
    \tmemory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x80000000>; };
    \tmemory@100000000 { device_type = "memory"; reg = <0x1 0x0 0x0 0x40000000>; };
    """

  func expectSameAsX86(
    _ cmdline: String, base: FlatDeviceTree = OverlayHarness.qemuVirt,
    losing replacements: [RegionKind: RegionKind] = [:]
  ) throws {
    let result = try H.build(cmdline, base: base)
    let arm64 = try #require(result.appliedBoot).e820
    let x86 = H.replacing(try H.x86Meaning(cmdline, base: base), replacements)
    #expect(arm64 == x86, "\(cmdline)\n arm64: \(arm64.regions)\n x86:   \(x86.regions)")
  }

  @Test func reservedIsAStaticNoMapRegion() throws {
    let result = try H.build("memmap=64M$0x90000000")
    let taken = H.reservations(result, at: "/reserved-memory/memmap@90000000")
    #expect(
      taken.count == 1 && taken[0].status == .reserved && taken[0].noMap
        && taken[0].range == H.range(0x9000_0000, 0x400_0000))
    #expect(result.checks.allSatisfy { $0.holds })
    try expectSameAsX86("memmap=64M$0x90000000")
  }

  @Test func acpiDataIsReservedAndLosesItsType() throws {
    let result = try H.build("memmap=16M#0x70000000")
    #expect(H.reservations(result, at: "/reserved-memory/memmap@70000000").first?.noMap == true)
    #expect(result.plan.mappings[0].notes.contains { $0.contains("ACPI data has no device tree meaning") })
    try expectSameAsX86("memmap=16M#0x70000000", losing: [.acpiData: .reserved])
  }

  @Test func persistentMemoryInRAMIsAPmemRegionKeptOutOfRAM() throws {
    let result = try H.build("memmap=256M!0xa0000000")
    let board = try #require(result.applied).boardMemory()
    #expect(board.persistentRegions.map(\.path) == ["/pmem@a0000000"])
    #expect(board.persistentRegions[0].reg?.tuples == [RegTuple(address: 0xa000_0000, size: 0x1000_0000)])
    #expect(H.reservations(result, at: "/reserved-memory/pmem@a0000000").first?.status == .reserved)
    try expectSameAsX86("memmap=256M!0xa0000000")
  }

  @Test func persistentMemoryOutsideRAMNeedsNoReservation() throws {
    let result = try H.build("memmap=1G!0x100000000")
    #expect(result.plan.nodes.map(\.path) == ["/pmem@100000000"])
    try expectSameAsX86("memmap=1G!0x100000000")
    // Straddling the end of RAM: only the RAM part is reserved.
    let straddling = try H.build("memmap=1G!0xa0000000")
    #expect(straddling.plan.nodes.map(\.path) == ["/pmem@a0000000", "/reserved-memory/pmem@a0000000"])
    #expect(straddling.plan.nodes[1].effect == .staticReservation(H.range(0xa000_0000, 0x2000_0000), noMap: true))
    try expectSameAsX86("memmap=1G!0xa0000000")
  }

  @Test func ramIsAMemoryNode() throws {
    let result = try H.build("memmap=512M@0x100000000")
    #expect(H.memory(result.appliedBoot) == [H.range(0x4000_0000, 0x8000_0000), H.range(0x1_0000_0000, 0x2000_0000)])
    try expectSameAsX86("memmap=512M@0x100000000")
  }

  @Test func ramAtAnExistingNodesAddressKeepsItsBanks() throws {
    let result = try H.build("memmap=3G@0x40000000")
    let node = try #require(result.plan.nodes.first)
    #expect(node.path == "/memory@40000000" && node.effect == .memory([H.range(0x4000_0000, 0xc000_0000)]))
    #expect(H.memory(result.appliedBoot) == [H.range(0x4000_0000, 0xc000_0000)])
    try expectSameAsX86("memmap=3G@0x40000000")
  }

  @Test func exactmapSwitchesOffTheBaseMemory() throws {
    let cmdline = "memmap=64M$0x90000000 memmap=exactmap memmap=1G@0x40000000,256M@0x100000000"
    let result = try H.build(cmdline)
    #expect(result.plan.mappings[0].outcome == .discarded)
    let board = try #require(result.applied).boardMemory()
    #expect(
      board.memoryNodes.first { $0.path == "/memory@40000000" }?.reg?.tuples == [
        RegTuple(address: 0x4000_0000, size: 0x4000_0000)
      ])
    #expect(H.memory(result.appliedBoot) == [H.range(0x4000_0000, 0x4000_0000), H.range(0x1_0000_0000, 0x1000_0000)])
    try expectSameAsX86(cmdline)
    // Nothing after exactmap: refused, as x86 would panic.
    let empty = try H.build("memmap=exactmap memmap=64M$0x90000000")
    #expect(empty.plan.mappings[0].outcome == .refused)
    #expect(empty.plan.nodes.map(\.path) == ["/reserved-memory/memmap@90000000"])
  }

  @Test func exactmapWithoutBaseIsRefused() throws {
    let result = try H.build("memmap=exactmap memmap=1G@0x40000000", base: nil)
    #expect(result.plan.mappings[0].outcome == .refused)
    #expect(result.plan.mappings[0].notes[0].contains("needs BASE"))
  }

  @Test func memIsAnAddressLimit() throws {
    let base = try H.base(Self.twoBanks)
    let result = try H.build("mem=2G", base: base)
    let chosen = try #require(result.plan.nodes.first { $0.path == "/chosen" })
    #expect(chosen.effect == .usableMemoryRange([H.range(0x4000_0000, 0x4000_0000)]))
    #expect(H.memory(result.appliedBoot) == [H.range(0x4000_0000, 0x4000_0000)])
    try expectSameAsX86("mem=2G", base: base)
    try expectSameAsX86("memmap=2G", base: base)
    try expectSameAsX86("mem=5G", base: base)
  }

  @Test func ramAddedAfterALimitStays() throws {
    let base = try H.base(Self.twoBanks)
    let cmdline = "mem=2G memmap=256M@0x140000000"
    let result = try H.build(cmdline, base: base)
    #expect(H.memory(result.appliedBoot) == [H.range(0x4000_0000, 0x4000_0000), H.range(0x1_4000_0000, 0x1000_0000)])
    try expectSameAsX86(cmdline, base: base)
    // Two such ranges cannot be said: the second is refused.
    let two = try H.build(cmdline + " memmap=256M@0x180000000", base: base)
    #expect(two.plan.mappings.last?.outcome == .refused)
  }

  @Test func retypingRAMActsOnTheRAMParts() throws {
    let cmdline = "memmap=512M%0xa0000000-1+2"
    let result = try H.build(cmdline)
    #expect(result.plan.nodes.map(\.effect) == [.staticReservation(H.range(0xa000_0000, 0x2000_0000), noMap: true)])
    try expectSameAsX86(cmdline)
    #expect(try H.build("memmap=512M%0xa0000000-1+2", base: nil).plan.mappings[0].outcome == .refused)
    #expect(try H.build("memmap=1M%0xa0000000-1+1").plan.mappings[0].outcome == .refused)
  }

  @Test func removingRAMRewritesTheMemoryNodes() throws {
    let cmdline = "memmap=256M%0x60000000-1"
    let result = try H.build(cmdline)
    #expect(H.memory(result.appliedBoot) == [H.range(0x4000_0000, 0x2000_0000), H.range(0x7000_0000, 0x5000_0000)])
    let board = try #require(result.applied).boardMemory()
    #expect(board.memoryNodes.first { $0.path == "/memory@40000000" }?.reg?.tuples.count == 2)
    try expectSameAsX86(cmdline)
    // The first bank moving renames the node: the old one is switched off.
    let base = try H.base(Self.twoBanks)
    let front = try H.build("memmap=256M%0x40000000", base: base)
    #expect(front.plan.nodes.map(\.path) == ["/memory@40000000", "/memory@50000000"])
    #expect(front.plan.nodes[0].effect == .memoryDisabled)
    try expectSameAsX86("memmap=256M%0x40000000", base: base)
  }

  /// With 1/1 root cells, a rewritten bank can outgrow one size cell (split into tuples at
  /// 64 KiB boundaries) or start past the address cell (refused); neither may trap.
  @Test func rewrittenBanksThatOutgrowOneCell() throws {
    let base = try H.base(
      "\tmemory@0 { device_type = \"memory\"; reg = <0x0 0xffffffff 0xffffffff 0x10000>; };", cells: (1, 1))
    let split = try H.build("memmap=4K%0x10000f000-1", base: base, loader: [])
    #expect(split.plan.mappings[0].outcome == .translated)
    let board = try #require(split.applied).boardMemory()
    #expect(
      board.memoryNodes.first?.reg?.tuples == [
        RegTuple(address: 0, size: 0xffff_0000), RegTuple(address: 0xffff_0000, size: 0x1_f000),
      ])
    #expect(H.memory(split.appliedBoot) == [H.range(0, 0x1_0000_f000)])
    let refused = try H.build("memmap=4K%0x100000000-1", base: base, loader: [])
    #expect(refused.plan.mappings[0].outcome == .refused)
    #expect(
      refused.plan.mappings[0].notes[0].hasSuffix("which the root's #address-cells/#size-cells <1 1> cannot express"))
  }

  @Test func reservationsCannotBeRemovedOrRetyped() throws {
    let base = try H.base(
      Self.twoBanks
        + "\n\treserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; fw@50000000 { reg = <0 0x50000000 0 "
        + "0x100000>; no-map; }; };"
    )
    #expect(try H.build("memmap=16M%0x50000000", base: base).plan.mappings[0].outcome == .refused)
    #expect(try H.build("memmap=16M%0x50000000-2+1", base: base).plan.mappings[0].outcome == .refused)
    #expect(try H.build("memmap=16M%0x90000000-3", base: base).plan.mappings[0].outcome == .noEffect)
  }

  @Test func reserveMemIsADynamicRegionInCommandLineOrder() throws {
    let result = try H.build("reserve_mem=2M:4K:oops reserve_mem=1M:64K:trace")
    // libfdt reverses what it adds; the tree lists them reversed, so they land in order.
    let board = try #require(result.applied).boardMemory()
    #expect(board.reservedMemory?.children.map(\.name) == ["oops", "trace"])
    let oops = try #require(H.reservations(result, at: "/reserved-memory/oops").first)
    let trace = try #require(H.reservations(result, at: "/reserved-memory/trace").first)
    #expect(oops.status == .allocated && oops.range == H.range(0xbfe0_0000, 0x20_0000))
    #expect(trace.status == .allocated && trace.range == H.range(0xbfd0_0000, 0x10_0000))
    #expect(board.reservedMemory?.children[1].alignment?.value == 0x1_0000)
  }

  @Test func ramoopsGetsAStaticNodeWhereTheRegionWouldGo() throws {
    let dynamic = try H.build("reserve_mem=1M:4K:oops")
    let predicted = try #require(H.reservations(dynamic, at: "/reserved-memory/oops").first?.range)
    let result = try H.build("reserve_mem=1M:4K:oops ramoops.mem_name=oops ramoops.record_size=0x4000 ramoops.ecc=1")
    let node = try #require(result.plan.nodes.first)
    #expect(node.name == "ramoops@\(String(predicted.start, radix: 16))")
    #expect(node.effect == .staticReservation(predicted, noMap: false))
    let names = node.properties.map(\.name)
    #expect(
      names == ["compatible", "reg", "record-size", "console-size", "ftrace-size", "pmsg-size", "flags", "ecc-size"])
    #expect(node.properties.first { $0.name == "record-size" }?.value == .cells([0x4000]))
    #expect(node.properties.first { $0.name == "console-size" }?.value == .cells([0x1000]))
    #expect(node.properties.first { $0.name == "ecc-size" }?.value == .cells([16]))
    #expect(H.reservations(result, at: node.path).first?.status == .reserved)
    // Without a base it cannot be placed: a plain dynamic region and a warning.
    let unplaced = try H.build("reserve_mem=1M:4K:oops ramoops.mem_name=oops", base: nil)
    #expect(unplaced.plan.nodes.map(\.path) == ["/reserved-memory/oops"])
    #expect(unplaced.diagnostics.contains { $0.severity == .warning && $0.message.contains("needs a reg") })
  }

  @Test func collisionsComeFromTheModel() throws {
    let result = try H.build("memmap=1M$0x48000000 memmap=8M$0x60000000,16M$0x60400000")
    let failed = try #require(result.checks.first { $0.node.path == "/reserved-memory/memmap@48000000" })
    #expect(!failed.holds)
    #expect(failed.diagnostics.contains { $0.message.contains("dtb") })
    #expect(result.diagnostics.contains { $0.severity == .warning && $0.message.contains("overlaps memmap@60") })
  }

  @Test func overlayChildrenMoveTheBasesDynamicRegions() throws {
    let base = try H.base(
      Self.twoBanks
        + "\n\treserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; linux,cma { compatible = "
        + "\"shared-dma-pool\"; reusable; size = <0 0x4000000>; linux,cma-default; }; };"
    )
    let result = try H.build("reserve_mem=16M:2M:log", base: base)
    #expect(!result.plan.createsReservedMemory)
    #expect(result.diagnostics.contains { $0.location == "/reserved-memory/linux,cma" && $0.message.contains("moves") })
    let board = try #require(result.applied).boardMemory()
    #expect(board.reservedMemory?.children.map(\.name) == ["log", "linux,cma"])
  }
}
