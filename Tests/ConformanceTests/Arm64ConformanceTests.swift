import BootModel
import DeviceTree
import Foundation
import KernelParameters
import MemoryModel
import TestSupport
import Testing

/// Replays boots of the real Debian Linux 6.12.100 arm64 kernel under QEMU `virt`: the blob the
/// kernel received, the parameters, and what QEMU's loader occupied → every line the kernel
/// printed about reserved memory, memory ranges and NUMA must come out of the model, in order.
/// Lines the model only estimates (the default CMA area, crashkernel, reserve_mem=) are checked
/// for accuracy separately.
@Suite struct Arm64ConformanceTests {
  /// The 40 shared cases, and those recorded with tools/record-arm64 (device-tree boots; the
  /// arm64-uefi-* boots went through the EFI stub: Arm64UEFIConformanceTests replays them).
  static let files: [URL] = {
    let recorded = Repository.fixture("recorded")
    let names = Repository.listing(recorded)
    return [Repository.fixture("conformance/arm64-reserved-memory.jsonl")]
      + names.filter {
        ($0.hasPrefix("arm64-") && !$0.hasPrefix("arm64-uefi-") && $0.hasSuffix(".jsonl")) || $0.hasPrefix("<")
      }
      .map { recorded.appendingPathComponent($0) }
  }()

  /// Kernel lines outside the model: the command line echo and crash dumps.
  static let unmodelled = [
    "Kernel command line", "Unknown kernel command line", "Internal error", "Unable to handle", "Mem abort",
    "Modules linked", "CPU:", "Hardware name", "pstate", "pc :", "lr :", "sp :", "Call trace", "Code:", "---[",
    "------------[", "WARNING:", "Kernel panic - not syncing: Attempted to kill", "Kernel Offset", "PHYS_OFFSET",
    "CPU features", "Memory Limit", "Rebooting",
  ]
  static let estimated = ["cma:", "crashkernel", "cannot allocate crashkernel"]

  struct Replay {
    var id: String
    var recorded: [String: Any]
    var result: BootResult
    var expected: [String]
  }

