internal import BootModel
public import Utilities

/// `dtmem diff` output: one change per line (`CATEGORY: KIND PATH: MESSAGE`), or one JSON object.
public enum DiffRendering {
  public static func text(_ result: MemoryDiffResult) -> String {
    var out = ""
    for change in result.changes {
      out += "\(change.category.rawValue): \(change.kind) \(change.path): \(change.message)\n"
    }
    for note in result.notes { out += "note: \(note)\n" }
    return out
  }

  public static func json(_ result: MemoryDiffResult, a: String, b: String) -> JSONValue {
    var kernels: [(String, JSONValue)] = []
    if !result.kernels.isEmpty { kernels = [("kernels", .array(result.kernels.map { .string($0.rawValue) }))] }
    return .object(
      [("kernel", .string(result.kernel.rawValue))] + kernels + [
        ("a", .string(a)), ("b", .string(b)),
        ("identical", .bool(result.isIdentical)),
        (
          "changes",
          .array(
            result.changes.map { change in
              .object([
                ("category", .string(change.category.rawValue)), ("change", .string(change.kind)),
                ("path", .string(change.path)), ("before", change.before.map { .string($0) } ?? .null),
                ("after", change.after.map { .string($0) } ?? .null), ("message", .string(change.message)),
              ])
            })
        ),
        ("notes", .array(result.notes.map { .string($0) })),
      ])
  }
}
