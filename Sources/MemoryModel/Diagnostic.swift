/// Something worth telling the user that is not a failure: a loss in a conversion, a value the
/// kernel would ignore, an assumption dtmem made. Rendered once, at the CLI edge.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
  public enum Severity: String, Hashable, Sendable, Comparable {
    case info, warning, error

    var rank: Int {
      switch self {
      case .info: 0
      case .warning: 1
      case .error: 2
      }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
  }

  public var severity: Severity
  /// Where it comes from: a node path (`/reserved-memory/cma`), `/memreserve/`, `cmdline`, …
  public var location: String
  public var message: String

  public init(_ severity: Severity, at location: String, _ message: String) {
    self.severity = severity
    self.location = location
    self.message = message
  }

  public var description: String { "\(severity.rawValue): \(location): \(message)" }
}
