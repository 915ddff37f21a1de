import Foundation
import Testing
import Utilities

/// Every string dtmem writes as JSON is valid JSON that a terminal cannot be steered by: controls
/// (C0, DEL, C1) as `\u` escapes, a byte of a non-UTF-8 name as the text `\xff` (issue 14).
@Suite struct JSONStringEscapingTests {
  @Test func controlsAndRawBytesBecomeValidJSON() throws {
    let name = PathBytes.decode([0x6f, 0xff, 0x7f, 0x1b]) + "\u{9b}é"
    let text = JSONValue.array([.string(name)]).renderedCompact()
    #expect(text == #"["o\\xff\u007f\u001b\u009bé"]"#)
    let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
    #expect(decoded == ["o\\xff\u{7f}\u{1b}\u{9b}é"])
    // What dtmem's own reader makes of it is the same text.
    #expect(try JSONValue.parse(Array(text.utf8)) == .array([.string("o\\xff\u{7f}\u{1b}\u{9b}é")]))
  }
}
