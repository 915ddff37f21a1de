import BootModel
import DeviceTree
import FirmwareTables
import Foundation
import KernelParameters
import MemoryModel
import TestSupport
import Testing
import Translate

/// e820 → device tree → e820 (the arm64 model's view of the tree) loses only what the tool
/// reports: RAM arm64 trims to pages, and the types a device tree cannot tell apart.
@Suite struct E820DeviceTreeTests {
  /// Every firmware table of the shared x86 conformance cases, plus one with every other type.
  static func tables() throws -> [[MapEntry]] {
    var tables: [[MapEntry]] = []
    var seen = Set<[String]>()
    for object in try Repository.jsonLines(Repository.fixture("conformance/x86-memmap.jsonl")) {
      guard let lines = object["bios_e820"] as? [String] else {
        throw TestFailure("a case without bios_e820: \(object["id"] ?? "?")")
      }
      guard seen.insert(lines).inserted else { continue }
      guard let table = try E820KernelLog.decode(Array(lines.joined(separator: "\n").utf8)).firmwareTable else {
        throw TestFailure("no firmware table in \(object["id"] ?? "?")")
      }
      tables.append(table.entries)
    }
    tables.append([
      MapEntry(start: 0, size: 0x9fc00, kind: .usable),
      MapEntry(start: 0x9fc00, size: 0x400, kind: .reserved),
      MapEntry(start: 0x10_0000, size: 0x3ff0_0000, kind: .usable),
      MapEntry(start: 0x4000_0000, size: 0x10_0000, kind: .acpiData),
      MapEntry(start: 0x4010_0000, size: 0x10_0000, kind: .acpiNVS),
      MapEntry(start: 0x4020_0000, size: 0x10_0000, kind: .unusable),
      MapEntry(start: 0x4030_0000, size: 0x1000_0000, kind: .softReserved),
      MapEntry(start: 0x5030_0000, size: 0x100_0000, kind: RegionKind(rawValue: 20)),
      MapEntry(start: 0x6000_0000, size: 0x2000_0123, kind: .usable),
      MapEntry(start: 0x1_0000_0000, size: 0x4000_0000, kind: .persistent),
      MapEntry(start: 0x1_4000_0000, size: 0x4000_0000, kind: .persistentLegacy),
    ])
    return tables
  }

  /// The map a device tree can say: RAM trimmed to whole pages, non-RAM types that are not
  /// persistent as reserved, persistent memory as type 12.
  static func expressible(_ map: MemoryMap) -> MemoryMap {
    var entries: [MapEntry] = []
    for region in map.regions {
      switch region.kind {
      case .usable:
        let first = Alignment.up(region.range.start, 0x1000)!
        let end = Alignment.down(region.range.endIfRepresentable!, 0x1000)
        if first < end { entries.append(MapEntry(start: first, size: end - first, kind: .usable)) }
      case .persistent, .persistentLegacy:
        entries.append(MapEntry(start: region.range.start, size: region.range.size, kind: .persistentLegacy))
      default:
        entries.append(MapEntry(start: region.range.start, size: region.range.size, kind: .reserved))
      }
    }
    return try! MemoryMap.sanitized(entries)
  }

  @Test func roundTripLosesOnlyWhatItReports() throws {
    #expect(try Self.tables().count >= 3)
    for table in try Self.tables() {
      let map = try MemoryMap.sanitized(table)
      let tree = E820DeviceTree(map)
      let blob = try FlatDeviceTree(bytes: tree.root.blob())
      let view = try Boot.e820View(of: blob.boardMemory())
      #expect(view == Self.expressible(map), "\(map.regions)\n→ \(view.regions)")
      // Every region the round trip changes is reported.
      let expressible = Self.expressible(map)
      for region in map.regions where !expressible.regions.contains(region) {
        #expect(
          tree.losses.contains { $0.location == "\(region.range)" },
          "no loss reported for \(region.range) \(region.kind.rawValue)")
      }
    }
  }

  @Test func sourceCompilesWithoutWarningsAndMatchesTheBlob() throws {
    let map = try MemoryMap.sanitized(try Self.tables().last!)
    let tree = E820DeviceTree(map)
    let (directory, files) = try OverlayHarness.files(["m.dts": Array(tree.source(header: ["test"]).utf8)])
    defer { try? FileManager.default.removeItem(at: directory) }
    let compiled = try Command.run(["dtc", "-I", "dts", "-O", "dtb", "-o", "-", files["m.dts"]!.path])
    #expect(compiled.status == 0 && !compiled.errorText.contains("Warning"), "\(compiled.errorText)")
    let fromSource = try FlatDeviceTree(bytes: compiled.standardOutput).boardMemory()
    #expect(try fromSource.memoryNodes == FlatDeviceTree(bytes: tree.root.blob()).boardMemory().memoryNodes)
    #expect(fromSource.persistentRegions.count == 2 && fromSource.reservedMemory?.children.count == 6)
    #expect(fromSource.reservedMemory?.children.allSatisfy(\.noMap) == true)
  }

  @Test func theFragmentPastesIntoABoard() throws {
    let map = try MemoryMap.sanitized(try Self.tables().last!)
    let fragment = E820DeviceTree(map).fragment(header: ["pasted"])
    #expect(!fragment.contains("/dts-v1/") && fragment.hasPrefix("// pasted\n\tmemory@0 {"))
    let board = "/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tmodel = \"board\";\n\n\(fragment)};\n"
    let (_, parsed) = try DTC.board(source: board)
    #expect(parsed.model == "board" && parsed.memoryNodes.count == 3)
  }
}
