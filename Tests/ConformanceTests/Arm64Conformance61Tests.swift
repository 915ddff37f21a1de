import BootModel
import DeviceTree
import Foundation
import KernelParameters
import MemoryModel
import TestSupport
import Testing

/// Replays boots of Debian's Linux 6.1 arm64 kernel (`linux-image-6.1.0-50-arm64`, 6.1.176) under
/// QEMU `virt`, booted with `memblock=debug rodata=on`: 6.1 prints no line per region, so memblock's
/// own trace is the truth. Every case is simulated with `--kernel 6.1` and must match:
/// - `rmem_allocs`: every dynamic-region allocation attempt, in the kernel's order — the model's
///   dynamic regions in the order it reports them, with their sizes, alignments, windows and
///   addresses (failed: no address);
/// - `static_reserves`: the `memblock_reserve` calls of the scan (`/memreserve/`, static `reg`);
/// - `memblock_memory`: memory after boot, and exactly its no-map (0x4) parts no-map;
/// - `lines`: every line the kernel printed that the model prints exactly, in order (pools,
///   initialised nodes, failures, NUMA, node ranges).
///
/// Cases: the shared `conformance/arm64-reserved-memory-6.1.jsonl` and every `recorded/*.jsonl`
/// line whose `kernel` is 6.1 on arm64 (device-tree boots), plus `$DTMEM_ARM64_61_RECORDED`
/// (a folder, to try a recorder's output before it is committed).
@Suite struct Arm64Conformance61Tests {
  static func cases() throws -> [[String: Any]] {
    var files = [Repository.fixture("conformance/arm64-reserved-memory-6.1.jsonl")]
    var folders = [Repository.fixture("recorded")]
    if let extra = ProcessInfo.processInfo.environment["DTMEM_ARM64_61_RECORDED"], !extra.isEmpty {
      folders.append(URL(fileURLWithPath: extra))
    }
    for folder in folders {
      for name in try Repository.names(in: folder)
      where name.hasPrefix("arm64-") && !name.contains("uefi") && name.hasSuffix(".jsonl") {
        files.append(folder.appendingPathComponent(name))
      }
    }
    return try files.flatMap { try Repository.jsonLines($0) }.filter { ($0["kernel"] as? String) == "6.1" }
  }

  /// Lines outside the model (the command line echo, parameters passed to init), and those it
  /// only estimates (`NODE_DATA` and the default CMA area are placed after the page tables).
  static let unmodelled = [
    "Kernel command line", "Unknown kernel command line", "Memory Limit", "CPU features",
    // a crash (mem= too small to back the memory map: free_area_init() oopses mid-list)
    "Unable to handle kernel", "Internal error:", "Kernel panic - not syncing: Attempted to kill",
  ]
  static let estimated = ["NUMA: NODE_DATA", "cma:", "crashkernel", "cannot allocate crashkernel"]

  static func hex(_ text: String) -> UInt64 { UInt64(text.dropFirst(2), radix: 16)! }

  static func simulate(_ recorded: [String: Any]) throws -> BootResult {
    let (_, board) = try DTC.board(source: recorded["dts"] as! String)
    let loader = (recorded["loader_reserved"] as? [[String: String]] ?? []).map { entry in
      LoaderReservation(
        range: PhysicalRange(start: hex(entry["start"]!), size: hex(entry["size"]!))!, label: entry["what"])
    }
    // What the kernel ran with: its own echo when recorded, else the tree's bootargs and the
    // `memblock=debug rodata=on` every 6.1 boot is recorded with (QEMU's dumped tree lacks it).
    let printed = (recorded["lines"] as? [String] ?? []).first { $0.hasPrefix("Kernel command line: ") }
    let bootargs = BootCommandLine.bootargs(of: board)?.text ?? (recorded["cmdline"] as? String ?? "")
    var text = printed.map { String($0.dropFirst("Kernel command line: ".count)) } ?? bootargs
    if !text.contains("rodata=") {
      text += (text.hasSuffix(" ") || text.isEmpty ? "" : " ") + "memblock=debug rodata=on"
    }
    let commandLine = BootCommandLine(text, source: .given("recorded"))
    // Debian builds 6.1 for arm64 with 4K pages only.
    let request = BootRequest(.deviceTree(board), kernel: .v6_1, commandLine: commandLine, loaderReservations: loader)
    return try Boot.run(request)
  }

