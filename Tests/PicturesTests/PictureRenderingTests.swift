import BootModel
import MemoryCosts
import MemoryModel
import Testing

@testable import Pictures

/// The renderers on synthetic boots: a well-formed document with a hover title for every region,
/// labels for 60 regions, hostile names escaped; a terminal strip within its width, coloured
/// only when asked.
@Suite struct PictureRenderingTests {
  static func range(_ start: UInt64, _ size: UInt64) -> PhysicalRange { PhysicalRange(start: start, size: size)! }

  /// 4 GiB at 0x40000000 with `count` 1 MiB carve-outs every 16 MiB from 0x80000000, a failed
  /// dynamic region, an estimated CMA area and a pmem range beyond a large hole.
  static func scene(regions count: Int, name: (Int) -> String = { "carveout@\($0)" }) -> MapScene {
    let banks = [StatedBank(path: "/memory@40000000", range: range(0x4000_0000, 0x1_0000_0000), source: "reg")]
    var reservations: [Reservation] = (0..<count).map { index in
      Reservation(
        name: name(index), path: "/reserved-memory/\(name(index))",
        origin: index % 3 == 0 ? .dynamicRegion : .staticRegion,
        range: range(0x8000_0000 + UInt64(index) * 0x100_0000, 0x10_0000), noMap: index % 2 == 0,
        status: index % 3 == 0 ? .allocated : .reserved)
    }
    reservations.append(
      Reservation(
        name: "big", path: "/reserved-memory/big", origin: .dynamicRegion, requestedSize: 1 << 40,
        status: .failed(reason: "no room")))
    let cma = Reservation(
      name: "cma", path: "CONFIG_CMA_SIZE_MBYTES", origin: .defaultCMA, range: range(0xfc00_0000, 0x400_0000),
      reusable: true,
      status: .estimated(reason: "predicted"))
    let memory = [
      MemoryBlock(range: range(0x4000_0000, 0x4000_0000)),
      MemoryBlock(range: range(0x8000_0000, 0x10_0000), noMap: true),
      MemoryBlock(range: range(0x8010_0000, 0xBFF0_0000)),
    ]
    let boot = BootResult(
      architecture: .arm64, kernel: .v6_12, memory: memory, reservations: reservations, kernelAllocations: [cma])
    let costs = MemoryCosts(
      memory: memory, persistent: [(path: "/pmem@1000000000", range: range(0x10_0400_0000, 0x4000_0000))],
      layout: .arm64(.size4K))
    return MapScene(title: "synthetic", subtitle: "test board", banks: banks, boot: boot, costs: costs)
  }

  @Test func everyRegionIsAShapeWithItsTitle() throws {
    let scene = Self.scene(regions: 60)
    let svg = SVGMap.render([scene])
    let check = XMLCheck.parse(svg)
    #expect(check.isWellFormed, "\(String(describing: check.error))")
    #expect(svg.hasPrefix("<?xml version=\"1.0\""))
    #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""))
    for lane in scene.lanes {
      for shape in lane.shapes {
        #expect(
          check.titles.contains(shape.details.joined(separator: "\n")), "\(lane.kind): \(shape.label) has no title")
      }
    }
    // The unplaced region is named below the picture.
    #expect(svg.contains("not placed: big (failed"))
    #expect(
      scene.lanes.map(\.kind) == [
        .banks, .memory, .fixedReservations, .placedReservations, .kernelAllocations, .persistentMemory, .sections,
      ])
  }

  /// Sixty carve-outs: each name is in the document as text — inside its shape, beside it, or
  /// in the key next to its number.
  @Test func sixtyRegionsAllGetLabels() {
    let scene = Self.scene(regions: 60)
    let svg = SVGMap.render([scene])
    for index in 0..<60 {
      #expect(
        svg.contains(">carveout@\(index)<") || svg.contains(">carveout@\(index)  [mem"),
        "carveout@\(index) has no label")
    }
  }

  @Test func hostileNamesAreEscaped() {
    let scene = Self.scene(regions: 4) { "a<b>&\"c'\u{1}\u{7F}d@\($0)" }
    let svg = SVGMap.render([scene])
    #expect(XMLCheck.parse(svg).isWellFormed)
    #expect(svg.contains("a&lt;b&gt;&amp;&quot;c&apos;??d@1"))
  }

  @Test func beforeAndAfterShareTheAxis() {
    let before = Self.scene(regions: 2)
    let after = Self.scene(regions: 6)
    let svg = SVGMap.render([before, after], captions: ["before", "after"])
    #expect(XMLCheck.parse(svg).isWellFormed)
    #expect(svg.components(separatedBy: ">before<").count - 1 == before.lanes.count + 0)
    #expect(svg.contains(">after<"))
  }

  @Test func terminalStripFitsItsWidthAndColoursOnlyWhenAsked() {
    let scene = Self.scene(regions: 12)
    for width in [40, 80, 132] {
      let plain = TerminalMap.render([scene], width: width, colour: false)
      #expect(!plain.contains("\u{1B}"))
      for line in plain.split(separator: "\n") where !line.hasPrefix("synthetic") && !line.hasPrefix("test board") {
        #expect(line.count <= width, "\(width): \(line)")
      }
      let coloured = TerminalMap.render([scene], width: width, colour: true)
      #expect(coloured.contains("\u{1B}[38;5;"))
      let stripped = coloured.replacing(/\x1B\[[0-9;]*m/, with: "")
      #expect(stripped == plain)
    }
  }

  /// In one lane every status has its own glyph, so the strip says it without colour.
  @Test func statusesHaveDistinctGlyphs() {
    let laneStyles: [[ShapeStyle]] = [
      [.bank, .bankDisabled], [.reserved, .allocated, .failed, .estimated, .disabled], [.pmemUsable, .pmemLost],
      [.sectionWhole, .sectionPartial], [.firmwareUsable, .firmwareReserved, .firmwarePersistent],
    ]
    for styles in laneStyles {
      let glyphs = styles.map { Palette.look($0).glyph }
      #expect(Set(glyphs).count == glyphs.count, "\(styles)")
    }
    #expect(Palette.noMapGlyph != Palette.look(.memory).glyph)
  }

  /// The smallest region of a column wins it: a 4 KiB region inside a bank's column shows.
  @Test func smallRegionsStayVisibleInTheStrip() {
    let scene = Self.scene(regions: 3)
    let map = TerminalMap.render([scene], width: 60, colour: false)
    let reserved = map.split(separator: "\n").first { $0.hasPrefix("reserved") }
    #expect(reserved?.contains("█") == true)
    let placed = map.split(separator: "\n").first { $0.hasPrefix("placed") }
    #expect(placed?.contains("▓") == true)
  }
}
