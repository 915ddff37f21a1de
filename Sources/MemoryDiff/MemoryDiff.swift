public import BootModel
internal import MemoryModel

/// Compares the memory descriptions of two inputs — e.g. the blob you built and
/// /sys/firmware/fdt of the running system — fact by fact, then what the arm64 boot model makes
/// of each.
public enum MemoryDiff {
  /// `a` and `b` boot device trees (a request without one compares as an empty tree).
  public static func compare(_ a: BootRun, _ b: BootRun) -> MemoryDiffResult {
    var changes: [MemoryChange] = []
    let (boardA, boardB) = (a.request.board ?? BoardMemory(), b.request.board ?? BoardMemory())
    changes += structure(boardA, boardB)
    changes += banks(a.request.statedBanks, b.request.statedBanks)
    changes += persistentMemory(boardA.persistentRegions, boardB.persistentRegions)
    changes += ReservedNodeDiff.compare(boardA.reservedMemory?.children ?? [], boardB.reservedMemory?.children ?? [])
    changes += memoryReservations(boardA.memoryReservations, boardB.memoryReservations)
    changes += chosen(boardA.chosen, boardB.chosen)
    changes += ParameterDiff.compare(a.request.kernelCommandLine, b.request.kernelCommandLine)
    var notes: [String] = []
    if let why = a.missingMemory ?? b.missingMemory {
      let side =
        a.missingMemory != nil
        ? (b.missingMemory != nil ? "neither input states any memory" : "the first input states no memory")
        : "the second input states no memory"
      notes.append("the simulated boots are not compared: \(side) (\(why.split(separator: ";").first ?? ""))")
    } else {
      changes += SimulationDiff.compare(a.result, b.result)
    }
    return MemoryDiffResult(kernel: b.request.kernel, changes: changes, notes: notes)
  }

  static func structure(_ a: BoardMemory, _ b: BoardMemory) -> [MemoryChange] {
    var changes: [MemoryChange] = []
    if a.rootCells != b.rootCells {
      changes.append(
        MemoryChange(
          .structure, "changed", at: "/", before: "\(a.rootCells)", after: "\(b.rootCells)",
          "root #address-cells/#size-cells \(a.rootCells) → \(b.rootCells): every memory property is read differently"))
    }
    func format(_ node: ReservedMemoryNode?) -> String? {
      guard let node else { return nil }
      let cells = "<\(node.addressCells.map(String.init) ?? "-") \(node.sizeCells.map(String.init) ?? "-")>"
      return "cells \(cells)\(node.hasRanges ? ", ranges" : ", no ranges")"
    }
    let (fa, fb) = (format(a.reservedMemory), format(b.reservedMemory))
    if fa != fb {
      let kind = fa == nil ? "added" : fb == nil ? "removed" : "changed"
      changes.append(
        MemoryChange(
          .structure, kind, at: b.reservedMemory?.path ?? a.reservedMemory?.path ?? "/reserved-memory", before: fa,
          after: fb, "/reserved-memory \(kind): \(MemoryChange.transition(fa, fb))"))
    }
    return changes
  }

  /// Banks matched by start address: same start and another size is a resize.
  static func banks(_ a: [(path: String, range: PhysicalRange)], _ b: [(path: String, range: PhysicalRange)])
    -> [MemoryChange]
  {
    var changes: [MemoryChange] = []
    var remaining = b
    for old in a {
      if let same = remaining.firstIndex(where: { $0.range == old.range }) {
        remaining.remove(at: same)
      } else if let resized = remaining.firstIndex(where: { $0.range.start == old.range.start }) {
        let new = remaining.remove(at: resized)
        changes.append(
          MemoryChange(
            .memory, "resized", at: new.path, before: Describe.sized(old.range), after: Describe.sized(new.range),
            "bank resized: \(Describe.sized(old.range)) → \(Describe.sized(new.range))"))
      } else {
        changes.append(
          MemoryChange(
            .memory, "removed", at: old.path, before: Describe.sized(old.range),
            "bank removed: \(Describe.sized(old.range))"))
      }
    }
    for new in remaining {
      changes.append(
        MemoryChange(
          .memory, "added", at: new.path, after: Describe.sized(new.range), "bank added: \(Describe.sized(new.range))"))
    }
    return changes
  }

