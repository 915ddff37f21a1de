public import BootModel

/// Runs the rules over one input.
public enum Validator {
  /// The findings of `rules` (default: the whole catalog) for the device tree `request` boots,
  /// in catalog order and, within a rule, in DT order. Rethrows what `ValidationContext` rethrows.
  public static func validate(_ request: BootRequest, rules: [any Rule] = RuleCatalog.all) throws(BootModelError)
    -> [Finding]
  {
    findings(in: try ValidationContext(request), rules: rules)
  }

  /// The findings for an input whose boot has already been run.
  public static func findings(in context: ValidationContext, rules: [any Rule] = RuleCatalog.all) -> [Finding] {
    rules.filter { $0.prerequisites.allSatisfy(context.satisfies) }.flatMap { $0.check(context) }
  }
}
