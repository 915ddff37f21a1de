import BootModel
import FirmwareTables
import MemoryModel
import TestSupport
import Testing

/// `E820Table` against two oracles: a line-by-line transliteration of the kernel's loops
/// (arch/x86/kernel/e820.c, Linux 6.12), which must agree entry for entry and message for
/// message (order, capacity drops and all); and a byte map of a small address space, which says
/// what every address must be after the final sanitize.
@Suite struct E820TablePropertyTests {
  /// What the edits print, as Linux 6.12 on x86 prints it.
  static let x86Log = KernelLog.renderer(.x86, .v6_12)

  /// The kernel's `e820_table` edits, written out as in C: a scan of every entry, in order,
  /// including the entries appended during the scan.
  struct KernelTranscript {
    var entries: [MapEntry] = []
    var capacity: Int
    var log: [String] = []

    mutating func add(_ start: UInt64, _ size: UInt64, _ kind: RegionKind) {
      if entries.count >= capacity {
        log.append(
          "too many entries; ignoring [mem \(Hex.padded(start, width: 8))-\(Hex.padded(start &+ size &- 1, width: 8))]")
        return
      }
      entries.append(MapEntry(start: start, size: size, kind: kind))
    }

    mutating func update(_ start: UInt64, _ size0: UInt64, _ old: RegionKind, _ new: RegionKind) {
      var size = size0
      if size > UInt64.max - start { size = UInt64.max - start }
      let end = start + size
      log.append(
        "e820: update [mem \(Hex.padded(start, width: 8))-\(Hex.padded(end &- 1, width: 8))] \(old.dmesgName) ==> "
          + "\(new.dmesgName)"
      )
      var i = 0
      while i < entries.count {
        defer { i += 1 }
        let e = entries[i]
        if e.kind != old { continue }
        let entryEnd = e.start &+ e.size
        if e.start >= start && entryEnd <= end {
          entries[i].kind = new
          continue
        }
        if e.start < start && entryEnd > end {
          add(start, size, new)
          add(end, entryEnd - end, e.kind)
          entries[i].size = start - e.start
          continue
        }
        let finalStart = max(start, e.start)
        let finalEnd = min(end, entryEnd)
        if finalStart >= finalEnd { continue }
        add(finalStart, finalEnd - finalStart, new)
        entries[i].size -= finalEnd - finalStart
        if e.start < finalStart { continue }
        entries[i].start = finalEnd
      }
    }

    mutating func remove(_ start: UInt64, _ size0: UInt64, _ old: RegionKind?) {
      var size = size0
      if size > UInt64.max - start { size = UInt64.max - start }
      let end = start + size
      log.append(
        "e820: remove [mem \(Hex.padded(start, width: 8))-\(Hex.padded(end &- 1, width: 8))] \(old?.dmesgName ?? "")")
      var i = 0
      while i < entries.count {
        defer { i += 1 }
        let e = entries[i]
        if let old, e.kind != old { continue }
        let entryEnd = e.start &+ e.size
        if e.start >= start && entryEnd <= end {
          entries[i] = MapEntry(start: 0, size: 0, kind: RegionKind(rawValue: 0))
          continue
        }
        if e.start < start && entryEnd > end {
          add(end, entryEnd - end, e.kind)
          entries[i].size = start - e.start
          continue
        }
        let finalStart = max(start, e.start)
        let finalEnd = min(end, entryEnd)
        if finalStart >= finalEnd { continue }
        entries[i].size -= finalEnd - finalStart
        if e.start < finalStart { continue }
        entries[i].start = finalEnd
      }
    }
  }

  enum Edit {
    case add(UInt64, UInt64, RegionKind)
    case update(UInt64, UInt64, RegionKind, RegionKind)
    case remove(UInt64, UInt64, RegionKind?)
    case clear
  }

  static let kinds: [RegionKind] = [
    .usable, .reserved, .acpiData, .persistentLegacy, .softReserved, RegionKind(rawValue: 20),
  ]

  /// Random edits over a small window of addresses (so they overlap a lot), sometimes near 2^64
  /// (so they clamp and wrap).
  static func randomEdit(_ random: inout SplitMix64, space: UInt64, highWindow: Bool) -> Edit {
    func address() -> UInt64 {
      let offset = random.below(space)
      return highWindow && random.chance(30) ? UInt64.max - space + 1 + offset : offset
    }
    func size() -> UInt64 {
      random.chance(5) ? 0 : random.chance(5) ? UInt64.max - random.below(3) : 1 + random.below(space / 2)
    }
    switch random.below(20) {
    case 0: return .clear
    case 1...9: return .add(address(), size(), random.pick(kinds))
    case 10...14:
      let from = random.pick(kinds)
      var to = random.pick(kinds)
      if to == from { to = .reserved == from ? .usable : .reserved }
      return .update(address(), size(), from, to)
    default: return .remove(address(), size(), random.chance(30) ? nil : random.pick(kinds))
    }
  }

