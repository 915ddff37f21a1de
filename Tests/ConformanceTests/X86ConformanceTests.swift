import BootModel
import FirmwareTables
import Foundation
import KernelParameters
import MemoryModel
import TestSupport
import Testing

/// Replays boots of the real Debian Linux 6.12 and 6.1 x86-64 kernels under QEMU (each case with
/// the kernel its `kernel` field names): the firmware table it
/// printed (`BIOS-e820:`) and the parameters → the table it printed after them (`user:`), line
/// for line; the panics and BUGs it hit before printing it; its other messages about the
/// parameters; and the later failures the model foresees.
///
/// Cases: the shared `conformance/x86-memmap.jsonl`, every `recorded/x86-*.jsonl`, and every
/// `x86-*.jsonl` in `$DTMEM_X86_RECORDED` (a folder; to try a recorder's output before it is
/// merged).
@Suite struct X86ConformanceTests {
  /// The recorder's fixed prefix (tools/record-x86): the kernel saw it before the parameters.
  static let recorderPrefix = "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 "

  static func caseFiles() throws -> [URL] {
    var files = [
      Repository.fixture("conformance/x86-memmap.jsonl"), Repository.fixture("conformance/x86-memmap-6.1.jsonl"),
    ]
    var folders = [Repository.fixture("recorded")]
    if let extra = ProcessInfo.processInfo.environment["DTMEM_X86_RECORDED"], !extra.isEmpty {
      folders.append(URL(fileURLWithPath: extra))
    }
    for folder in folders {
      for name in try Repository.names(in: folder) where name.hasPrefix("x86-") && name.hasSuffix(".jsonl") {
        let url = folder.appendingPathComponent(name)
        if !files.contains(where: { $0.standardizedFileURL.path == url.standardizedFileURL.path }) { files.append(url) }
      }
    }
    return files
  }

  /// Lines the kernel prints that the shared file's `notes` leave out: re-booting these cases
  /// (tools/record-x86 --verify on the x86-recorder branch) shows the oops every time; see its
  /// docs/kernel-findings-x86.md §1.
  static let missingNotes: [String: [String]] = [
    "x86-10010": ["RIP: 0010:sparse_init+0x14a/0x490"], "x86-10018": ["RIP: 0010:sparse_init+0x14a/0x490"],
    "x86-10023": ["RIP: 0010:sparse_init+0x14a/0x490"], "x86-10029": ["RIP: 0010:sparse_init+0x14a/0x490"],
  ]

  /// What one recorded boot says, decoded.
  struct Case {
    var id: String
    var commandLine: String
    var firmware: [String]
    var user: [String]
    var userDefined: Bool
    var notes: [String]
    /// Recorded on to the first panic (`until_panic`), not only to `Kernel command line:`.
    var untilPanic: Bool
    /// The kernel that booted: the case's `kernel` (6.1 or 6.12), 6.12 when it names none.
    var kernel: KernelVersion

    init(_ object: [String: Any]) {
      id = object["id"] as? String ?? "?"
      kernel = (object["kernel"] as? String).flatMap(KernelVersion.init(release:)) ?? .v6_12
      let parameters = object["cmdline"] as? String ?? ""
      notes = object["notes"] as? [String] ?? []
      untilPanic = object["until_panic"] as? Bool ?? false
      notes += X86ConformanceTests.missingNotes[id] ?? []
      let printed = notes.first { $0.hasPrefix("Kernel command line: ") }.map { String($0.dropFirst(21)) }
      commandLine = printed ?? X86ConformanceTests.recorderPrefix + parameters
      firmware = object["bios_e820"] as? [String] ?? []
      user = object["user_e820"] as? [String] ?? []
      userDefined = object["userdef"] as? Bool ?? !user.isEmpty
    }

    func notes(containing text: String) -> [String] {
      notes.filter { $0.contains(text) && !$0.hasPrefix("Kernel command line: ") }
    }
  }

  static func simulate(_ recorded: Case) throws -> BootResult {
    let log = try E820KernelLog.decode(Array(recorded.firmware.joined(separator: "\n").utf8))
    let request = BootRequest(
      .e820(E820Firmware(log.firmwareTable?.entries ?? [])), kernel: recorded.kernel,
      commandLine: BootCommandLine(recorded.commandLine, source: .given("--cmdline")))
    return try Boot.run(request)
  }