  /// The allocation attempts the model's dynamic regions stand for, in the trace's words.
  static func attempts(_ result: BootResult) -> [String] {
    var lines: [String] = []
    for region in result.reservations where region.origin == .dynamicRegion {
      guard let size = region.requestedSize, let align = region.alignment else { continue }
      // A region placed and then refused by its handler keeps its range; one never placed has none.
      let placed = region.range
      func attempt(_ from: UInt64, _ max: UInt64, _ start: UInt64?) -> String {
        "size \(Hex.short(size)) align \(Hex.short(align)) in [\(Hex.padded(from)), \(Hex.padded(max))) → "
          + (start.map(Hex.padded) ?? "failed")
      }
      if region.allocRanges.isEmpty {
        lines.append(attempt(0, UInt64.max, placed?.start))
        continue
      }
      for window in region.allocRanges {
        let end = window.address &+ window.size
        if let placed, placed.start >= window.address, placed.end <= UInt128(end) {
          lines.append(attempt(window.address, end, placed.start))
          break
        }
        lines.append(attempt(window.address, end, nil))
      }
    }
    return lines
  }

  static func differences(_ recorded: [String: Any]) throws -> [String] {
    let result = try simulate(recorded)
    var problems: [String] = []
    // A boot whose early messages the kernel dropped (`** N printk messages dropped **`: the
    // page-by-page linear map of a crashkernel= boot fills the log before earlycon starts) has
    // no scan trace and no early lines: only its memory is compared here (its default CMA and
    // crashkernel lines, printed later, are by the tests below).
    let dropped = recorded["log_dropped"] as? Bool == true
    func compare(_ what: String, _ kernel: [String], _ model: [String]) {
      guard kernel != model else { return }
      problems.append(
        "\(what):\n    kernel: \(kernel.joined(separator: "\n            "))\n    dtmem:  "
          + model.joined(separator: "\n            "))
    }
    // Dynamic regions: the order, sizes, alignments, windows and addresses of every attempt.
    let kernelAttempts = (recorded["rmem_allocs"] as? [[String: Any]] ?? []).map { attempt in
      let start = (attempt["start"] as? String).map { Hex.padded(hex($0)) } ?? "failed"
      let (from, max) = (hex(attempt["from"] as! String), hex(attempt["max"] as! String))
      return "size \(Hex.short(hex(attempt["size"] as! String))) align \(Hex.short(hex(attempt["align"] as! String))) "
        + "in [\(Hex.padded(from)), \(Hex.padded(max))) → \(start)"
    }
    if !dropped { compare("rmem_allocs", kernelAttempts, attempts(result)) }
    // The scan's memblock_reserve calls: /memreserve/ first, then static regions in tree order,
    // then linux,elfcorehdr (fdt_reserve_elfcorehdr() is inlined into the scan; not when overlapped).
    let kernelReserves = (recorded["static_reserves"] as? [[String: String]] ?? []).map {
      "\(Hex.padded(hex($0["start"]!)))-\(Hex.padded(hex($0["end"]!)))"
    }
    let modelReserves = result.reservations.filter { r in
      (r.origin == .memoryReservationBlock || (r.origin == .staticRegion && !r.noMap))
        && (r.range?.size ?? 0) != 0 && r.status.name != "disabled"
        && !(r.origin == .staticRegion && r.status.reason?.contains("reg is") == true)
        || (r.origin == .elfCoreHeader && r.status.name == "reserved")
    }.compactMap { $0.range.map { "\(Hex.padded($0.start))-\(Hex.padded($0.last))" } }
    if !dropped { compare("static_reserves", kernelReserves, modelReserves) }
    // Memory after boot, its no-map parts marked (a boot that crashed before bootmem_init()'s
    // MEMBLOCK dump has none).
    let reachedEnd = recorded["reached_end"] as? Bool != false
    if let memory = recorded["memblock_memory"] as? [[String: String]], reachedEnd || !memory.isEmpty {
      let kernelMemory = Self.merged(
        memory.map { (hex($0["start"]!), hex($0["end"]!), hex($0["flags"]!) & 0x4 != 0) })
      let modelMemory = Self.merged(result.memory.map { ($0.range.start, $0.range.last, $0.noMap) })
      compare("memblock memory", kernelMemory, modelMemory)
    }
    // The printed lines the model prints exactly, in order.
    let keep = { (line: String) -> Bool in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      return !Self.unmodelled.contains { trimmed.hasPrefix($0) } && !Self.estimated.contains { trimmed.hasPrefix($0) }
    }
    let kernelLines = (recorded["lines"] as? [String] ?? []).filter(keep)
    var modelLines = result.kernelLog.filter(keep)
    if recorded["reached_end"] as? Bool == false { modelLines = Array(modelLines.prefix(kernelLines.count)) }
    if !dropped { compare("lines", kernelLines, modelLines) }
    // Exactly the nodes the kernel failed fail.
    for line in kernelLines where line.contains("failed to allocate memory for node") {
      let name = String(line.split(separator: "'")[1])
      if !result.reservations.contains(where: { $0.name == name && $0.status.name == "failed" }) {
        problems.append("\(name) should fail")
      }
    }
    return problems
  }

