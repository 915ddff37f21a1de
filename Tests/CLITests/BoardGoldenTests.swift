import Foundation
import TestSupport
import Testing

/// Every board in dts/ through the CLI: `show --json` and `to-memmap` against goldens, and the
/// JSON contract's required fields.
@Suite struct BoardGoldenTests {
  static let boards: [String] = {
    Repository.listing(Repository.path("dts")).filter { $0.hasSuffix(".dts") || $0.hasPrefix("<") }
  }()

  @Test func thereAreAtLeastSixBoards() {
    #expect(Self.boards.count >= 6)
  }

  @Test(arguments: boards)
  func showJSONMatchesGolden(board: String) throws {
    let result = try InProcess.run(["show", "dts/\(board)", "--json"])
    #expect(result.status == 0, "\(result.errorText)")
    let failure = Golden.check(result.text, against: board.replacingOccurrences(of: ".dts", with: ".show.json"))
    #expect(failure == nil, "\(failure ?? "")")
    // The contract's fields, with 64-bit values as "0x…" strings.
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
    #expect(object["arch"] as? String == "arm64")
    for field in ["memory", "reserved", "e820"] { #expect(object[field] is [Any], "\(field) missing") }
    for entry in object["memory"] as? [[String: Any]] ?? [] {
      #expect((entry["start"] as? String)?.hasPrefix("0x") == true)
      #expect((entry["size"] as? String)?.hasPrefix("0x") == true)
    }
    let statuses: Set<String> = ["reserved", "allocated", "failed", "disabled", "estimated"]
    for entry in object["reserved"] as? [[String: Any]] ?? [] {
      #expect(statuses.contains(entry["status"] as? String ?? ""))
      #expect(entry["nomap"] is Bool && entry["reusable"] is Bool && entry["name"] is String)
    }
  }

  @Test(arguments: boards)
  func toMemmapMatchesGolden(board: String) throws {
    let result = try InProcess.run(["to-memmap", "dts/\(board)"])
    #expect(result.status == 0, "\(result.errorText)")
    let output = result.text + (result.errorText.isEmpty ? "" : "--- stderr\n" + result.errorText)
    let failure = Golden.check(output, against: board.replacingOccurrences(of: ".dts", with: ".to-memmap.txt"))
    #expect(failure == nil, "\(failure ?? "")")
  }
}