  /// Every difference between the recorded boot and the model, one line each.
  static func differences(_ recorded: Case) throws -> [String] {
    var problems: [String] = []
    let result = try simulate(recorded)
    // Where the kernel stopped before printing its map, the model stops with the same words.
    for (line, words) in [
      ("Kernel panic - not syncing: Invalid user supplied memory map", "Invalid user supplied memory map"),
      ("kernel BUG at arch/x86/kernel/e820.c:469!", "kernel BUG at arch/x86/kernel/e820.c:469!"),
    ] where recorded.notes.contains(line) {
      let expected: BootStop.Kind = words.hasPrefix("kernel BUG") ? .bug : .panic
      guard result.stopMessage == words, result.kernelLog.last == line, result.stop?.kind == expected else {
        return [
          "the kernel stopped (\(line)); the model: stop \(String(describing: result.stopMessage)), last line "
            + "\(String(describing: result.kernelLog.last))"
        ]
      }
      if !result.kernelLog.filter({ $0.hasPrefix("user") }).isEmpty {
        problems.append("the model printed a user map before stopping")
      }
      return problems
    }
    if let stop = result.stop, !stop.isAfterMemoryMap, let words = result.stopMessage {
      return ["the kernel printed its maps; the model stopped: \(words)"]
    }
    let log = result.kernelLog
    let firmware = log.filter { $0.hasPrefix("BIOS-e820: ") }
    if firmware != recorded.firmware {
      problems.append("BIOS-e820 lines differ:\n    kernel: \(recorded.firmware)\n    dtmem:  \(firmware)")
    }
    let user = log.filter { $0.hasPrefix("user: ") }
    if user != recorded.user {
      problems.append(
        "user lines differ:\n    kernel: \(recorded.user.joined(separator: "\n            "))\n    dtmem:  "
          + "\(user.joined(separator: "\n            "))"
      )
    }
    if log.contains("user-defined physical RAM map:") != recorded.userDefined {
      problems.append("userdef: kernel \(recorded.userDefined), dtmem \(!recorded.userDefined)")
    }
    // The simulate --format dmesg view is the same table.
    if recorded.userDefined {
      let rendered = result.e820.regions.map { "user: " + E820Dmesg.line($0.range, $0.kind) }
      if rendered != recorded.user { problems.append("BootResult.e820 is not the user map") }
    }
    // Messages about the parameters, in order.
    for marker in [
      "Malformed early option", "mem=nopentium", "crashkernel: ", "crahskernel: ", "crashkernel reservation failed",
      "cannot allocate crashkernel",
    ] {
      let kernel = recorded.notes(containing: marker)
      let model = log.filter { $0.contains(marker) }
      if kernel != model { problems.append("'\(marker)' lines: kernel \(kernel), dtmem \(model)") }
    }
    // Debug lines of the e820 edits (printed to the console when `debug` came first).
    let parameters = KernelCommandLine(recorded.commandLine).parameters
    if let debug = parameters.firstIndex(where: { $0.isNamed("debug") }) {
      let kernel = recorded.notes.filter { $0.hasPrefix("e820: ") }
      let model = log.filter { $0.hasPrefix("e820: ") }
      let memoryEditsBefore = parameters[..<debug].contains { $0.isNamed("memmap") || $0.isNamed("mem") }
      if memoryEditsBefore ? !model.reversed().starts(with: kernel.reversed()) : model != kernel {
        problems.append("e820 debug lines: kernel \(kernel), dtmem \(model)")
      }
    }
    // crashkernel sizes (addresses depend on where KASLR put the kernel).
    for line in recorded.notes
    where line.hasPrefix("crashkernel reserved: ") || line.hasPrefix("crashkernel low memory reserved: ") {
      let megabytes = UInt64(line.split(separator: "(").last!.split(separator: " ").first!)!
      let name = line.hasPrefix("crashkernel low") ? "crashkernel (low)" : "crashkernel"
      let found = result.kernelAllocations.first { $0.name == name }
      if found?.range?.size != megabytes << 20 || found?.status.name != "estimated" {
        problems.append("\(line): dtmem has \(String(describing: found))")
      }
      // A fixed base (@OFFSET) is where the kernel put it.
      let start = line.split(separator: ":", maxSplits: 1)[1].split(separator: " ").first.flatMap {
        UInt64($0.dropFirst(2), radix: 16)
      }
      if name == "crashkernel", recorded.commandLine.contains("crashkernel="),
        recorded.commandLine.split(separator: " ").contains(where: { $0.hasPrefix("crashkernel=") && $0.contains("@") }
        ),
        found?.range?.start != start
      {
        problems.append("\(line): dtmem places it at \(String(describing: found?.range))")
      }
    }
    // 6.1 (reserve_crashkernel(), arch/x86/kernel/setup.c) says "Reserving N MB of [low ]memory at
    // M MB for crashkernel (…)": the lines as the model prints them, the address only where the
    // command line fixes it (elsewhere it depends on where KASLR put the kernel).
    let fixedBase = recorded.commandLine.split(separator: " ").contains {
      $0.hasPrefix("crashkernel=") && $0.contains("@")
    }
    func reserving(_ lines: [String]) -> [String] {
      lines.filter { $0.hasPrefix("Reserving ") && $0.contains("for crashkernel") }.map { line in
        fixedBase && !line.contains("low memory")
          ? line : line.replacingOccurrences(of: #"at \d+MB"#, with: "at ?MB", options: .regularExpression)
      }
    }
    if reserving(recorded.notes) != reserving(log) {
      problems.append("crashkernel lines: kernel \(reserving(recorded.notes)), dtmem \(reserving(log))")
    }
    // Failures after the map that the model foresees.
    let diagnostics = result.diagnostics.map(\.message).joined(separator: "\n")
    let expectations: [(kernel: String, model: String)] = [
      ("alloc_low_pages: can not alloc memory", "alloc_low_pages: can not alloc memory"),
      ("strlen: detected buffer overflow", "strlen: detected buffer overflow"),
      ("RIP: 0010:sparse_init", "in sparse_init"),
    ]
    for (kernel, model) in expectations
    where recorded.notes.contains(where: { $0.contains(kernel) }) != diagnostics.contains(model) {
      problems.append(
        "'\(kernel)': kernel \(recorded.notes.contains { $0.contains(kernel) }), dtmem \(diagnostics.contains(model))")
    }
    // Boots recorded on to their first panic: the model stops after the map exactly where the
    // kernel did (or not at all: without a root file system the kernel ends in the VFS panic).
    if recorded.untilPanic {
      let panic = recorded.notes.first { $0.hasPrefix("Kernel panic - not syncing: ") || $0.hasPrefix("kernel BUG") }
      let modelled = result.stop.map { _ in log.last ?? "" }
      let kernelStop = panic?.contains("VFS: Unable to mount root fs") == true ? nil : panic
      if modelled != kernelStop {
        problems.append("late stop: kernel \(String(describing: panic)), dtmem \(String(describing: modelled))")
      }
      let trampoline = "No sub-1M memory is available for the trampoline"
      if recorded.notes.contains(trampoline) != log.contains(trampoline) {
        problems.append(
          "'\(trampoline)': kernel \(recorded.notes.contains(trampoline)), dtmem \(log.contains(trampoline))")
      }
    }
    return problems
  }

  @Test func everyRecordedBootReplaysExactly() throws {
    var total = 0
    var failures: [String] = []
    var perFile: [String] = []
    for file in try Self.caseFiles() {
      let cases = try Repository.jsonLines(file).map(Case.init)
      var failed = 0
      for recorded in cases {
        let problems = try Self.differences(recorded)
        if !problems.isEmpty {
          failed += 1
          failures.append(
            "\(recorded.id) [\(recorded.commandLine.dropFirst(Self.recorderPrefix.count))]:\n  "
              + problems.joined(separator: "\n  "))
        }
      }
      total += cases.count
      perFile.append("\(file.lastPathComponent): \(cases.count - failed)/\(cases.count)")
    }
    print("x86 conformance: " + perFile.joined(separator: ", "))
    #expect(total >= 40)
    #expect(failures.isEmpty, "\(failures.count) of \(total) boots differ:\n\(failures.joined(separator: "\n"))")
  }
}
