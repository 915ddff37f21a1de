internal import MemoryModel

/// /reserved-memory children compared: matched by path, then by name without the unit address
/// (so `fw@7f000000` → `fw@7e000000` is a move, not a removal and an addition).
enum ReservedNodeDiff {
  static func compare(_ a: [ReservedRegionNode], _ b: [ReservedRegionNode]) -> [MemoryChange] {
    var changes: [MemoryChange] = []
    var unmatchedA: [ReservedRegionNode] = []
    var remaining = b
    for old in a {
      if let index = remaining.firstIndex(where: { $0.path == old.path }) {
        changes += pair(old, remaining.remove(at: index))
      } else {
        unmatchedA.append(old)
      }
    }
    for old in unmatchedA {
      let base = baseName(old.name)
      let candidates = remaining.indices.filter { baseName(remaining[$0].name) == base }
      if candidates.count == 1, unmatchedA.filter({ baseName($0.name) == base }).count == 1 {
        changes += pair(old, remaining.remove(at: candidates[0]))
      } else {
        changes.append(
          MemoryChange(.reserved, "removed", at: old.path, before: summary(old), "region removed: \(summary(old))"))
      }
    }
    for new in remaining {
      changes.append(
        MemoryChange(.reserved, "added", at: new.path, after: summary(new), "region added: \(summary(new))"))
    }
    return changes
  }

  static func baseName(_ name: String) -> Substring {
    name.split(separator: "@", maxSplits: 1).first ?? Substring(name)
  }

  static func pair(_ old: ReservedRegionNode, _ new: ReservedRegionNode) -> [MemoryChange] {
    var changes: [MemoryChange] = []
    let path = new.path
    let renamed = old.path != new.path ? " (was \(old.name))" : ""
    switch (old.reg, new.reg) {
    case (let a?, let b?) where a != b:
      let kind: String
      if a.tuples.count == 1, b.tuples.count == 1 {
        let (x, y) = (a.tuples[0], b.tuples[0])
        kind =
          x.address != y.address && x.size != y.size
          ? "moved and resized" : x.address != y.address ? "moved" : "resized"
      } else {
        kind = "changed"
      }
      changes.append(
        MemoryChange(
          .reserved, kind.replacingSpaces, at: path, before: placement(old), after: placement(new),
          "region \(kind)\(renamed): \(placement(old)) → \(placement(new))"))
    case (nil, nil):
      if old.size != new.size || old.alignment != new.alignment || old.allocRanges != new.allocRanges {
        let kind =
          old.size != new.size && old.alignment == new.alignment && old.allocRanges == new.allocRanges
          ? "resized" : "changed"
        changes.append(
          MemoryChange(
            .reserved, kind, at: path, before: placement(old), after: placement(new),
            "dynamic region \(kind)\(renamed): \(placement(old)) → \(placement(new))"))
      }
    case (.some, nil), (nil, .some):
      changes.append(
        MemoryChange(
          .reserved, "changed", at: path, before: placement(old), after: placement(new),
          "region \(old.reg == nil ? "now static" : "now dynamic")\(renamed): \(placement(old)) → \(placement(new))"))
    default:
      break
    }
    let (fa, fb) = (flags(old), flags(new))
    if fa != fb {
      changes.append(
        MemoryChange(
          .reserved, "flags", at: path, before: fa, after: fb,
          "flags changed\(renamed): \(fa.isEmpty ? "none" : fa) → \(fb.isEmpty ? "none" : fb)"))
    }
    if changes.isEmpty && old.path != new.path {
      changes.append(
        MemoryChange(
          .reserved, "renamed", at: path, before: old.name, after: new.name, "region renamed: \(old.name) → \(new.name)"
        ))
    }
    return changes
  }

  /// Where the region is or how it is placed.
  static func placement(_ node: ReservedRegionNode) -> String {
    if let reg = node.reg {
      guard reg.isWellFormed else { return "reg of \(reg.byteLength) bytes (malformed)" }
      return reg.tuples.map(MemoryDiff.describe).joined(separator: ", ")
    }
    guard let size = node.size else { return "no reg or size" }
    var text = size.value.map { "size \(ByteCount.human($0))" } ?? "size of \(size.byteLength) bytes (malformed)"
    if let alignment = node.alignment {
      text += alignment.value.map { ", alignment \(Hex.short($0))" } ?? ", malformed alignment"
    }
    if let ranges = node.allocRanges {
      text += ", alloc-ranges \(ranges.tuples.map(MemoryDiff.describe).joined(separator: " "))"
    }
    return text
  }

  static func flags(_ node: ReservedRegionNode) -> String {
    var parts: [String] = []
    if !node.isAvailable { parts.append("status \"\(node.status ?? "")\"") }
    if node.noMap { parts.append("no-map") }
    if node.reusable { parts.append("reusable") }
    if node.cmaDefault { parts.append("linux,cma-default") }
    if node.dmaDefault { parts.append("linux,dma-default") }
    if !node.compatible.isEmpty { parts.append("compatible \"\(node.compatible.joined(separator: "\", \""))\"") }
    return parts.joined(separator: ", ")
  }

  static func summary(_ node: ReservedRegionNode) -> String {
    let f = flags(node)
    return placement(node) + (f.isEmpty ? "" : "; " + f)
  }
}

extension String {
  /// `moved and resized` → `moved-and-resized` (change kinds are single words).
  fileprivate var replacingSpaces: String { String(map { $0 == " " ? "-" : $0 }) }
}
