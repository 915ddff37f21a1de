import BootModel
import MemoryCosts
import MemoryModel
import TestSupport
import Testing

/// The costs against a plain computation over random layouts, at every page size: section by
/// section instead of run by run, and the alignment savings by recounting the whole layout with
/// the run moved or trimmed.
@Suite struct MemoryCostsPropertyTests {
  /// What the oracle computes for one layout.
  struct Expected: Equatable {
    var memoryMap: UInt64
    var holes: UInt64
    var flat: UInt64
    var partial: [PhysicalRange]
    var buffers: [(node: Int, sections: UInt64)]

    static func == (a: Expected, b: Expected) -> Bool {
      a.memoryMap == b.memoryMap && a.holes == b.holes && a.flat == b.flat && a.partial == b.partial
        && a.buffers.map(\.node) == b.buffers.map(\.node) && a.buffers.map(\.sections) == b.buffers.map(\.sections)
    }
  }

  /// Random memory in an address space of `sections` sections: page-aligned blocks, some
  /// section-aligned, some a page, some overlapping or touching, on nodes 0–2, some no-map.
  static func layout(_ random: inout SplitMix64, _ layout: SparseMemoryLayout, sections: UInt64) -> [MemoryBlock] {
    let page = layout.pageSize
    let pagesPerSection = layout.sectionSize / page
    var blocks: [MemoryBlock] = []
    for _ in 0..<(1 + random.below(7)) {
      let startPage: UInt64
      let pages: UInt64
      switch random.below(4) {
      case 0:  // whole sections
        startPage = random.below(sections) * pagesPerSection
        pages = (1 + random.below(4)) * pagesPerSection
      case 1:  // a few pages somewhere
        startPage = random.below(sections * pagesPerSection)
        pages = 1 + random.below(8)
      default:  // anything
        startPage = random.below(sections * pagesPerSection)
        pages = 1 + random.below(3 * pagesPerSection)
      }
      guard let range = PhysicalRange(start: startPage * page, size: pages * page) else { continue }
      blocks.append(MemoryBlock(range: range, node: Int(random.below(3)), noMap: random.chance(20)))
    }
    return blocks
  }

  /// Memory bytes of `blocks` inside `window`, each byte once.
  static func bytes(in window: PhysicalRange, _ blocks: [PhysicalRange]) -> UInt64 {
    var pieces = blocks.compactMap { $0.intersection(window) }.sorted { $0.start < $1.start }
    var total: UInt64 = 0
    var reached = window.start
    while !pieces.isEmpty {
      let piece = pieces.removeFirst()
      let end = UInt64(piece.end)
      if end > reached {
        total += end - max(piece.start, reached)
        reached = end
      }
    }
    return total
  }

  /// Present sections: every section some block's whole pages intersect.
  static func present(_ blocks: [PhysicalRange], _ layout: SparseMemoryLayout, sections: UInt64) -> [UInt64] {
    (0..<sections + 8).filter { number in
      let window = PhysicalRange(start: number * layout.sectionSize, size: layout.sectionSize)!
      return blocks.contains { $0.overlaps(window) }
    }
  }

  static func expected(_ memory: [MemoryBlock], _ layout: SparseMemoryLayout, sections: UInt64) -> Expected {
    let pages = memory.compactMap { block -> (PhysicalRange, Int)? in
      // Whole pages: the layouts are page-aligned, but say it the kernel's way anyway.
      let first = (block.range.start + layout.pageSize - 1) / layout.pageSize * layout.pageSize
      let end = UInt64(block.range.end) / layout.pageSize * layout.pageSize
      return end > first ? (PhysicalRange(start: first, size: end - first)!, block.node) : nil
    }
    let ranges = pages.map(\.0)
    let numbers = present(ranges, layout, sections: sections)
    var holes: UInt64 = 0
    var partial: [PhysicalRange] = []
    var buffers: [(node: Int, sections: UInt64)] = []
    for number in numbers {
      let window = PhysicalRange(start: number * layout.sectionSize, size: layout.sectionSize)!
      let inside = bytes(in: window, ranges)
      holes += (layout.sectionSize - inside) / layout.pageSize * 64
      if inside < layout.sectionSize { partial.append(window) }
      // The node of the lowest-starting memory in the section (memblocks_present() order).
      let owner = pages.filter { $0.0.overlaps(window) }.min {
        $0.0.start < $1.0.start || ($0.0.start == $1.0.start && $0.0.size < $1.0.size)
      }!.1
      if buffers.last?.node == owner { buffers[buffers.count - 1].sections += 1 } else { buffers.append((owner, 1)) }
    }
    let low = ranges.map(\.start).min() ?? 0
    let high = ranges.map { UInt64($0.end) }.max() ?? 0
    return Expected(
      memoryMap: UInt64(numbers.count) * (layout.sectionSize / layout.pageSize) * 64, holes: holes,
      flat: (high - low) / layout.pageSize * 64, partial: partial, buffers: buffers)
  }

