import BootModel
import MemoryModel
import Translate
import Utilities

/// `to-overlay` output: the JSON document and the stderr account of refusals and notes.
enum OverlayDocument {
  static func render(_ result: OverlayResult, kernel: KernelVersion, source: String, base: String?, output: String?)
    -> JSONValue
  {
    let plan = result.plan
    let checks = Dictionary(result.checks.map { ($0.node.path, $0) }, uniquingKeysWith: { first, _ in first })
    return .object([
      ("kernel", .string(kernel.rawValue)),
      ("base", base.map { .string($0) } ?? .null),
      (
        "cells",
        .object([
          ("address", .int(Int(plan.cells.address))), ("size", .int(Int(plan.cells.size))),
          ("assumed", .bool(plan.cellsAssumed)),
        ])
      ),
      ("creates_reserved_memory", .bool(plan.createsReservedMemory)),
      ("output", output.map { .string($0) } ?? .null),
      ("mappings", .array(plan.mappings.map(mapping))),
      ("nodes", .array(plan.nodes.map { node(for: $0, check: checks[$0.path], result) })),
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
  static func node(for node: OverlayNode, check: OverlayCheck?, _ result: OverlayResult) -> JSONValue {
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
      members.append(
        (
          "banks",
          .array(banks.map { .object([("start", MapDocument.hex($0.start)), ("size", MapDocument.hex($0.size))]) })
        ))
    case .memoryDisabled:
      members.append(("effect", .string("memory-disabled")))
    case .usableMemoryRange(let ranges):
      members.append(("effect", .string("usable-memory-range")))
      members.append(
        (
          "ranges",
          .array(ranges.map { .object([("start", MapDocument.hex($0.start)), ("size", MapDocument.hex($0.size))]) })
        ))
    }
    members.append(("sources", .array(node.sources.map { .string($0) })))
    if let check {
      members.append(("simulated", .array(check.reservations.map(MapDocument.reservation))))
      members.append(("holds", .bool(check.holds)))
    }
    return .object(members)
  }

  /// Refusals, per-parameter notes and diagnostics, one message each, for stderr. The model's
  /// verdicts on nodes (a region the kernel would fail) are warnings here: the overlay was
  /// written, and `dtmem: error:` is kept for runs that fail (exit 2).
  static func messages(_ result: OverlayResult) -> [String] {
    var out: [String] = []
    for m in result.plan.mappings {
      let what = m.label
      switch m.outcome {
      case .refused:
        out.append("dtmem: refused: \(what): \(m.notes.first ?? "")")
        for note in m.notes.dropFirst() { out.append("dtmem: note: \(what): \(note)") }
      case .noEffect, .discarded:
        out.append("dtmem: note: \(what): \(m.outcome.rawValue): \(m.notes.first ?? "")")
        for note in m.notes.dropFirst() { out.append("dtmem: note: \(what): \(note)") }
      case .translated:
        for note in m.notes { out.append("dtmem: note: \(what): \(note)") }
      }
    }
    for d in result.diagnostics {
      var verdict = d
      if verdict.severity == .error { verdict.severity = .warning }
      out.append(verdict.messageLine)
    }
    return out
  }
}
