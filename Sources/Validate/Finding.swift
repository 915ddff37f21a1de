public import BootModel

/// One problem a rule found in one input.
public struct Finding: Hashable, Sendable {
  /// The rule's id.
  public var rule: String
  public var severity: Severity
  /// A node path (`/reserved-memory/shm@50100000`), `/memreserve/`, or `cmdline`.
  public var path: String
  /// One line, saying what is wrong, what the kernel does about it, and by how much.
  public var message: String

  public init(rule: String, severity: Severity, path: String, message: String) {
    self.rule = rule
    self.severity = severity
    self.path = path
    self.message = message
  }
}

/// The findings for one input file.
public struct FileReport: Hashable, Sendable {
  /// The file as the user named it (`<stdin>` for `-`).
  public var file: String
  public var findings: [Finding]

  public init(file: String, findings: [Finding]) {
    self.file = file
    self.findings = findings
  }
}

/// An input that could not be checked at all, and why.
public struct UnusableInput: Hashable, Sendable {
  public var file: String
  public var reason: String

  public init(file: String, reason: String) {
    self.file = file
    self.reason = reason
  }
}

/// Everything one `validate` run produced, in input order.
public struct ValidationRun: Hashable, Sendable {
  /// The kernel the inputs were checked against.
  public var kernel: KernelVersion
  public var reports: [FileReport]
  public var unusable: [UnusableInput]

  public init(kernel: KernelVersion = .default, reports: [FileReport] = [], unusable: [UnusableInput] = []) {
    self.kernel = kernel
    self.reports = reports
    self.unusable = unusable
  }

  public var findings: [Finding] { reports.flatMap(\.findings) }

  /// Whether any finding is at or above `severity`.
  public func hasFindings(atLeast severity: Severity) -> Bool {
    findings.contains { $0.severity >= severity }
  }
}
