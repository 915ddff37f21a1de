import BootModel
import DeviceTree
import KernelParameters
import MemoryModel
import Testing
import Translate

/// `--memory` (the bootloader fills the memory node in) is the base's RAM for the planner too:
/// a pmem range over those banks gets its no-map reservation (issue 12, item 1).
@Suite struct OverlayMemoryOverrideTests {
  typealias H = OverlayHarness

  static let emptyBase = """
    \tmemory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x0>; };
    """

  func build(_ cmdline: String, base: FlatDeviceTree, memory: [PhysicalRange]) throws -> OverlayResult {
    let request = BootRequest(.deviceTree(try base.boardMemory()), memoryOverride: memory)
    return try OverlayBuilder.build(
      OverlayParameters(KernelCommandLine(cmdline, limit: nil)), base: base, boot: request)
  }

  @Test func pmemOverMemoryBanksIsReservedNoMap() throws {
    let result = try build(
      "memmap=1G!0x200000000", base: try H.base(Self.emptyBase), memory: [H.range(0x8000_0000, 0x2_0000_0000)])
    let paths = result.plan.nodes.map(\.path)
    #expect(paths.contains("/pmem@200000000"))
    #expect(paths.contains("/reserved-memory/pmem@200000000"), "\(paths)")
    let applied = try #require(result.appliedBoot)
    let kept = applied.memory.filter { !$0.noMap }.map(\.range)
    #expect(PhysicalRanges.covered(H.range(0x2_0000_0000, 0x4000_0000), by: kept).isEmpty)
  }

  @Test func pmemOutsideMemoryBanksNeedsNoReservation() throws {
    let result = try build(
      "memmap=1G!0x300000000", base: try H.base(Self.emptyBase), memory: [H.range(0x8000_0000, 0x2_0000_0000)])
    #expect(result.plan.nodes.map(\.path) == ["/pmem@300000000"])
  }

  @Test func theBlobsOwnBanksDoNotCountUnderMemory() throws {
    // The blob says 8 GiB at 0x80000000, --memory says 1 GiB: only --memory is RAM.
    let base = try H.base(#"memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x2 0x0>; };"#)
    let result = try build("memmap=1G!0x200000000", base: base, memory: [H.range(0x8000_0000, 0x4000_0000)])
    #expect(result.plan.nodes.map(\.path) == ["/pmem@200000000"])
  }
}