  /// Adjacent ranges with the same no-map flag merged (the trace and the model split memory at
  /// node boundaries alike, but merging keeps the comparison about flags and extent).
  static func merged(_ ranges: [(UInt64, UInt64, Bool)]) -> [String] {
    var out: [(UInt64, UInt64, Bool)] = []
    for range in ranges.sorted(by: { $0.0 < $1.0 }) {
      if let last = out.last, last.2 == range.2, last.1 &+ 1 == range.0 {
        out[out.count - 1].1 = range.1
      } else {
        out.append(range)
      }
    }
    return out.map { "\(Hex.padded($0.0))-\(Hex.padded($0.1))\($0.2 ? " nomap" : "")" }
  }

  @Test func everyRecorded61BootReplaysExactly() throws {
    let cases = try Self.cases()
    #expect(cases.count >= 40)
    var failures: [String] = []
    for recorded in cases {
      let problems = try Self.differences(recorded)
      if !problems.isEmpty {
        failures.append("\(recorded["id"] as? String ?? "?"):\n  " + problems.joined(separator: "\n  "))
      }
    }
    print("arm64 6.1 conformance: \(cases.count - failures.count)/\(cases.count)")
    #expect(failures.isEmpty, "\(failures.count) of \(cases.count) boots differ:\n\(failures.joined(separator: "\n"))")
  }

  /// The default CMA area is placed after the kernel's own allocations (estimated); where a
  /// recorder kept its line, the prediction must be exact (203/203 recorded boots).
  @Test func theDefaultCMAEstimateIsExact() throws {
    var (hits, total) = (0, 0)
    var misses: [String] = []
    for recorded in try Self.cases() {
      guard let line = (recorded["lines"] as? [String] ?? []).first(where: { $0.hasPrefix("cma: Reserved") }) else {
        continue
      }
      total += 1
      let predicted = try Self.simulate(recorded).kernelLog.first { $0.hasPrefix("cma: Reserved") }
      if predicted == line {
        hits += 1
      } else {
        misses.append("\(recorded["id"] ?? "?"): \(line) / \(predicted ?? "none")")
      }
    }
    print("arm64 6.1 default CMA: \(hits)/\(total) exact")
    #expect(total >= 1)
    #expect(total >= 203 && hits == total, "default CMA exact in \(hits)/\(total):\n\(misses.joined(separator: "\n"))")
  }

  /// `crashkernel=` on 6.1 (`reserve_crashkernel()`, arch/arm64/mm/init.c): where a boot printed
  /// what became of it, the model prints the same — the address (placed after the kernel's early
  /// allocations, so a prediction) and the failures, in 6.1's words.
  @Test func crashkernelLinesAreExact() throws {
    let isCrashLine = { (line: String) in line.hasPrefix("crashkernel") || line.hasPrefix("cannot allocate crashkernel")
    }
    var (checked, misses) = (0, [String]())
    for recorded in try Self.cases() {
      let kernel = (recorded["lines"] as? [String] ?? []).filter(isCrashLine)
      let cmdline = (recorded["lines"] as? [String] ?? []).first { $0.hasPrefix("Kernel command line: ") } ?? ""
      guard !kernel.isEmpty || cmdline.contains("crashkernel=") else { continue }
      checked += 1
      let model = try Self.simulate(recorded).kernelLog.filter(isCrashLine)
      if model != kernel { misses.append("\(recorded["id"] ?? "?"): kernel \(kernel) / dtmem \(model)") }
    }
    print("arm64 6.1 crashkernel: \(checked - misses.count)/\(checked) exact")
    #expect(checked >= 10)
    #expect(misses.isEmpty, "crashkernel lines differ:\n\(misses.joined(separator: "\n"))")
  }
}
