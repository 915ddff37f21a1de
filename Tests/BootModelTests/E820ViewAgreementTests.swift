import BootModel
import DeviceTree
import Foundation
import MemoryModel
import TestSupport
import Testing

/// The e820 view of a device tree and the memory table never disagree: memory the kernel keeps
/// as mapped RAM is usable in the view, whatever a pmem-region node says (issue 12, item 1).
@Suite struct E820ViewAgreementTests {
  static let sources: [String] = {
    let roots = ["dts", "dts/fixtures/rules"]
    return roots.flatMap { root in
      let names = try! FileManager.default.contentsOfDirectory(atPath: Repository.path(root).path)
      return names.filter { $0.hasSuffix(".dts") }.sorted().map { "\(root)/\($0)" }
    }
  }()

  @Test func thereAreSourcesToCheck() { #expect(Self.sources.count > 20) }

  @Test(arguments: sources)
  func keptRAMIsUsableInTheView(_ path: String) throws {
    let board = try FlatDeviceTree(bytes: DTC.compile(file: Repository.path(path))).boardMemory()
    // A blob whose memory the bootloader fills in has no view to compare.
    guard board.memoryNodes.contains(where: { !$0.banks.isEmpty }) else { return }
    let result = try Boot.run(BootRequest(.deviceTree(board)))
    let mapped = result.memory.filter { !$0.noMap }.map(\.range)
    for region in result.e820.regions where region.kind == .persistentLegacy {
      #expect(PhysicalRanges.covered(region.range, by: mapped).isEmpty, "\(path): \(region) is kept RAM")
    }
  }

  @Test func pmemOverRAMIsUsableAndOutsideRAMPersistent() throws {
    let source = """
      /dts-v1/;
      / { #address-cells = <2>; #size-cells = <2>;
        memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x80000000>; };
        pmem@f0000000 { compatible = "pmem-region"; reg = <0x0 0xf0000000 0x0 0x20000000>; };
      };
      """
    let board = try FlatDeviceTree(bytes: DTC.compile(source: source)).boardMemory()
    let view = try Boot.e820View(of: board)
    #expect(
      view.regions.map { "\($0.range) \($0.kind)" } == [
        "\(PhysicalRange(start: 0x8000_0000, size: 0x8000_0000)!) \(RegionKind.usable)",
        "\(PhysicalRange(start: 0x1_0000_0000, size: 0x1000_0000)!) \(RegionKind.persistentLegacy)",
      ])
  }
}