  static func replay(_ recorded: [String: Any]) throws -> Replay {
    let (_, board) = try DTC.board(source: recorded["dts"] as! String)
    let loader = (recorded["loader_reserved"] as? [[String: String]] ?? []).map { entry in
      LoaderReservation(
        range: PhysicalRange(
          start: UInt64(entry["start"]!.dropFirst(2), radix: 16)!, size: UInt64(entry["size"]!.dropFirst(2), radix: 16)!
        )!,
        label: entry["what"])
    }
    let commandLine =
      BootCommandLine.bootargs(of: board)
      ?? BootCommandLine(recorded["cmdline"] as? String ?? "", source: .given("cmdline"))
    // Boots of the 16K-page kernel (linux-image-6.12.100+deb12-arm64-16k) say so.
    let pageSize: PageSize = recorded["page_size"] as? String == "16K" ? .size16K : .size4K
    let request = BootRequest(
      .deviceTree(board), commandLine: commandLine, pageSize: pageSize, loaderReservations: loader)
    let expected = (recorded["lines"] as! [String]).filter { line in
      !unmodelled.contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) }
        && !line.trimmingCharacters(in: .whitespaces).hasPrefix("x")
    }
    return Replay(
      id: recorded["id"] as? String ?? "?", recorded: recorded, result: try Boot.run(request), expected: expected)
  }

  /// The 6.12 boots (cases of other kernels replay in their own suites, e.g. Arm64Conformance61Tests).
  static func cases() throws -> [[String: Any]] {
    try files.flatMap { try Repository.jsonLines($0) }.filter { ($0["kernel"] as? String ?? "6.12") == "6.12" }
  }

  @Test func everyRecordedBootReplaysExactly() throws {
    let cases = try Self.cases()
    #expect(cases.count >= 40)
    var mismatches: [String] = []
    for recorded in cases {
      let replay = try Self.replay(recorded)
      let exact = { (lines: [String]) in
        lines.filter { l in !Self.estimated.contains { l.hasPrefix($0) } && !l.hasPrefix("Kernel panic") }
      }
      var got = exact(replay.result.kernelLog)
      let want = exact(replay.expected)
      if recorded["reached_end"] as? Bool == false {
        // The kernel stopped (a predicted panic, or QEMU not backing RAM the tree adds): what it
        // printed must be where the model's log begins.
        got = Array(got.prefix(want.count))
      }
      if got != want {
        mismatches.append(
          "\(replay.id):\n  kernel: \(want.joined(separator: "\n          "))\n  dtmem:  "
            + "\(got.joined(separator: "\n          "))"
        )
      }
      if let panic = replay.expected.first(where: { $0.hasPrefix("Kernel panic - not syncing: stack-protector") }) {
        #expect(
          replay.result.stopMessage.map { panic.contains($0) } == true,
          "\(replay.id): the model should predict \(panic)")
      }
      // Every region the kernel printed is in the result at that address with those flags.
      for line in replay.expected where line.hasPrefix("OF: reserved mem: 0x") {
        let fields = line.split(separator: " ")
        let bounds = fields[3].split(separator: ".", omittingEmptySubsequences: true)
        let start = UInt64(bounds[0].dropFirst(2), radix: 16)!
        let name = String(fields[8])
        let match = replay.result.reservations.first { $0.name == name && $0.range?.start == start }
        #expect(match != nil, "\(replay.id): \(name) at \(bounds[0]) missing from reservations")
        #expect(match?.noMap == (fields[6] == "nomap"), "\(replay.id): \(name) nomap flag")
      }
      // Exactly the failed nodes fail.
      for line in replay.expected where line.contains("failed to allocate memory for node") {
        let name = line.split(separator: "'")[1]
        #expect(
          replay.result.reservations.contains { $0.name == name && $0.status.name == "failed" },
          "\(replay.id): \(name) should fail")
      }
    }
    #expect(
      mismatches.isEmpty,
      "\(mismatches.count) of \(cases.count) boots differ:\n\(mismatches.prefix(5).joined(separator: "\n"))")
  }

  /// The default CMA area and reserve_mem= are placed after allocations the model estimates;
  /// this keeps the estimates honest: the CMA base exact in every recorded boot (495), reserve_mem=
  /// in at least 85% (95/102 on 2026-12-03).
  @Test func estimatedPlacementsAreMostlyExact() throws {
    var cma = (hits: 0, total: 0)
    var reserveMem = (hits: 0, total: 0)
    var reserveMemMisses: [String] = []
    for recorded in try Self.cases() {
      let replay = try Self.replay(recorded)
      if let line = replay.expected.first(where: { $0.hasPrefix("cma: Reserved") }) {
        cma.total += 1
        let predicted = replay.result.kernelAllocations.first { $0.origin == .defaultCMA }?.range?.start
        if let predicted, line.contains("at \(Hex.padded(predicted)) ") { cma.hits += 1 }
      }
      let kernel = recorded["reserve_mem"] as? [[String]] ?? []
      let model = replay.result.reservations.filter { $0.origin == .reserveMemParameter }
      for (placed, predicted) in zip(kernel, model) {
        reserveMem.total += 1
        if predicted.range.map({ Hex.padded($0.start) }) == placed[0] {
          reserveMem.hits += 1
        } else {
          reserveMemMisses.append(recorded["id"] as? String ?? "?")
        }
      }
    }
    print("arm64 6.12 default CMA: \(cma.hits)/\(cma.total) exact; reserve_mem: \(reserveMem.hits)/\(reserveMem.total)")
    #expect(cma.total >= 495 && cma.hits == cma.total, "default CMA base exact in \(cma.hits)/\(cma.total)")
    #expect(
      reserveMem.total >= 8 && reserveMem.hits * 100 >= reserveMem.total * 85,
      "reserve_mem exact in \(reserveMem.hits)/\(reserveMem.total)")
    // The known reserve_mem= misses, by id: a new miss or a fixed one fails here (update the list).
    // In every one the kernel's block is lower than the model's, i.e. start_kernel() took more from
    // the top before parse_args() than the model counts (setup_command_line(), per-cpu areas, ...).
    // (rec-0229, -0230, -0233, -0234 were 1 page lower: the vmemmap page tables the KASLR seed
    // decides, now modelled — see kaslrSeedDecidesTheVmemmapPageTables below.)
    // - arm64-10031: 2 pages (4K) lower. No trace.
    // - arm64-rec-0220: 4 pages lower (no-map 1 MiB holes: the linear map's page tables). No trace.
    // - arm64-rnd-0113: 1 page lower; its memblock=debug trace (arm64-kaslr-vmemmap.memblock.log)
    //   has the 2 vmemmap table pages the model counts, so the page is another allocation.
    // - arm64-16k-rnd-0021, -0029, -0043: 0x9c000 (39 16K pages) lower.
    // - arm64-16k-rnd-0039: 1 MiB lower (16M:1M alignment; same 16K shortfall rounded to 1 MiB).
    #expect(
      reserveMemMisses.sorted() == [
        "arm64-10031", "arm64-16k-rnd-0021", "arm64-16k-rnd-0029", "arm64-16k-rnd-0039", "arm64-16k-rnd-0043",
        "arm64-rec-0220", "arm64-rnd-0113",
      ], "reserve_mem misses: \(reserveMemMisses)")
  }

  /// The KASLR seed moves the memory map in virtual space and so decides how many page tables
  /// `vmemmap_populate()` allocates (`__earlyonly_bootmem_alloc`, one page each). Recorded with
  /// memblock=debug (tools/record-arm64 --debug-boot re-running the stored cases' specs;
  /// recorded/arm64-kaslr-vmemmap.memblock.log holds the trace from sparse_init to reserve_mem):
  /// seed 0x…f5e4 on 2G needs 1 (PMD table; the fixmap's PUD table covers that 512 GiB), the others 2
  /// (PMD and PUD). The reserve_mem= block in each trace is where the stored case has it, and the
  /// model puts it there too (except arm64-rnd-0113, a known miss by one other page).
  @Test func kaslrSeedDecidesTheVmemmapPageTables() throws {
    let text = try String(contentsOf: Repository.fixture("recorded/arm64-kaslr-vmemmap.memblock.log"), encoding: .utf8)
    var traces: [String: [Substring]] = [:]
    var current = ""
    for line in text.split(separator: "\n") {
      if line.hasPrefix("== ") {
        current = String(line.dropFirst(3))
      } else {
        traces[current, default: []].append(line)
      }
    }
    let tablePages = traces.mapValues { $0.filter { $0.contains("__earlyonly_bootmem_alloc") }.count }
    #expect(
      tablePages == [
        "arm64-rec-0151": 1, "arm64-rec-0234": 2, "arm64-rec-0159": 2, "arm64-rec-0229": 2, "arm64-rec-0233": 2,
        "arm64-rnd-0113": 2,
      ])
    let cases = try Self.cases().filter { traces[$0["id"] as? String ?? ""] != nil }
    #expect(cases.count == traces.count)
    for recorded in cases {
      let id = recorded["id"] as! String
      let lines = traces[id]!
      let at = try #require(lines.firstIndex { $0.contains("reserve_mem+") })
      let placed = String(lines[at + 1].split(separator: "[")[1].split(separator: "-")[0])
      let stored = (recorded["reserve_mem"] as! [[String]])[0][0]
      #expect(placed == stored, "\(id): trace \(placed), stored case \(stored)")
      let model = try Self.replay(recorded).result.reservations.first { $0.origin == .reserveMemParameter }
      let predicted = model?.range.map { Hex.padded($0.start) }
      #expect(
        (predicted == stored) == (id != "arm64-rnd-0113"), "\(id): model \(predicted ?? "none"), kernel \(stored)")
    }
  }
}

