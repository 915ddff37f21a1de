import Foundation
import TestSupport
import Testing

/// The helpers the other tests lean on can fail: a golden that differs or is missing fails, a
/// recording run writes the file and still fails, an unreadable fixture folder is not empty.
@Suite struct TestHelperTests {
  static func scratch() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-helpers-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  @Test func aGoldenMatchesOnlyItsOwnText() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("board.txt")
    try "one\ntwo\n".write(to: file, atomically: true, encoding: .utf8)
    #expect(Golden.check("one\ntwo\n", file: file, recording: false) == nil)
    let mismatch = Golden.check("one\nthree\n", file: file, recording: false)
    #expect(mismatch?.contains("board.txt differs at line 2") == true, "\(mismatch ?? "nil")")
    #expect(mismatch?.contains("expected: two") == true && mismatch?.contains("actual:   three") == true)
    #expect(Golden.check("one\ntwo", file: file, recording: false) != nil)
    let missing = Golden.check("x", file: directory.appendingPathComponent("none.txt"), recording: false)
    #expect(missing?.contains("no golden file") == true)
  }

  @Test func reRecordingWritesTheFileAndFails() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("board.txt")
    try "old\n".write(to: file, atomically: true, encoding: .utf8)
    let recorded = Golden.check("new\n", file: file, recording: true)
    #expect(recorded?.contains("recorded board.txt") == true, "\(recorded ?? "nil")")
    #expect(try String(contentsOf: file, encoding: .utf8) == "new\n")
    // Also when nothing changed, and for a file that did not exist.
    #expect(Golden.check("new\n", file: file, recording: true) != nil)
    let fresh = directory.appendingPathComponent("fresh.txt")
    #expect(Golden.check("fresh\n", file: fresh, recording: true) != nil)
    #expect(try String(contentsOf: fresh, encoding: .utf8) == "fresh\n")
    // A golden that cannot be written is a failure too.
    let unwritable = directory.appendingPathComponent("missing-folder/board.txt")
    #expect(Golden.check("x", file: unwritable, recording: true)?.contains("could not record") == true)
  }

  @Test func anUnreadableFolderIsNeverAnEmptyList() throws {
    let missing = Repository.path("Tests/Fixtures/no-such-folder")
    #expect(throws: (any Error).self) { try Repository.names(in: missing) }
    let listing = Repository.listing(missing)
    #expect(listing.count == 1 && listing[0].hasPrefix("<cannot list"))
    #expect(!FileManager.default.fileExists(atPath: Repository.path("dts").appendingPathComponent(listing[0]).path))
    #expect(try Repository.names(in: Repository.path("dts")).contains("cma-carveouts.dts"))
  }
}
