internal import BootModel
internal import MemoryModel
public import Utilities

/// SARIF 2.1.0 (OASIS), one run: the rule catalog as the driver's rules, one result per finding
/// with the file as its artifact and the node path as a logical location, and the unusable
/// inputs as tool notifications of a failed invocation.
public enum SARIF {
  public static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
  public static let informationURI = "https://github.com/dtmem/dtmem"

  /// SARIF's levels: error, warning, note.
  static func level(_ severity: Severity) -> String {
    switch severity {
    case .error: "error"
    case .warning: "warning"
    case .info: "note"
    }
  }

  public static func render(_ run: ValidationRun, rules: [any Rule] = RuleCatalog.all, toolVersion: String) -> JSONValue
  {
    let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
    let driver = JSONValue.object([
      ("name", .string("dtmem")),
      ("semanticVersion", .string(toolVersion)),
      ("informationUri", .string(informationURI)),
      ("rules", .array(rules.map(descriptor))),
    ])
    var results: [JSONValue] = []
    for report in run.reports {
      for finding in report.findings {
        var members: [(String, JSONValue)] = [("ruleId", .string(finding.rule))]
        if let position = index[finding.rule] { members.append(("ruleIndex", .int(position))) }
        members.append(("level", .string(level(finding.severity))))
        members.append(("message", .object([("text", .string(finding.message))])))
        members.append(("locations", .array([location(file: report.file, path: finding.path)])))
        results.append(.object(members))
      }
    }
    let notifications = run.unusable.map { input in
      JSONValue.object([
        ("level", .string("error")),
        ("message", .object([("text", .string("\(input.file): \(input.reason)"))])),
        (
          "locations",
          .array([
            .object([
              ("physicalLocation", .object([("artifactLocation", .object([("uri", .string(uri(input.file)))]))]))
            ])
          ])
        ),
      ])
    }
    let invocation = JSONValue.object([
      ("executionSuccessful", .bool(run.unusable.isEmpty)),
      ("toolExecutionNotifications", .array(notifications)),
    ])
    return .object([
      ("$schema", .string(schema)),
      ("version", .string("2.1.0")),
      (
        "runs",
        .array([
          .object([
            ("tool", .object([("driver", driver)])), ("invocations", .array([invocation])),
            ("results", .array(results)),
            ("properties", .object([("kernel", .string(run.kernel.rawValue))])),
          ])
        ])
      ),
    ])
  }

  static func descriptor(_ rule: any Rule) -> JSONValue {
    .object([
      ("id", .string(rule.id)),
      ("name", .string(camelCase(rule.id))),
      ("shortDescription", .object([("text", .string(rule.summary))])),
      ("fullDescription", .object([("text", .string(rule.documentation))])),
      ("defaultConfiguration", .object([("level", .string(level(rule.severity)))])),
      ("helpUri", .string("\(informationURI)/blob/main/docs/rules.md#\(rule.id)")),
    ])
  }

  static func location(file: String, path: String) -> JSONValue {
    let name = path == "/" ? "/" : String(path.split(separator: "/").last ?? Substring(path))
    return .object([
      ("physicalLocation", .object([("artifactLocation", .object([("uri", .string(uri(file)))]))])),
      (
        "logicalLocations",
        .array([
          .object([("name", .string(name)), ("fullyQualifiedName", .string(path)), ("kind", .string("element"))])
        ])
      ),
    ])
  }

  /// A relative or absolute path as a URI reference: every byte outside RFC 3986's unreserved
  /// characters and `/` percent-encoded — the file name's own bytes (`PathBytes`), so a name that
  /// is not UTF-8 names the same file.
  public static func uri(_ file: String) -> String {
    var out = ""
    for byte in PathBytes.bytes(file) {
      let c = Character(Unicode.Scalar(byte))
      if byte < 0x80 && (c.isLetter || c.isNumber || "-._~/".contains(c)) {
        out.append(c)
      } else {
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" : "") + hex
      }
    }
    return out
  }

  /// `reserved-overlap` → `ReservedOverlap` (SARIF's human-readable rule name).
  static func camelCase(_ id: String) -> String {
    id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
  }
}