/// `reserve_mem=` with an alignment that is not a power of two (issue 12): recorded on a real
/// boot (arm64-rec-rmem-npot, memblock=debug), the kernel takes it as it is, and its
/// `round_down()` masks with `align - 1`, so `1M:3K:x` starts on no multiple of 3 KiB. The model
/// places all three entries where the kernel did.
@Suite struct ReserveMemAlignmentConformanceTests {
  @Test func nonPowerOfTwoAlignmentsLandWhereTheKernelPutThem() throws {
    let cases = try Repository.jsonLines(Repository.fixture("recorded/arm64-reserve-mem-align.jsonl"))
    let recorded = try #require(cases.first { $0["id"] as? String == "arm64-rec-rmem-npot" })
    #expect(recorded["cmdline"] as? String == "reserve_mem=1M:3K:x reserve_mem=64K:0x1800:y reserve_mem=1M:4K:z")
    let kernel = try #require(recorded["reserve_mem"] as? [[String]])
    #expect(kernel.count == 3)
    // The kernel's own placement is not aligned to 3 KiB (nor 0x1800): a mask, not a multiple.
    #expect(UInt64(kernel[0][0].dropFirst(2), radix: 16)! % 0xc00 != 0)
    #expect(UInt64(kernel[1][0].dropFirst(2), radix: 16)! % 0x1800 != 0)
    let replay = try Arm64ConformanceTests.replay(recorded)
    let model = replay.result.reservations.filter { $0.origin == .reserveMemParameter }
    #expect(model.map(\.name) == ["x", "y", "z"])
    #expect(model.map { $0.range.map { [Hex.padded($0.start), Hex.padded($0.last)] } ?? [] } == kernel)
  }
}
