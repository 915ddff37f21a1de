import Foundation
import Testing
import Validate

@Suite struct RendererTests {
  static let run = ValidationRun(
    reports: [
      FileReport(
        file: "boards/my board.dtb",
        findings: [
          Finding(
            rule: "reserved-overlap", severity: .error, path: "/reserved-memory/shm@50100000",
            message: "overlaps \"fw\" by 1 MiB"),
          Finding(rule: "memory-section-hole", severity: .info, path: "/memory@40000000", message: "partly memory"),
        ]),
      FileReport(file: "clean.dtb", findings: []),
    ],
    unusable: [UnusableInput(file: "broken.dtb", reason: "not a device tree blob")])

  static func object(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func textIsOneFindingPerLine() {
    #expect(
      FindingText.render(Self.run) == """
        boards/my board.dtb: error: [reserved-overlap] /reserved-memory/shm@50100000: overlaps "fw" by 1 MiB
        boards/my board.dtb: info: [memory-section-hole] /memory@40000000: partly memory

        """)
  }

  @Test func jsonHasTheContractFields() throws {
    let document = try Self.object(FindingJSON.render(Self.run).rendered())
    let findings = try #require(document["findings"] as? [[String: String]])
    #expect(findings.count == 2)
    #expect(
      findings[0] == [
        "file": "boards/my board.dtb", "rule": "reserved-overlap", "severity": "error",
        "path": "/reserved-memory/shm@50100000", "message": "overlaps \"fw\" by 1 MiB",
      ])
    let unusable = try #require(document["unusable"] as? [[String: String]])
    #expect(unusable == [["file": "broken.dtb", "message": "not a device tree blob"]])
  }

  @Test func sarifIsVersion210WithTheCatalogAsRules() throws {
    let document = try Self.object(SARIF.render(Self.run, toolVersion: "9.9.9").rendered())
    #expect(document["version"] as? String == "2.1.0")
    #expect((document["$schema"] as? String)?.contains("sarif-2.1.0") == true)
    let runs = try #require(document["runs"] as? [[String: Any]])
    #expect(runs.count == 1)
    let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
    #expect(driver["name"] as? String == "dtmem")
    #expect(driver["semanticVersion"] as? String == "9.9.9")
    let rules = try #require(driver["rules"] as? [[String: Any]])
    #expect(rules.map { $0["id"] as? String } == RuleCatalog.all.map(\.id))
    for rule in rules {
      #expect((rule["shortDescription"] as? [String: String])?["text"]?.isEmpty == false)
      #expect((rule["fullDescription"] as? [String: String])?["text"]?.isEmpty == false)
      let level = (rule["defaultConfiguration"] as? [String: String])?["level"]
      #expect(["error", "warning", "note"].contains(level ?? ""))
    }

    let results = try #require(runs[0]["results"] as? [[String: Any]])
    #expect(results.count == 2)
    let first = results[0]
    #expect(first["ruleId"] as? String == "reserved-overlap")
    #expect(first["level"] as? String == "error")
    #expect((first["message"] as? [String: String])?["text"] == "overlaps \"fw\" by 1 MiB")
    let index = try #require(first["ruleIndex"] as? Int)
    #expect(rules[index]["id"] as? String == "reserved-overlap")
    let location = try #require((first["locations"] as? [[String: Any]])?.first)
    let artifact = (location["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: String]
    #expect(artifact?["uri"] == "boards/my%20board.dtb")
    let logical = try #require((location["logicalLocations"] as? [[String: String]])?.first)
    #expect(logical["fullyQualifiedName"] == "/reserved-memory/shm@50100000")
    #expect(logical["name"] == "shm@50100000")
    #expect(results[1]["level"] as? String == "note")

    let invocation = try #require((runs[0]["invocations"] as? [[String: Any]])?.first)
    #expect(invocation["executionSuccessful"] as? Bool == false)
    #expect((invocation["toolExecutionNotifications"] as? [Any])?.count == 1)
  }

  @Test func failingSeverity() {
    #expect(Self.run.hasFindings(atLeast: .error))
    #expect(
      !ValidationRun(reports: [FileReport(file: "a", findings: [Self.run.reports[0].findings[1]])]).hasFindings(
        atLeast: .warning))
  }
}
