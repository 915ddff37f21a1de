import Foundation

/// The `dtmem` executable built next to the test bundle.
public enum DTMemBinary {
  public static let url: URL = {
    let bundle =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("dtmem")
  }()

  /// Runs dtmem with `arguments` (from the repository root, so relative paths work).
  public static func run(_ arguments: [String], input: [UInt8]? = nil) throws -> Command.Result {
    try Command.run([url.path] + arguments, input: input, directory: Repository.root)
  }
}

/// Text goldens under Tests/Fixtures/golden. `DTMEM_RECORD_GOLDENS=1 swift test` rewrites them
/// and fails every check it rewrote, so a recording run is never mistaken for a passing one:
/// review the diff, then run the tests again without it.
public enum Golden {
  public static var recording: Bool { ProcessInfo.processInfo.environment["DTMEM_RECORD_GOLDENS"] == "1" }

  /// Nil when `actual` matches the golden file; else what is wrong (also after recording it).
  public static func check(_ actual: String, against name: String) -> String? {
    check(actual, file: Repository.fixture("golden/" + name), recording: recording)
  }

  /// `check(_:against:)` for any file: recording writes `actual` there and fails.
  public static func check(_ actual: String, file url: URL, recording: Bool) -> String? {
    let name = url.lastPathComponent
    if recording {
      do {
        try actual.write(to: url, atomically: true, encoding: .utf8)
      } catch {
        return "could not record \(url.path): \(error)"
      }
      return "recorded \(name) (DTMEM_RECORD_GOLDENS=1): review the diff, then run the tests without it"
    }
    let expected: String
    do {
      expected = try String(contentsOf: url, encoding: .utf8)
    } catch {
      return "no golden file \(url.path) (\(error)); record it with DTMEM_RECORD_GOLDENS=1 swift test"
    }
    guard expected != actual else { return nil }
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let index = Array(zip(a, b)).firstIndex { $0 != $1 } ?? min(a.count, b.count)
    return
      "\(name) differs at line \(index + 1):\n  expected: \(index < a.count ? String(a[index]) : "<end>")\n  actual:   "
      + "\(index < b.count ? String(b[index]) : "<end>")"
  }
}
