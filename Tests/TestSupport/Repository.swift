import DeviceTree
import Foundation
import MemoryModel

/// Paths and tools the tests share.
public enum Repository {
  /// The package root, found from this file's location (works in any clone).
  public static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  public static func path(_ relative: String) -> URL { root.appendingPathComponent(relative) }

  /// `Tests/Fixtures/…`.
  public static func fixture(_ relative: String) -> URL { path("Tests/Fixtures/" + relative) }

  /// The names in `folder`, sorted; a folder that cannot be read is an error, never an empty list.
  public static func names(in folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  }

  /// `names(in:)` where a test cannot throw (a suite's `static let`, `@Test(arguments:)`): a
  /// folder that cannot be read gives one name saying so, which names no file, so every test that
  /// uses the list fails on it instead of running on nothing.
  public static func listing(_ folder: URL) -> [String] {
    do {
      return try names(in: folder)
    } catch {
      return ["<cannot list \(folder.path): \(error)>"]
    }
  }

  /// One JSON object per line.
  public static func jsonLines(_ url: URL) throws -> [[String: Any]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").filter { !$0.isEmpty }.map { line in
      guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
        throw TestFailure("not a JSON object: \(line.prefix(80))")
      }
      return object
    }
  }
}

public struct TestFailure: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// dtc, run the way the tests need it.
public enum DTC {
  /// Compiles device tree source text to a blob.
  public static func compile(source: String) throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = directory.appendingPathComponent("in.dts")
    try source.write(to: input, atomically: true, encoding: .utf8)
    return try compile(file: input)
  }

  /// Compiles a .dts file to a blob.
  public static func compile(file: URL) throws -> [UInt8] {
    let result = try Command.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-", file.path])
    guard result.status == 0 else {
      throw TestFailure("dtc failed on \(file.path): \(String(decoding: result.standardError, as: UTF8.self))")
    }
    return result.standardOutput
  }

  /// A compiled, checked blob and its memory facts.
  public static func board(source: String) throws -> (FlatDeviceTree, BoardMemory) {
    let tree = try FlatDeviceTree(bytes: compile(source: source))
    return (tree, try tree.boardMemory())
  }
}

/// Runs a program and collects its output.
public enum Command {
  public struct Result {
    public var status: Int32
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]

    public init(status: Int32, standardOutput: [UInt8], standardError: [UInt8]) {
      self.status = status
      self.standardOutput = standardOutput
      self.standardError = standardError
    }

    public var text: String { String(decoding: standardOutput, as: UTF8.self) }
    public var errorText: String { String(decoding: standardError, as: UTF8.self) }
  }

  public static func run(
    _ arguments: [String], input: [UInt8]? = nil, environment: [String: String]? = nil, directory: URL? = nil
  ) throws -> Result {
    let process = Process()
    if let directory { process.currentDirectoryURL = directory }
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let environment { process.environment = environment }
    // Files for stdin and stderr, a pipe for stdout: nothing can fill up and block.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-cmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let errHandle = try FileHandle(forWritingTo: errURL)
    defer { try? errHandle.close() }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = errHandle
    if let input {
      let inURL = scratch.appendingPathComponent("stdin")
      try Data(input).write(to: inURL)
      process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
      process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = try Data(contentsOf: errURL)
    return Result(status: process.terminationStatus, standardOutput: [UInt8](outData), standardError: [UInt8](errData))
  }
}
