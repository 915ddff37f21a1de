public import BootModel
internal import MemoryModel

/// One device tree booted on two kernels (`dtmem diff BOARD --kernels 6.1,6.12`): what the
/// upgrade moves. Both runs boot the same input with the same options; only `request.kernel`
/// differs, so every change is the kernels' doing: reservations placed elsewhere (dynamic
/// regions, the kernel image, estimates), refusals and failures that appear or vanish,
/// reservations only one kernel makes, and the memory the kernel keeps and unmaps.
public enum KernelDiff {
  public static func compare(_ old: BootRun, _ new: BootRun) -> MemoryDiffResult {
    let (from, to) = (old.request.kernel, new.request.kernel)
    var notes: [String] = []
    var changes: [MemoryChange] = []
    if let why = old.missingMemory ?? new.missingMemory {
      notes.append("the boots are not compared: the input states no memory (\(why.split(separator: ";").first ?? ""))")
    } else {
      changes += memory(old.result, new.result, from, to)
      changes += reservations(
        old.result.reservations + old.result.kernelAllocations, new.result.reservations + new.result.kernelAllocations,
        from, to)
    }
    return MemoryDiffResult(kernel: to, kernels: [from, to], changes: changes, notes: notes)
  }

  static func memory(_ a: BootResult, _ b: BootResult, _ from: KernelVersion, _ to: KernelVersion) -> [MemoryChange] {
    var changes: [MemoryChange] = []
    let (ma, mb) = (SimulationDiff.memory(a), SimulationDiff.memory(b))
    if ma != mb {
      changes.append(
        MemoryChange(
          .simulated, "changed", at: "memory", before: ma, after: mb,
          "the memory the kernel keeps: \(ma) on \(from), \(mb) on \(to)"))
    }
    func noMap(_ result: BootResult) -> String {
      let ranges = PhysicalRanges.merged(result.memory.filter(\.noMap).map(\.range))
      guard !ranges.isEmpty else { return "none" }
      return ranges.map(Describe.range).joined(separator: " ") + " (\(Describe.bytes(PhysicalRanges.bytes(ranges))))"
    }
    let (na, nb) = (noMap(a), noMap(b))
    if na != nb {
      changes.append(
        MemoryChange(
          .simulated, "no-map", at: "memory", before: na, after: nb,
          "memory outside the linear map (no-map): \(na) on \(from), \(nb) on \(to)"))
    }
    return changes
  }

  /// Reservations matched by origin, path and name, in order (the n-th of a key with the n-th).
  static func reservations(
    _ a: [Reservation], _ b: [Reservation], _ from: KernelVersion, _ to: KernelVersion
  ) -> [MemoryChange] {
    var changes: [MemoryChange] = []
    var remaining = b
    for old in a {
      guard let index = remaining.firstIndex(where: { SimulationDiff.key($0) == SimulationDiff.key(old) }) else {
        changes.append(
          MemoryChange(
            .simulated, "only-\(from)", at: old.path, before: SimulationDiff.status(old),
            "\(old.name): \(SimulationDiff.status(old)) on \(from); \(to) makes no such reservation"))
        continue
      }
      let new = remaining.remove(at: index)
      let (before, after) = (SimulationDiff.status(old), SimulationDiff.status(new))
      if old.status.name != new.status.name || (old.isFailed != new.isFailed) {
        let kind = new.isFailed && !old.isFailed ? "refused" : old.isFailed && !new.isFailed ? "accepted" : "status"
        changes.append(
          MemoryChange(
            .simulated, kind, at: new.path, before: before, after: after,
            "\(new.name): \(before) on \(from), \(after) on \(to)"))
      } else if old.range != new.range, let r1 = old.range, let r2 = new.range {
        changes.append(
          MemoryChange(
            .simulated, "placement", at: new.path, before: Describe.sized(r1), after: Describe.sized(r2),
            "\(new.name) lands at \(Describe.range(r1)) on \(from), \(Describe.range(r2)) on \(to)"))
      } else if old.isFailed, new.isFailed, old.status.reason != new.status.reason {
        changes.append(
          MemoryChange(
            .simulated, "status", at: new.path, before: before, after: after,
            "\(new.name): \(before) on \(from), \(after) on \(to)"))
      }
    }
    for new in remaining {
      changes.append(
        MemoryChange(
          .simulated, "only-\(to)", at: new.path, after: SimulationDiff.status(new),
          "\(new.name): \(SimulationDiff.status(new)) on \(to); \(from) makes no such reservation"))
    }
    return changes
  }
}
