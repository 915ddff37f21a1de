internal import BootModel
internal import MemoryModel
public import Utilities

/// The JSON form: `{ "findings": [ { "file", "rule", "severity", "path", "message" } ],
/// "unusable": [ { "file", "message" } ] }`.
public enum FindingJSON {
  public static func render(_ run: ValidationRun) -> JSONValue {
    var findings: [JSONValue] = []
    for report in run.reports {
      for finding in report.findings {
        findings.append(
          .object([
            ("file", .string(report.file)), ("rule", .string(finding.rule)),
            ("severity", .string(finding.severity.rawValue)), ("path", .string(finding.path)),
            ("message", .string(finding.message)),
          ]))
      }
    }
    let unusable = run.unusable.map { JSONValue.object([("file", .string($0.file)), ("message", .string($0.reason))]) }
    return .object([
      ("kernel", .string(run.kernel.rawValue)), ("findings", .array(findings)), ("unusable", .array(unusable)),
    ])
  }
}
