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
    let byPath = Dictionary(grouping: applied.reservations, by: \.path)
    let holders = Holders(applied)
    // A pmem node's own no-map reservations come from the same parameter.
    let reservationNodes = Dictionary(grouping: plan.nodes.filter { $0.parent == .reservedMemory }, by: \.sources)
    return plan.nodes.map { node in
      let reservations = byPath[node.path] ?? []
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
        if let collision = holders.collision(range, excluding: [node.path]) { add(.warning, collision) }
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
        let own = Set((reservationNodes[node.sources] ?? []).map(\.path)).union([node.path])
        if let collision = holders.collision(range, excluding: own) { add(.warning, collision) }
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

  /// The reservations of a boot that hold memory, indexed by range.
  struct Holders {
    var reservations: [Reservation]
    var index: RangeIndex
    var byPath: [String: [Int]]

    init(_ boot: BootResult) {
      let holding = boot.reservations.filter { $0.status.holdsMemory && $0.range != nil }
      reservations = holding
      index = RangeIndex(holding.map { $0.range! })
      byPath = Dictionary(grouping: holding.indices, by: { holding[$0].path })
    }

    /// What `range` collides with among them, apart from the reservations of `excluded` paths,
    /// as one message: one of them, and how many more (once per node, however many there are).
    func collision(_ range: PhysicalRange, excluding excluded: Set<String>) -> String? {
      guard let found = index.last(overlapping: range, where: { !excluded.contains(reservations[$0].path) }) else {
        return nil
      }
      let own = excluded.reduce(0) { count, path in
        count + (byPath[path] ?? []).filter { reservations[$0].range!.overlaps(range) }.count
      }
      let more = index.count(overlapping: range) - own - 1
      let other = reservations[found]
      return "overlaps \(other.name) \(other.range!) (\(other.path))"
        + (more > 0 ? " and \(more) more reservation\(more == 1 ? "" : "s")" : "")
    }
  }

  /// What the overlay does to the base's own reservations: dynamic regions it moves (overlay
  /// children are placed first), regions that now fail.
  static func sideEffects(_ plan: OverlayPlan, base: BootResult, applied: BootResult) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let ours = Set(plan.nodes.map(\.path))
    var afterByNode: [String: [Reservation]] = [:]
    for after in applied.reservations { afterByNode[after.path, default: []].append(after) }
    for before in base.reservations where !ours.contains(before.path) {
      guard let after = afterByNode[before.path]?.first(where: { $0.name == before.name }) else { continue }
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
