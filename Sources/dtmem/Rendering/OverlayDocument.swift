import BootModel
import MemoryModel
import Translate
import Utilities

/// `to-overlay` output: the JSON document and the stderr account of refusals and notes.
enum OverlayDocument {
  static func render(_ result: OverlayResult, kernel: KernelVersion, source: String, base: String?, output: String?) -> JSONValue {
    let plan = result.plan
    return .object([
      ("kernel", .string(kernel.rawValue)),
      ("base", base.map { .string($0) } ?? .null),
      ("cells", .object([("address", .int(Int(plan.cells.address))), ("size", .int(Int(plan.cells.size))), ("assumed", .bool(plan.cellsAssumed))])),
      ("creates_reserved_memory", .bool(plan.createsReservedMemory)),
      ("output", output.map { .string($0) } ?? .null),
      ("mappings", .array(plan.mappings.map(mapping))),
      ("nodes", .array(plan.nodes.map { node(for: $0, result) })),
      ("diagnostics", .array(result.diagnostics.map(MapDocument.diagnostic))),
      ("overlay", .string(source)),
    ])
  }

  static func mapping(_ m: ParameterMapping) -> JSONValue {
    .object([
      ("parameter", .string(m.parameter)), ("item", .string(m.item)), ("form", .string(m.form)),
      ("outcome", .string(m.outcome.rawValue)), ("nodes", .array(m.nodes.map { .string($0) })),
      ("notes", .array(m.notes.map { .string($0) })),
    ])
  }

  /// One node: what the parameters meant, and what the model made of it.
  static func node(for node: OverlayNode, _ result: OverlayResult) -> JSONValue {
    var members: [(String, JSONValue)] = [("path", .string(node.path))]
    func range(_ r: PhysicalRange) {
      members.append(("start", MapDocument.hex(r.start)))
      members.append(("size", MapDocument.hex(r.size)))
    }
    switch node.effect {
    case .staticReservation(let r, let noMap):
      members.append(("effect", .string("static")))
      range(r)
      members.append(("nomap", .bool(noMap)))
    case .dynamicReservation(let size, let alignment):
      members.append(("effect", .string("dynamic")))
      members.append(("size", MapDocument.hex(size)))
      members.append(("alignment", MapDocument.hex(alignment)))
      members.append(("nomap", .bool(false)))
    case .persistentMemory(let r):
      members.append(("effect", .string("pmem")))
      range(r)
    case .memory(let banks):
      members.append(("effect", .string("memory")))
      members.append(("banks", .array(banks.map { .object([("start", MapDocument.hex($0.start)), ("size", MapDocument.hex($0.size))]) })))
    case .memoryDisabled:
      members.append(("effect", .string("memory-disabled")))
    case .usableMemoryRange(let ranges):
      members.append(("effect", .string("usable-memory-range")))
      members.append(("ranges", .array(ranges.map { .object([("start", MapDocument.hex($0.start)), ("size", MapDocument.hex($0.size))]) })))
    }
    members.append(("sources", .array(node.sources.map { .string($0) })))
    if let check = result.checks.first(where: { $0.node.path == node.path }) {
      members.append(("simulated", .array(check.reservations.map(MapDocument.reservation))))
      members.append(("holds", .bool(check.holds)))
    }
    return .object(members)
  }

  /// Refusals, per-parameter notes and diagnostics, one per line, for stderr.
  static func messages(_ result: OverlayResult) -> String {
    var out = ""
    for m in result.plan.mappings {
      let what = m.label
      switch m.outcome {
      case .refused:
        out += "dtmem: refused: \(what): \(m.notes.first ?? "")\n"
        for note in m.notes.dropFirst() { out += "dtmem: note: \(what): \(note)\n" }
      case .noEffect, .discarded:
        out += "dtmem: note: \(what): \(m.outcome.rawValue): \(m.notes.first ?? "")\n"
        for note in m.notes.dropFirst() { out += "dtmem: note: \(what): \(note)\n" }
      case .translated:
        for note in m.notes { out += "dtmem: note: \(what): \(note)\n" }
      }
    }
    for d in result.diagnostics {
      out += d.standardErrorLine
    }
    return out
  }
}
