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

/// Text goldens under Tests/Fixtures/golden. `DTMEM_RECORD_GOLDENS=1 swift test` rewrites them.
public enum Golden {
  public static var recording: Bool { ProcessInfo.processInfo.environment["DTMEM_RECORD_GOLDENS"] == "1" }

  /// Nil when `actual` matches the golden file (or it was just recorded); else a description.
  public static func check(_ actual: String, against name: String) -> String? {
    let url = Repository.fixture("golden/" + name)
    if recording {
      try? actual.write(to: url, atomically: true, encoding: .utf8)
      return nil
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
      return "no golden file \(url.path); record it with DTMEM_RECORD_GOLDENS=1 swift test"
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