  /// Available `pmem-region` nodes by path: added, removed, or with another `reg`.
  static func persistentMemory(_ a: [PersistentRegionNode], _ b: [PersistentRegionNode]) -> [MemoryChange] {
    func ranges(_ node: PersistentRegionNode) -> String {
      let ranges = node.reg?.nonEmptyRanges ?? []
      return ranges.isEmpty ? "no range" : ranges.map(Describe.sized).joined(separator: ", ")
    }
    let (old, new) = (a.filter(\.isAvailable), b.filter(\.isAvailable))
    var changes: [MemoryChange] = []
    for node in old where !new.contains(where: { $0.path == node.path }) {
      changes.append(
        MemoryChange(.pmem, "removed", at: node.path, before: ranges(node), "pmem-region removed: \(ranges(node))"))
    }
    for node in new {
      guard let before = old.first(where: { $0.path == node.path }) else {
        changes.append(
          MemoryChange(.pmem, "added", at: node.path, after: ranges(node), "pmem-region added: \(ranges(node))"))
        continue
      }
      if ranges(before) != ranges(node) {
        changes.append(
          MemoryChange(
            .pmem, "changed", at: node.path, before: ranges(before), after: ranges(node),
            "pmem-region \(ranges(before)) → \(ranges(node))"))
      }
    }
    return changes
  }

  /// /memreserve/ entries as a multiset.
  static func memoryReservations(_ a: [RegTuple], _ b: [RegTuple]) -> [MemoryChange] {
    var remaining = b
    var changes: [MemoryChange] = []
    for entry in a {
      if let index = remaining.firstIndex(of: entry) {
        remaining.remove(at: index)
      } else {
        changes.append(
          MemoryChange(
            .memreserve, "removed", at: "/memreserve/", before: describe(entry), "entry removed: \(describe(entry))"))
      }
    }
    for entry in remaining {
      changes.append(
        MemoryChange(
          .memreserve, "added", at: "/memreserve/", after: describe(entry), "entry added: \(describe(entry))"))
    }
    return changes
  }

  static func chosen(_ a: ChosenNode?, _ b: ChosenNode?) -> [MemoryChange] {
    let path = b?.path ?? a?.path ?? "/chosen"
    func initrd(_ node: ChosenNode?) -> String? {
      guard let node, node.initrdStart != nil || node.initrdEnd != nil else { return nil }
      if let tuple = node.initrd { return describe(tuple) }
      return "start \(node.initrdStart.map(Hex.short) ?? "-"), end \(node.initrdEnd.map(Hex.short) ?? "-") (ignored)"
    }
    func list(_ value: RegList?) -> String? { value.map { $0.tuples.map(describe).joined(separator: ", ") } }
    var changes: [MemoryChange] = []
    let properties: [(String, String?, String?)] = [
      ("initrd", initrd(a), initrd(b)),
      ("linux,usable-memory-range", list(a?.usableMemoryRange), list(b?.usableMemoryRange)),
      ("linux,elfcorehdr", list(a?.elfCoreHeader), list(b?.elfCoreHeader)),
    ]
    for (name, before, after) in properties where before != after {
      let kind = before == nil ? "added" : after == nil ? "removed" : "changed"
      changes.append(
        MemoryChange(
          .chosen, kind, at: path, before: before, after: after,
          "\(name) \(kind): \(MemoryChange.transition(before, after))"))
    }
    return changes
  }

  static func describe(_ tuple: RegTuple) -> String {
    Describe.sized(tuple.cappedRange)
  }
}
