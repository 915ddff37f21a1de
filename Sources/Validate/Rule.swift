public import MemoryModel

/// How serious a finding is: `error` (the kernel will refuse, ignore or fail something, or
/// memory is lost), `warning` (legal but probably wrong or fragile), `info`.
public typealias Severity = Diagnostic.Severity

/// One check of bootloader output. Each rule is its own type in its own file: a stable id,
/// a default severity, a one-line summary, a paragraph naming the kernel behaviour it is about,
/// and the check itself.
///
/// Rules read the facts (`BoardMemory`), the command line and what the arm64 boot model made of
/// them (`BootResult`); they never restate kernel semantics the model owns — whether a region is
/// refused, placed or released comes from the model's reservation status and kernel messages.
public protocol Rule: Sendable {
  /// Stable, lower-case, hyphenated (`reserved-overlap`); part of the output contract.
  var id: String { get }
  /// The severity of its findings unless a finding says otherwise.
  var severity: Severity { get }
  /// One line: what the rule finds.
  var summary: String { get }
  /// A paragraph: what the kernel does and in which function, and why it matters.
  var documentation: String { get }
  /// The findings for one input.
  func check(_ context: ValidationContext) -> [Finding]
}

extension Rule {
  /// A finding of this rule at `path` (a node path, `/memreserve/` or `cmdline`).
  func finding(at path: String, _ message: String, severity: Severity? = nil) -> Finding {
    Finding(rule: id, severity: severity ?? self.severity, path: path, message: message)
  }
}