  @Test func indexedTableMatchesTheKernelLoops() {
    var random = SplitMix64(seed: 0x6_12)
    for round in 0..<600 {
      let capacity = random.chance(50) ? Int(2 + random.below(30)) : 10_000
      let space: UInt64 = random.pick([16, 64, 4096])
      let highWindow = random.chance(30)
      var table = E820Table(capacity: capacity)
      var kernel = KernelTranscript(capacity: capacity)
      var log: [BootEvent] = []
      for step in 0..<Int(20 + random.below(150)) {
        let edit = Self.randomEdit(&random, space: space, highWindow: highWindow)
        switch edit {
        case .add(let start, let size, let kind):
          table.add(start, size, kind, events: &log)
          kernel.add(start, size, kind)
        case .update(let start, let size, let from, let to):
          table.update(start, size, from: from, to: to, events: &log)
          kernel.update(start, size, from, to)
        case .remove(let start, let size, let kind):
          table.remove(start, size, only: kind, events: &log)
          kernel.remove(start, size, kind)
        case .clear:
          table.removeAll()
          kernel.entries.removeAll()
        }
        guard table.entries == kernel.entries, Self.x86Log.lines(for: log) == kernel.log else {
          let detail =
            "round \(round), step \(step): \(edit) tables differ\n  kernel: \(kernel.entries)\n  dtmem:  "
            + "\(table.entries)\n  log: \(Self.x86Log.lines(for: log).suffix(3)) vs \(kernel.log.suffix(3))"
          Issue.record("\(detail)")
          return
        }
      }
      // The final sanitize sees the same table, so both give the same map or both fail
      // (e820__update_table refuses fewer than two entries and an entry that wraps).
      let expected: MemoryMap?
      do {
        expected = kernel.entries.count < 2 ? nil : try MemoryMap.sanitized(kernel.entries, capacity: capacity)
      } catch {
        expected = nil
      }
      switch table.sanitized() {
      case .success(let map):
        #expect(
          map == expected, "round \(round): dtmem \(map.regions), the kernel's loops \(String(describing: expected))")
      case .failure(let failure):
        #expect(expected == nil, "round \(round): dtmem fails (\(failure)), the kernel's loops do not")
      }
    }
  }

  /// What every byte of a small address space holds, edit by edit: the count of entries of each
  /// type covering it. After sanitize the byte is the highest type present, or a hole.
  struct ByteMap {
    var counts: [[RegionKind: Int]]

    init(size: Int) { counts = Array(repeating: [:], count: size) }

    mutating func add(_ start: Int, _ end: Int, _ kind: RegionKind) {
      for a in start..<end { counts[a][kind, default: 0] += 1 }
    }

    mutating func retype(_ start: Int, _ end: Int, _ from: RegionKind, _ to: RegionKind) {
      for a in start..<end {
        if let n = counts[a][from] {
          counts[a][from] = nil
          counts[a][to, default: 0] += n
        }
      }
    }

    mutating func remove(_ start: Int, _ end: Int, _ kind: RegionKind?) {
      for a in start..<end {
        if let kind { counts[a][kind] = nil } else { counts[a] = [:] }
      }
    }

    func winner(_ address: Int) -> RegionKind? { counts[address].filter { $0.value > 0 }.keys.max() }
  }

  @Test func sanitizedResultMatchesAByteMap() {
    var random = SplitMix64(seed: 0xb17e)
    let space = 96
    for _ in 0..<3000 {
      var table = E820Table(capacity: 100_000)
      var bytes = ByteMap(size: space)
      var log: [BootEvent] = []
      for _ in 0..<Int(2 + random.below(14)) {
        let start = Int(random.below(UInt64(space)))
        let end = min(space, start + Int(random.below(40)))
        let kind = random.pick(Self.kinds)
        switch random.below(10) {
        case 0...4:
          table.add(UInt64(start), UInt64(end - start), kind, events: &log)
          bytes.add(start, end, kind)
        case 5...6:
          let to = random.pick(Self.kinds.filter { $0 != kind })
          table.update(UInt64(start), UInt64(end - start), from: kind, to: to, events: &log)
          bytes.retype(start, end, kind, to)
        default:
          let only: RegionKind? = random.chance(40) ? nil : kind
          table.remove(UInt64(start), UInt64(end - start), only: only, events: &log)
          bytes.remove(start, end, only)
        }
      }
      let sanitized = table.sanitized()
      guard case .success(let map) = sanitized else {
        // The byte map always has an answer; the kernel refuses a table of fewer than two
        // entries (nothing wraps in this small space), and only that.
        #expect(table.entries.count < 2, "sanitize refused \(table.entries.count) entries: \(sanitized)")
        continue
      }
      var previous: MapRegion? = nil
      for region in map.regions {
        // Canonical: sorted, disjoint, and equal mergeable neighbours merged.
        if let previous {
          #expect(previous.range.end <= UInt128(region.range.start))
          if previous.range.end == UInt128(region.range.start) && previous.kind == region.kind {
            #expect(region.kind.neverMerges, "\(previous) and \(region) should have merged")
          }
        }
        previous = region
      }
      for address in 0..<space {
        let found = map.regions.first { $0.range.contains(UInt64(address)) }?.kind
        #expect(
          found == bytes.winner(address),
          "byte \(address): map \(map.regions), expected \(String(describing: bytes.winner(address)))")
      }
    }
  }

  @Test func fullTablesDropPiecesAfterShrinkingTheEntry() {
    var table = E820Table(capacity: 2)
    var log: [BootEvent] = []
    table.add(0, 0x10000, .usable, events: &log)
    table.add(0x20000, 0x1000, .reserved, events: &log)
    // Punching a hole needs one more entry: the entry is cut, the tail is lost.
    table.remove(0x1000, 0x1000, only: .usable, events: &log)
    #expect(
      table.entries == [
        MapEntry(start: 0, size: 0x1000, kind: .usable), MapEntry(start: 0x20000, size: 0x1000, kind: .reserved),
      ])
    #expect(
      Self.x86Log.lines(for: log) == [
        "e820: remove [mem 0x00001000-0x00001fff] usable",
        "too many entries; ignoring [mem 0x00002000-0x0000ffff]",
      ])
  }
}
