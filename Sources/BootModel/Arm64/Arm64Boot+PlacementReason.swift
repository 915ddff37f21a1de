internal import MemoryModel

/// What decided where a dynamic region landed, for `--explain`: the window it was placed in,
/// the direction, the alignment, and what kept it from the next candidate in that direction.
extension Arm64BootState {
  /// One line: `NAME: in WINDOW, top-down, align A: …`. `window` nil: anywhere in memory.
  func placementReason(
    _ name: String, base: UInt64, size: UInt64, align: UInt64, window: (index: Int, range: PhysicalRange)?,
    bottomUp: Bool
  ) -> String {
    let placed = PhysicalRange(start: base, cappedSize: size)
    let memory = PhysicalRanges.merged(memblock.memory.compactMap { PhysicalRange(start: $0.base, size: $0.size) })
    let bank = memory.first { $0.contains(base) }
    let area = window.map { "alloc-ranges window \($0.index + 1) \(Describe.range($0.range))" } ?? "all of memory"
    var limits = [bank].compactMap { $0 }
    if let window { limits.append(window.range) }
    // The next candidate in the search direction, one alignment step away.
    let (next, edge): (PhysicalRange?, UInt128) =
      bottomUp
      ? (
        base >= align ? PhysicalRange(start: base - align, cappedSize: size) : nil,
        limits.map { UInt128($0.start) }.max() ?? 0
      )
      : (PhysicalRange(start: base &+ align, cappedSize: size), limits.map(\.end).min() ?? UInt128(UInt64.max))
    var why: String
    if let next, !next.isEmpty, bottomUp ? UInt128(next.start) >= edge : next.end <= edge {
      let blocker = reservations.filter { $0.status.holdsMemory && $0.path != "" }.first { r in
        r.range.map { $0.overlaps(next) && !$0.overlaps(placed) } ?? false
      }
      let candidate = "the next \(bottomUp ? "lower" : "higher") candidate \(Describe.range(next))"
      why =
        blocker.map { "\(candidate) overlaps \($0.name) \(Describe.range($0.range!))" } ?? "\(candidate) is not free"
    } else {
      why = bottomUp ? "the lowest aligned fit in it" : "the highest aligned fit in it"
    }
    let sized = size == 0 ? "" : "\(ByteCount.human(size)) "
    return "\(name): \(sized)in \(area), \(bottomUp ? "bottom-up" : "top-down"), align \(Hex.short(align)): \(why)"
  }
}
