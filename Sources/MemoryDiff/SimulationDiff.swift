internal import BootModel
internal import MemoryModel

/// What the boot model predicts for each input: where dynamic regions land, what fails, and the
/// memory the kernel ends with.
enum SimulationDiff {
  static func compare(_ a: BootResult, _ b: BootResult) -> [MemoryChange] {
    var changes: [MemoryChange] = []
    let (ma, mb) = (memory(a), memory(b))
    if ma != mb {
      changes.append(
        MemoryChange(
          .simulated, "changed", at: "memory", before: ma, after: mb, "the memory the kernel keeps: \(ma) → \(mb)"))
    }
    var remaining = b.reservations
    for old in a.reservations {
      guard let index = remaining.firstIndex(where: { key($0) == key(old) }) else { continue }
      let new = remaining.remove(at: index)
      if old.status.name != new.status.name {
        changes.append(
          MemoryChange(
            .simulated, "status", at: new.path, before: status(old), after: status(new),
            "\(new.name): \(status(old)) → \(status(new))"))
      } else if old.origin == .dynamicRegion, old.range != new.range, let before = old.range, let after = new.range {
        changes.append(
          MemoryChange(
            .simulated, "placement", at: new.path, before: Describe.sized(before), after: Describe.sized(after),
            "\(new.name) placed at \(Describe.range(after)), was \(Describe.range(before))"))
      }
    }
    changes += kernelAllocations(a, b)
    return changes
  }

  /// What the kernel takes for itself (`cma=`, `crashkernel=`, the default CMA area): one that
  /// appears, goes, or takes other memory.
  static func kernelAllocations(_ a: BootResult, _ b: BootResult) -> [MemoryChange] {
    var changes: [MemoryChange] = []
    var remaining = b.kernelAllocations
    for old in a.kernelAllocations {
      // By name: `cma=` replaces the default CMA area, both "cma".
      guard let index = remaining.firstIndex(where: { $0.name == old.name }) else {
        changes.append(
          MemoryChange(
            .simulated, "removed", at: old.name, before: taken(old), "\(old.name) no longer taken: was \(taken(old))"))
        continue
      }
      let new = remaining.remove(at: index)
      if taken(old) != taken(new) {
        changes.append(
          MemoryChange(
            .simulated, old.status.name != new.status.name ? "status" : "placement", at: new.name,
            before: taken(old), after: taken(new), "\(new.name): \(taken(old)) → \(taken(new))"))
      }
    }
    for new in remaining {
      changes.append(
        MemoryChange(.simulated, "added", at: new.name, after: taken(new), "\(new.name) taken: \(taken(new))"))
    }
    return changes
  }

  /// A kernel allocation's status with the memory it takes.
  static func taken(_ r: Reservation) -> String {
    guard let range = r.range, !r.isFailed else { return status(r) }
    return "\(r.status.name) at \(Describe.sized(range))"
  }

  /// The same reservation in both boots: origin, path, name and its occurrence.
  static func key(_ r: Reservation) -> String { "\(r.origin.rawValue)|\(r.path)|\(r.name)" }

  static func status(_ r: Reservation) -> String {
    var text = r.status.name
    if let range = r.range, !r.isFailed { text += " at \(Describe.range(range))" }
    if let reason = r.status.reason, r.isFailed { text += " (\(reason))" }
    return text
  }

  static func memory(_ result: BootResult) -> String {
    let ranges = PhysicalRanges.merged(result.memory.map(\.range))
    guard !ranges.isEmpty else { return "none" }
    return ranges.map(Describe.range).joined(separator: " ") + " (\(Describe.bytes(PhysicalRanges.bytes(ranges))))"
  }
}
