import Foundation
import TestSupport

@testable import dtmem

/// dtmem run inside the test process (`DTMem.run` with its own standard input), its files
/// written as the process writes them: the same result as `DTMemBinary.run` without spawning.
/// Process-level behaviour (exit status, standard input, atomic `-o`) is tested with
/// `DTMemBinary`.
enum InProcess {
  /// Relative paths in the tests are relative to the repository, as for `DTMemBinary`.
  static let inRepository: Bool = FileManager.default.changeCurrentDirectoryPath(Repository.root.path)

  /// `terminal`: what standard output pretends to be (none: a pipe).
  static func run(
    _ words: [String], input: [UInt8]? = nil, terminal: Terminal? = nil
  ) throws -> TestSupport.Command.Result {
    guard inRepository else { throw TestFailure("cannot change to \(Repository.root.path)") }
    let output = DTMem.run(words, environment: .testing(standardInput: input ?? [], terminal: terminal)).writingFiles()
    return TestSupport.Command.Result(
      status: output.status, standardOutput: output.standardOutput, standardError: Array(output.standardError.utf8))
  }
}