  static let layouts: [SparseMemoryLayout] = PageSize.allCases.map { .arm64($0) } + [.x86(memoryEnd: 1 << 33)]

  @Test(arguments: layouts)
  func memoryMapMatchesSectionBySectionCount(_ layout: SparseMemoryLayout) {
    var random = SplitMix64(seed: 0x6_12_0000 + layout.pageSize)
    for _ in 0..<300 {
      let memory = Self.layout(&random, layout, sections: 24)
      let costs = MemoryCosts(memory: memory, persistent: [], layout: layout)
      let actual = Expected(
        memoryMap: costs.memoryMap, holes: costs.memoryMapHoles, flat: costs.flatMemoryMap,
        partial: costs.partialSections,
        buffers: costs.sparse.buffers.map { ($0.node, $0.sections) })
      let expected = Self.expected(memory, layout, sections: 24)
      #expect(actual == expected, "\(memory.map { "\($0.range) node \($0.node)" })")
      for buffer in costs.sparse.buffers {
        #expect(buffer.used == UInt128(buffer.sections) * UInt128(layout.sectionSize / layout.pageSize * 64))
        #expect(buffer.requested >= buffer.used && buffer.requested % UInt128(layout.pmdSize) == 0)
      }
    }
  }

  /// Aligning a run: the oracle recounts the present sections of the whole layout with the run
  /// moved down to its section boundary, or trimmed inward to whole sections.
  @Test(arguments: layouts)
  func alignmentSavingsMatchARecount(_ layout: SparseMemoryLayout) {
    var random = SplitMix64(seed: 0xA11_9E + layout.pageSize)
    let perSection = layout.sectionSize / layout.pageSize * 64
    var checked = 0
    for _ in 0..<300 {
      let memory = Self.layout(&random, layout, sections: 24)
      let costs = MemoryCosts(memory: memory, persistent: [], layout: layout)
      let runs = PhysicalRanges.merged(memory.map(\.range))
      let count = Self.present(runs, layout, sections: 32).count
      let offenders = runs.filter {
        $0.start % layout.sectionSize != 0 || UInt64($0.end % UInt128(layout.sectionSize)) != 0
      }
      #expect(costs.alignment.map(\.range) == offenders)
      for advice in costs.alignment {
        checked += 1
        let others = runs.filter { $0 != advice.range }
        let section = layout.sectionSize
        let head = advice.range.start / section * section
        let moved = PhysicalRange(start: head, size: advice.range.size)!
        let previousTouchesHead = others.contains {
          $0.start < advice.range.start && $0.last / section == head / section
        }
        if previousTouchesHead || advice.range.start == head {
          #expect(advice.savedIfMoved == 0)
        } else {
          let recount = Self.present(others + [moved], layout, sections: 32).count
          #expect(
            advice.savedIfMoved == UInt64(count - recount) * perSection, "moving \(advice.range) to \(Hex.short(head))")
          #expect(advice.sectionsIfMoved == UInt64(Self.present([moved], layout, sections: 32).count))
        }
        let trimmed = advice.range.roundedInward(to: section)
        let recount = Self.present(others + (trimmed.map { [$0] } ?? []), layout, sections: 32).count
        #expect(advice.savedIfTrimmed == UInt64(count - recount) * perSection, "trimming \(advice.range)")
        #expect(advice.lostIfTrimmed == advice.range.size - (trimmed?.size ?? 0))
        #expect(advice.sections == UInt64(Self.present([advice.range], layout, sections: 32).count))
      }
    }
    #expect(checked > 200)
  }

  /// Persistent memory: whole blocks counted one by one.
  @Test(arguments: layouts)
  func persistentMemoryCountsWholeBlocks(_ layout: SparseMemoryLayout) {
    var random = SplitMix64(seed: 0x93E3 + layout.pageSize)
    let block = layout.memoryBlockSize
    for _ in 0..<500 {
      let start = random.chance(30) ? random.below(64) * block : random.below(64 * block)
      let size = random.chance(30) ? (1 + random.below(8)) * block : 1 + random.below(8 * block)
      let range = PhysicalRange(start: start, size: size)!
      let cost = MemoryCosts(memory: [], persistent: [(path: "/pmem", range: range)], layout: layout).persistentMemory[
        0]
      var whole: UInt64 = 0
      for number in (start / block)...(UInt64(range.end) / block) {
        if let candidate = PhysicalRange(start: number * block, size: block), range.contains(candidate) {
          whole += block
        }
      }
      #expect(cost.usableBytes == whole, "\(range)")
      #expect(cost.lostBytes == size - whole)
      #expect(cost.usableIfAligned == size / block * block)
    }
  }
}
