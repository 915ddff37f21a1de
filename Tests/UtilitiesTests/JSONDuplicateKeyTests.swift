import Testing
import Utilities

/// Issue 14: a key twice in one object was resolved silently (the last one won).
@Suite struct JSONDuplicateKeyTests {
  @Test func aRepeatedKeyIsRefusedWhereItRepeats() throws {
    let text = #"{"e820": [], "e820": [{"start": "0x0", "size": "0x1000", "type": "usable"}]}"#
    let error = try #require(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    #expect(error.offset == 13 && error.message == #"duplicate key "e820" in one object"#)
    // Nested objects have their own keys; the same key in two objects is fine.
    _ = try JSONValue.parse(Array(#"{"a": {"k": 1}, "b": {"k": 2}}"#.utf8))
    #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(#"[{"k": 1, "k": 1}]"#.utf8)) }
  }
}
