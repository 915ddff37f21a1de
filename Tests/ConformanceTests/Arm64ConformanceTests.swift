import BootModel
import DeviceTree
import Firmware
import Foundation
import MemoryModel
import TestSupport
import Testing

/// Replays boots of the real Debian Linux 6.12 arm64 kernel under QEMU: the blob the kernel
/// received, the parameters, and what QEMU's loader occupied → every line the kernel printed
/// about reserved memory and memory ranges must come out of the model, in order.
@Suite struct Arm64ConformanceTests {
  static let files = ["conformance/arm64-reserved-memory.jsonl"]

  static func cases() throws -> [[String: Any]] {
    try files.flatMap { try Repository.jsonLines(Repository.fixture($0)) }
  }

  @Test func everyRecordedBootReplaysExactly() throws {
    let cases = try Self.cases()
    #expect(cases.count >= 40)
    var mismatches: [String] = []
    for recorded in cases {
      let id = recorded["id"] as? String ?? "?"
      let (_, board) = try DTC.board(source: recorded["dts"] as! String)
      let loader = (recorded["loader_reserved"] as? [[String: String]] ?? []).map { entry in
        LoaderReservation(
          range: PhysicalRange(start: UInt64(entry["start"]!.dropFirst(2), radix: 16)!, size: UInt64(entry["size"]!.dropFirst(2), radix: 16)!)!,
          label: entry["what"])
      }
      let commandLine = recorded["cmdline"] as? String ?? ""
      let configuration = Arm64BootConfiguration(
        board: board, commandLine: KernelCommandLine(board.chosen?.bootargs ?? commandLine),
        commandLineSource: "/chosen/bootargs", loaderReservations: loader)
      let result = try Arm64Boot.simulate(configuration)
      let expected = (recorded["lines"] as! [String]).filter { !$0.hasPrefix("Kernel command line:") }
      if result.kernelLog != expected {
        mismatches.append("\(id):\n  kernel: \(expected.joined(separator: "\n          "))\n  dtmem:  \(result.kernelLog.joined(separator: "\n          "))")
      }
      // Every region the kernel printed is in the result at that address with those flags.
      for line in expected where line.hasPrefix("OF: reserved mem: 0x") {
        let fields = line.split(separator: " ")
        let bounds = fields[3].split(separator: ".", omittingEmptySubsequences: true)
        let start = UInt64(bounds[0].dropFirst(2), radix: 16)!
        let name = String(fields[8])
        let match = result.reservations.first { $0.name == name && $0.range?.start == start }
        #expect(match != nil, "\(id): \(name) at \(bounds[0]) missing from reservations")
        #expect(match?.noMap == (fields[6] == "nomap"), "\(id): \(name) nomap flag")
      }
      // Exactly the failed nodes fail.
      for line in expected where line.contains("failed to allocate memory for node") {
        let name = line.split(separator: "'")[1]
        #expect(result.reservations.contains { $0.name == name && $0.status.name == "failed" }, "\(id): \(name) should fail")
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) boots differ:\n\(mismatches.joined(separator: "\n"))")
  }
}
