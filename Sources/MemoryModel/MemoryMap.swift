/// One raw entry of a memory table as firmware or a kernel parameter states it: start, size and
/// kind, with no promise that it fits the address space or avoids its neighbours. This is the
/// shape of an x86 `struct e820_entry` (u64 addr, u64 size, u32 type).
public struct MapEntry: Hashable, Sendable {
  public var start: UInt64
  public var size: UInt64
  public var kind: RegionKind

  public init(start: UInt64, size: UInt64, kind: RegionKind) {
    self.start = start
    self.size = size
    self.kind = kind
  }

  /// The entry's range, or nil when `start + size` runs past 2^64.
  public var range: PhysicalRange? { PhysicalRange(start: start, size: size) }
}

/// A region of a sanitized map: a non-empty range and its kind.
public struct MapRegion: Hashable, Sendable {
  public var range: PhysicalRange
  public var kind: RegionKind

  public init(range: PhysicalRange, kind: RegionKind) {
    self.range = range
    self.kind = kind
  }
}

/// A memory map in its canonical form: regions sorted by address, non-empty, non-overlapping,
/// and with neighbours of equal mergeable kind merged — the form `e820__update_table()` leaves
/// behind. The only way to make one from raw entries is `sanitized(_:)`, the kernel's algorithm.
public struct MemoryMap: Hashable, Sendable {
  public private(set) var regions: [MapRegion]

  /// A map whose regions are already canonical (sorted, disjoint, non-empty). Used by decoders
  /// of sanitized tables; `sanitized` is the general constructor.
  public init(canonical regions: [MapRegion]) { self.regions = regions }

  public static let empty = MemoryMap(canonical: [])

  /// Why a table cannot be sanitized.
  public enum SanitizeError: Error, Hashable, Sendable {
    /// An entry's `start + size` wraps past 2^64 (ending exactly at 2^64 counts).
    case entryWrapsAddressSpace(MapEntry)
  }

  /// `e820__update_table()` (arch/x86/kernel/e820.c, Linux 6.12), restated:
  ///
  /// ```
  ///   entries:   [---- usable ----------------]
  ///                      [-- reserved --]
  ///   result:    [usable][-- reserved --][usab]
  /// ```
  /// Every entry contributes a start and an end change point; points are swept in address
  /// order (at equal addresses starts before ends). At each point the kind in force is the
  /// numerically highest kind among the entries covering it (0 = nothing). A new region opens
  /// whenever that kind changes — and at every point inside a never-merging kind (PRAM, soft
  /// reserved), so those stay split at every boundary beneath them. Empty pieces vanish; kind 0
  /// acts as a hole. At most `capacity` regions are produced; the rest are dropped, as the kernel
  /// drops them. The kernel's own refusal of tables with fewer than two entries is the caller's
  /// business (x86 treats it as a failure; nothing else does).
  public static func sanitized(
    _ entries: [MapEntry], capacity: Int = Int.max
  ) throws(SanitizeError) -> MemoryMap {
    for entry in entries where entry.start &+ entry.size < entry.start {
      throw .entryWrapsAddressSpace(entry)
    }
    // Change points by number: 2i is entry i's start, 2i + 1 its end. (An [Int], whose array type
    // the runtime has prebuilt; an array of a point struct was instantiated at run time.)
    func address(_ point: Int) -> UInt64 {
      let entry = entries[point >> 1]
      return point & 1 == 0 ? entry.start : entry.start + entry.size
    }
    var points: [Int] = []
    points.reserveCapacity(entries.count * 2)
    for i in entries.indices where entries[i].size != 0 {
      points.append(2 * i)
      points.append(2 * i + 1)
    }
    points.sort { a, b in
      let (x, y) = (address(a), address(b))
      return x != y ? x < y : (a & 1 == 0 && b & 1 == 1)
    }

    // The kinds in force (raw values, ascending, so the highest is the last) and how many
    // entries hold each: two arrays of stdlib element types rather than a dictionary, whose
    // storage type, hashing code and max-over-keys cost a command's start more than this does.
    var activeKinds: [UInt32] = []
    var activeCounts: [Int] = []
    var highest = RegionKind(rawValue: 0)
    var lastKind = RegionKind(rawValue: 0)
    var lastAddress: UInt64 = 0
    var regions: [MapRegion] = []
    for point in points {
      let kind = entries[point >> 1].kind
      let here = address(point)
      let slot = activeKinds.partitionPoint { $0 >= kind.rawValue }
      let held = slot < activeKinds.count && activeKinds[slot] == kind.rawValue
      if point & 1 == 1 {
        // An end sorts after its own entry's start, so its kind is held.
        if held {
          activeCounts[slot] -= 1
          if activeCounts[slot] == 0 {
            activeKinds.remove(at: slot)
            activeCounts.remove(at: slot)
          }
        }
      } else if held {
        activeCounts[slot] += 1
      } else {
        activeKinds.insert(kind.rawValue, at: slot)
        activeCounts.insert(1, at: slot)
      }
      highest = RegionKind(rawValue: activeKinds.last ?? 0)
      let current = highest
      guard current != lastKind || current.neverMerges else { continue }
      if lastKind.rawValue != 0 && here != lastAddress {
        // Non-empty by construction: here > lastAddress.
        regions.append(
          MapRegion(
            range: PhysicalRange(start: lastAddress, size: here - lastAddress)!,
            kind: lastKind))
        if regions.count >= capacity { break }
      }
      if current.rawValue != 0 { lastAddress = here }
      lastKind = current
    }
    return MemoryMap(canonical: regions)
  }

  /// The regions of the given kind.
  public func regions(of kind: RegionKind) -> [MapRegion] { regions.filter { $0.kind == kind } }

  /// The total size of the regions of the given kind.
  public func totalSize(of kind: RegionKind) -> UInt128 {
    regions.reduce(0) { $0 + ($1.kind == kind ? UInt128($1.range.size) : 0) }
  }
}
