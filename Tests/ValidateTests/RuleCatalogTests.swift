import Foundation
import TestSupport
import Testing
import Validate

@Suite struct RuleCatalogTests {
  @Test func idsAreUniqueAndWellFormed() {
    let ids = RuleCatalog.all.map(\.id)
    #expect(Set(ids).count == ids.count)
    for id in ids {
      #expect(id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id)")
      #expect(RuleCatalog.rule(id)?.id == id)
    }
  }

  @Test func everyRuleIsDocumented() {
    for rule in RuleCatalog.all {
      #expect(rule.summary.hasSuffix(".") && !rule.summary.contains("\n"), "\(rule.id): one-line summary")
      #expect(rule.documentation.count > 200, "\(rule.id): documentation paragraph")
      // Names the kernel function (or kernel facility) it follows.
      #expect(
        rule.documentation.contains("()") || rule.documentation.contains(".c"), "\(rule.id): names the kernel code")
    }
  }

  /// docs/rules.md is generated (tools/gen-rule-docs); this keeps it current.
  @Test func docsRulesMarkdownIsCurrent() throws {
    let url = Repository.path("docs/rules.md")
    let committed = try String(contentsOf: url, encoding: .utf8)
    #expect(committed == RuleDocumentation.markdown(), "docs/rules.md is stale: run tools/gen-rule-docs")
  }

  @Test func listIsOneLinePerRule() {
    let lines = RuleDocumentation.text().split(separator: "\n")
    #expect(lines.count == RuleCatalog.all.count)
    #expect(lines.first?.hasPrefix("blob-too-large ") == true)
  }
}
