internal import MemoryModel

/// The text form: one finding per line, `FILE: SEVERITY: [RULE-ID] PATH: MESSAGE`.
public enum FindingText {
  public static func line(_ file: String, _ finding: Finding) -> String {
    "\(file): \(finding.severity.rawValue): [\(finding.rule)] \(finding.path): \(finding.message)\n"
  }

  public static func render(_ run: ValidationRun) -> String {
    var out = ""
    for report in run.reports {
      for finding in report.findings { out += line(report.file, finding) }
    }
    return out
  }
}
