internal import FirmwareTables
public import MemoryModel

/// `e820_table` as arch/x86/kernel/e820.c (Linux 6.12) edits it: an array of raw entries, never
/// sorted between edits, with a fixed capacity (`E820_MAX_ENTRIES`). The three edits follow their
/// kernel functions exactly — wrapping u64 arithmetic, the clamping of update/remove ranges to end
/// at 2^64 - 1, entries visited in table order, pieces appended at the end (and dropped with
/// `too many entries` when the table is full, after the original entry was already shrunk),
/// removed entries zeroed in place (they still count). Each edit appends what it did to `events`
/// (from which the kernel's line is rendered).
///
/// The kernel scans the whole table on every update/remove; this model finds the entries an edit
/// can touch through interval indexes (one over all entries, one per type) and then visits exactly
/// those, in table order — the same table, entry for entry, in O((k + 1) log n) per edit.
public struct E820Table: Sendable {
  /// The entries in table order (`entries[0 ..< nr_entries]`).
  public private(set) var entries: [MapEntry] = []
  /// `E820_MAX_ENTRIES`.
  public let capacity: Int

  /// Entries whose end fits in 64 bits, keyed by start with their exclusive end: one tree over all
  /// entries (`allKinds`) and one per type (its raw value).
  private var fitting = IntervalTreap()
  /// Entries whose `addr + size` wraps (including those ending exactly at 2^64), keyed by start
  /// with their wrapped end: the kernel only ever zeroes or retypes these whole. Trees as in
  /// `fitting`.
  private var wrapping = IntervalTreap()
  /// The tree of every entry: above all 32-bit type numbers.
  private static let allKinds = 1 << 32

  public init(capacity: Int) { self.capacity = max(capacity, 0) }

  public var count: Int { entries.count }
  public var isFull: Bool { entries.count >= capacity }

  /// `%#010Lx`: `0x` and at least 8 hex digits.
  /// `[mem %#010llx-%#010llx]`, as e820.c prints a range: the end inclusive and wrapping like
  /// the kernel's `start + size - 1`.
  static func describe(_ start: UInt64, _ size: UInt64) -> String {
    "[mem \(Hex.padded(start, width: 8))-\(Hex.padded(start &+ size &- 1, width: 8))]"
  }

  // MARK: The kernel's edits

  /// `__e820__range_add()`: appends, or drops the entry with `too many entries` when full.
  /// Returns whether the entry was added.
  @discardableResult
  public mutating func add(_ start: UInt64, _ size: UInt64, _ kind: RegionKind, events: inout [BootEvent]) -> Bool {
    guard entries.count < capacity else {
      events.append(.e820(.tableFull(start: start, size: size)))
      return false
    }
    entries.append(MapEntry(start: start, size: size, kind: kind))
    index(entries.count - 1)
    return true
  }

  /// `memmap=exactmap`: `e820_table->nr_entries = 0`.
  public mutating func removeAll() {
    entries.removeAll(keepingCapacity: true)
    fitting = IntervalTreap()
    wrapping = IntervalTreap()
  }

  /// `__e820__range_update(e820_table, start, size, from, to)`; the caller has ruled out
  /// `from == to` (the kernel's `BUG_ON`). Returns the bytes retyped (`real_updated_size`).
  @discardableResult
  public mutating func update(
    _ start: UInt64, _ requestedSize: UInt64, from: RegionKind, to: RegionKind, events: inout [BootEvent]
  ) -> UInt64 {
    precondition(from != to, "__e820__range_update: BUG_ON(old_type == new_type)")
    let size = PhysicalRange(start: start, cappedSize: requestedSize).size
    let end = start + size
    events.append(.e820(.update(start: start, size: size, from: from, to: to)))
    var updated: UInt64 = 0
    for slot in candidates(start, end, kind: from) {
      let entry = entries[slot]
      let entryEnd = entry.start &+ entry.size
      // Completely covered by the new range?
      if entry.start >= start && entryEnd <= end {
        replace(slot, MapEntry(start: entry.start, size: entry.size, kind: to))
        updated &+= entry.size
        continue
      }
      // The new range completely inside the entry?
      if entry.start < start && entryEnd > end {
        add(start, size, to, events: &events)
        add(end, entryEnd - end, entry.kind, events: &events)
        replace(slot, MapEntry(start: entry.start, size: start - entry.start, kind: entry.kind))
        updated &+= size
        continue
      }
      // Partially covered.
      let finalStart = max(start, entry.start)
      let finalEnd = min(end, entryEnd)
      if finalStart >= finalEnd { continue }
      add(finalStart, finalEnd - finalStart, to, events: &events)
      updated &+= finalEnd - finalStart
      var shrunk = entry
      shrunk.size -= finalEnd - finalStart
      if entry.start >= finalStart { shrunk.start = finalEnd }
      replace(slot, shrunk)
    }
    return updated
  }

