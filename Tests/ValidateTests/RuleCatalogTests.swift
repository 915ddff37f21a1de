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

  /// Rules and translators read typed events; the kernel's words come from the kernel log
  /// renderers. No string literal in Sources/Validate or Sources/Translate starts with a kernel
  /// message prefix.
  @Test func noKernelMessageInRulesOrTranslators() throws {
    let prefixes = ["OF: ", "Reserved memory:", "NUMA: ", "Ignoring memory", "failed to allocate", "failed to reserve"]
    for folder in ["Sources/Validate", "Sources/Translate"] {
      let root = Repository.path(folder)
      let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
      #expect(files.count > 10, "\(folder) holds its sources")
      for file in files where file.hasSuffix(".swift") {
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
        for prefix in prefixes { #expect(!text.contains("\"" + prefix), "\(folder)/\(file) holds \"\(prefix)") }
      }
    }
  }

  @Test func listIsOneLinePerRule() {
    let lines = RuleDocumentation.text().split(separator: "\n")
    #expect(lines.count == RuleCatalog.all.count)
    #expect(lines.first?.hasPrefix("blob-too-large ") == true)
  }
}
