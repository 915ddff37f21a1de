internal import BootModel
public import MemoryModel

/// How serious a finding is: `error` (the kernel will refuse, ignore or fail something, or
/// memory is lost), `warning` (legal but probably wrong or fragile), `info`.
public typealias Severity = Diagnostic.Severity

/// One check of bootloader output. Each rule is its own type in its own file: a stable id,
/// a default severity, a one-line summary, a paragraph naming the kernel behaviour it is about,
/// and the check itself.
///
/// Rules read the facts (`BoardMemory`), the command line and what the arm64 boot model made of
/// them (`BootResult`: reservations and typed events); they never restate kernel semantics the
/// model owns — whether a region is refused, placed or released comes from the model's
/// reservation status and events — and never match the kernel's words (a rule that quotes the
/// kernel renders the event with the boot's kernel log). Like dtc's checks.c, a rule names its
/// prerequisites and is only run when they hold.
public protocol Rule: Sendable {
  /// Stable, lower-case, hyphenated (`reserved-overlap`); part of the output contract.
  var id: String { get }
  /// The severity of its findings unless a finding says otherwise.
  var severity: Severity { get }
  /// One line: what the rule finds.
  var summary: String { get }
  /// A paragraph: what the kernel does and in which function, and why it matters.
  var documentation: String { get }
  /// What must hold for the rule to say anything; it is not run otherwise.
  var prerequisites: [Prerequisite] { get }
  /// The findings for one input (whose prerequisites hold).
  func check(_ context: ValidationContext) -> [Finding]
}

/// What a rule needs to be meaningful.
public enum Prerequisite: String, Hashable, Sendable, CaseIterable {
  /// The input states its memory (or `--memory` gives it): placements, and whether something
  /// lies inside memory, mean something.
  case memoryIsKnown = "memory is known"
  /// Memory comes from the tree's own memory nodes, not from `--memory`: facts about those
  /// nodes are what the kernel reads.
  case memoryFromDeviceTree = "memory comes from the tree's memory nodes"
  /// The tree was booted through UEFI (`--efi-memmap`): memory comes from the UEFI map.
  case bootedThroughUEFI = "booted through UEFI (--efi-memmap)"
}

extension ValidationContext {
  /// Whether `prerequisite` holds for this input.
  public func satisfies(_ prerequisite: Prerequisite) -> Bool {
    switch prerequisite {
    case .memoryIsKnown: memoryIsKnown
    case .memoryFromDeviceTree: request.memoryOverride == nil && request.efiMemoryMap == nil
    case .bootedThroughUEFI: request.efiMemoryMap != nil
    }
  }
}

extension Rule {
  public var prerequisites: [Prerequisite] { [] }

  /// A finding of this rule at `path` (a node path, `/memreserve/` or `cmdline`).
  func finding(at path: String, _ message: String, severity: Severity? = nil) -> Finding {
    Finding(rule: id, severity: severity ?? self.severity, path: path, message: message)
  }
}