  /// `e820__range_remove(start, size, kind, kind != nil)`. Returns the bytes removed
  /// (`real_removed_size`).
  @discardableResult
  public mutating func remove(
    _ start: UInt64, _ requestedSize: UInt64, only kind: RegionKind?, events: inout [BootEvent]
  ) -> UInt64 {
    let size = PhysicalRange(start: start, cappedSize: requestedSize).size
    let end = start + size
    // With no type filter the line ends in the space before the (absent) type.
    events.append(.e820(.remove(start: start, size: size, kind: kind)))
    var removed: UInt64 = 0
    for slot in candidates(start, end, kind: kind) {
      let entry = entries[slot]
      let entryEnd = entry.start &+ entry.size
      // Completely covered?
      if entry.start >= start && entryEnd <= end {
        removed &+= entry.size
        replace(slot, MapEntry(start: 0, size: 0, kind: RegionKind(rawValue: 0)))
        continue
      }
      // Is the removed range completely inside the entry?
      if entry.start < start && entryEnd > end {
        add(end, entryEnd - end, entry.kind, events: &events)
        replace(slot, MapEntry(start: entry.start, size: start - entry.start, kind: entry.kind))
        removed &+= size
        continue
      }
      // Partially covered.
      let finalStart = max(start, entry.start)
      let finalEnd = min(end, entryEnd)
      if finalStart >= finalEnd { continue }
      removed &+= finalEnd - finalStart
      var shrunk = entry
      shrunk.size -= finalEnd - finalStart
      if entry.start >= finalStart { shrunk.start = finalEnd }
      replace(slot, shrunk)
    }
    return removed
  }

  // MARK: Sanitize

  /// Why `e820__update_table()` refuses the table.
  public enum SanitizeFailure: Error, Hashable, Sendable {
    /// `if (table->nr_entries < 2) return -1;`
    case fewerThanTwoEntries(Int)
    /// An entry whose `addr + size` wraps (ending exactly at 2^64 counts).
    case entryWraps(MapEntry)
  }

  /// `e820__update_table()`: the one sanitize (`MemoryMap.sanitized`), preceded by the kernel's
  /// refusal of tables with fewer than two entries. The table itself is not changed.
  public func sanitized() -> Result<MemoryMap, SanitizeFailure> {
    guard entries.count >= 2 else { return .failure(.fewerThanTwoEntries(entries.count)) }
    do {
      return .success(try MemoryMap.sanitized(entries, capacity: capacity))
    } catch {
      switch error {
      case .entryWrapsAddressSpace(let entry): return .failure(.entryWraps(entry))
      }
    }
  }

  /// Replaces the entries with a sanitized map's regions (what a successful
  /// `e820__update_table()` leaves in the table).
  public mutating func replace(with map: MemoryMap) {
    removeAll()
    var ignored: [BootEvent] = []
    for region in map.regions { add(region.range.start, region.range.size, region.kind, events: &ignored) }
  }

  // MARK: Indexes

  /// The entries an edit of `[start, end)` may touch (a superset; the edit checks each exactly),
  /// in table order.
  private func candidates(_ start: UInt64, _ end: UInt64, kind: RegionKind?) -> [Int] {
    var slots: [Int] = []
    let tree = kind.map { Int($0.rawValue) } ?? Self.allKinds
    fitting.overlapping(start, end, tree: tree, into: &slots)
    wrapping.contained(start, end, tree: tree, into: &slots)
    slots.sort()
    return slots
  }

  private mutating func replace(_ slot: Int, _ entry: MapEntry) {
    unindex(slot)
    entries[slot] = entry
    index(slot)
  }

  /// Zeroed entries (what a removal leaves) are not indexed: zeroing them again changes nothing.
  private static func isZeroed(_ entry: MapEntry) -> Bool {
    entry.start == 0 && entry.size == 0 && entry.kind.rawValue == 0
  }

  private mutating func index(_ slot: Int) {
    let entry = entries[slot]
    guard !Self.isZeroed(entry) else { return }
    let end = entry.start &+ entry.size
    let kind = Int(entry.kind.rawValue)
    if end >= entry.start {
      fitting.insert(start: entry.start, slot: slot, end: end, tree: Self.allKinds)
      fitting.insert(start: entry.start, slot: slot, end: end, tree: kind)
    } else {
      wrapping.insert(start: entry.start, slot: slot, end: end, tree: Self.allKinds)
      wrapping.insert(start: entry.start, slot: slot, end: end, tree: kind)
    }
  }

  private mutating func unindex(_ slot: Int) {
    let entry = entries[slot]
    guard !Self.isZeroed(entry) else { return }
    let end = entry.start &+ entry.size
    let kind = Int(entry.kind.rawValue)
    if end >= entry.start {
      fitting.remove(start: entry.start, slot: slot, tree: Self.allKinds)
      fitting.remove(start: entry.start, slot: slot, tree: kind)
    } else {
      wrapping.remove(start: entry.start, slot: slot, tree: Self.allKinds)
      wrapping.remove(start: entry.start, slot: slot, tree: kind)
    }
  }
}
