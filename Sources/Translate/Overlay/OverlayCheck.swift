public import BootModel
public import MemoryModel

/// One overlay node against the arm64 model's boot of the base with the overlay applied: what
/// the parameters meant, and what the model says the kernel makes of it. The kernel's rules are
/// the model's; this only reads its results.
public struct OverlayCheck: Hashable, Sendable {
  public var node: OverlayNode
  /// The model's reservations for the node's path (a reservation or pmem no-map region).
  public var reservations: [Reservation]
  /// What the check found: collisions, failures, predicted places.
  public var diagnostics: [Diagnostic]

  /// Whether the kernel does what the parameter meant (reservations taken or placed where they
  /// should be, memory present).
  public var holds: Bool { !diagnostics.contains { $0.severity == .error } }

  static func checks(_ plan: OverlayPlan, base: BootResult, applied: BootResult) -> [OverlayCheck] {
    let memory = applied.memory.map(\.range)
    return plan.nodes.map { node in
      let reservations = applied.reservations.filter { $0.path == node.path }
      var diagnostics: [Diagnostic] = []
      func add(_ severity: Diagnostic.Severity, _ message: String) {
        diagnostics.append(Diagnostic(severity, at: node.path, message))
      }
      switch node.effect {
      case .staticReservation(let range, _):
        guard let taken = reservations.first else {
          add(.error, "the kernel does not see it")
          break
        }
        if case .failed(let reason) = taken.status { add(.error, "the kernel fails it: \(reason)") }
        for other in collisions(range, excluding: node.path, in: applied) {
          add(.warning, "overlaps \(other.name) \(other.range!) (\(other.path))")
        }
        if !memory.contains(where: { $0.overlaps(range) }) {
          add(.info, "lies outside memory: the kernel accepts it and nothing needs reserving")
        }
      case .dynamicReservation(let size, _):
        guard let placed = reservations.first else {
          add(.error, "the kernel does not see it")
          break
        }
        switch placed.status {
        case .allocated:
          add(
            .info, "the arm64 model places it at \(placed.range.map(\.description) ?? "?") (\(ByteCount.human(size)))")
        case .failed(let reason): add(.error, "the kernel cannot place it: \(reason)")
        default: break
        }
      case .persistentMemory(let range):
        // Its own no-map reservations come from the same parameter.
        let own = Set(plan.nodes.filter { $0.sources == node.sources && $0.parent == .reservedMemory }.map(\.path))
        for other in collisions(range, excluding: node.path, in: applied) where !own.contains(other.path) {
          add(.warning, "overlaps \(other.name) \(other.range!) (\(other.path))")
        }
      case .memory(let banks):
        // The kernel trims banks to whole pages: pieces smaller than a page are that, not a loss.
        let missing = banks.flatMap { PhysicalRanges.uncovered($0, by: memory) }
        for piece in missing where piece.size >= 0x1000 {
          add(.warning, "\(piece) is not memory after the boot (a usable-memory-range cap or mem= removes it)")
        }
      case .memoryDisabled:
        break
      case .usableMemoryRange(let ranges):
        let outside = memory.filter { block in !ranges.contains { $0.contains(block) } }
        for block in outside { add(.warning, "memory \(block) lies outside linux,usable-memory-range") }
      }
      return OverlayCheck(node: node, reservations: reservations, diagnostics: diagnostics)
    }
  }

  /// Taken reservations of the applied boot (other than `path`'s) that overlap `range`.
  static func collisions(_ range: PhysicalRange, excluding path: String, in boot: BootResult) -> [Reservation] {
    boot.reservations.filter { other in
      other.path != path && other.status.holdsMemory && other.range?.overlaps(range) == true
    }
  }

  /// What the overlay does to the base's own reservations: dynamic regions it moves (overlay
  /// children are placed first), regions that now fail.
  static func sideEffects(_ plan: OverlayPlan, base: BootResult, applied: BootResult) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let ours = Set(plan.nodes.map(\.path))
    for before in base.reservations where !ours.contains(before.path) {
      guard let after = applied.reservations.first(where: { $0.path == before.path && $0.name == before.name }) else {
        continue
      }
      if case .failed(let reason) = after.status, before.status != after.status {
        diagnostics.append(Diagnostic(.error, at: before.path, "the base's region fails with the overlay: \(reason)"))
      } else if before.origin == .dynamicRegion, let old = before.range, let new = after.range, old != new {
        diagnostics.append(
          Diagnostic(
            .warning, at: before.path,
            "the overlay moves the base's dynamic region from \(old) to \(new) (overlay children come first in "
              + "/reserved-memory, so they are placed first)"
          ))
      }
    }
    return diagnostics
  }
}
