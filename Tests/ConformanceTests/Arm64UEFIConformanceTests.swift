import BootModel
import DeviceTree
import FirmwareTables
import Foundation
import KernelParameters
import MemoryModel
import TestSupport
import Testing

/// Replays boots of Debian's arm64 kernel started by its EFI stub (EDK2, the EDK2 Shell, U-Boot's
/// bootefi; 4K and 16K pages): the tree given, the UEFI memory map as the kernel printed it with
/// `efi=debug`, the parameters and the image where the stub put it → every line the kernel
/// printed about reserved memory, memory ranges and NUMA must come out of the model, in order.
@Suite struct Arm64UEFIConformanceTests {
  /// The 30 shared cases and every arm64-uefi-* recording.
  static func files() throws -> [URL] {
    let recorded = Repository.fixture("recorded")
    let names = try FileManager.default.contentsOfDirectory(atPath: recorded.path)
    return [Repository.fixture("conformance/arm64-uefi.jsonl")]
      + names.filter { $0.hasPrefix("arm64-uefi-") && $0.hasSuffix(".jsonl") }.sorted()
      .map { recorded.appendingPathComponent($0) }
  }

  /// Each case, and whether it keeps only the shared file's line kinds (`OF: reserved mem:`,
  /// `Reserved memory:`, the node ranges; conformance/README.md).
  static func cases() throws -> [(recorded: [String: Any], sharedKinds: Bool)] {
    try files().flatMap { file in
      try Repository.jsonLines(file).map { ($0, file.path.contains("/conformance/")) }
    }
  }

  static func isSharedKind(_ line: String) -> Bool {
    line.hasPrefix("OF: reserved mem:") || line.hasPrefix("Reserved memory:") || line.hasPrefix("  node ")
  }

  /// The request a recorded case describes. The recorder's console parameters come first, as the
  /// stub passes the load options (`-append`) as the command line.
  static func request(_ recorded: [String: Any]) throws -> BootRequest {
    let (_, board) = try DTC.board(source: recorded["dts"] as! String)
    let lines = (recorded["efi_memmap"] as! [String]).joined(separator: "\n")
    let map = try UEFIMemoryMap.decode(Array(("efi: Processing EFI memory map:\n" + lines).utf8))
    let loader = (recorded["loader_reserved"] as? [[String: String]] ?? []).map { entry in
      LoaderReservation(
        range: PhysicalRange(
          start: UInt64(entry["start"]!.dropFirst(2), radix: 16)!, size: UInt64(entry["size"]!.dropFirst(2), radix: 16)!
        )!,
        label: entry["what"])
    }
    let text = "console=ttyAMA0 earlycon panic=-1 efi=debug " + (recorded["cmdline"] as? String ?? "")
    let pageSize: PageSize = recorded["page_size"] as? String == "16K" ? .size16K : .size4K
    let kernel: KernelVersion = recorded["kernel"] as? String == "6.1" ? .v6_1 : .v6_12
    return BootRequest(
      .deviceTree(board), architecture: .arm64, kernel: kernel,
      commandLine: BootCommandLine(text, source: .given("cmdline")),
      pageSize: pageSize, loaderReservations: loader, efiMemoryMap: map)
  }

  /// 6.1 boots (recorded with memblock=debug rodata=on) are compared as Arm64Conformance61Tests
  /// compares 6.1's lines.
  static func isEstimated(_ line: String, _ recorded: [String: Any]) -> Bool {
    let estimated =
      recorded["kernel"] as? String == "6.1" ? Arm64Conformance61Tests.estimated : Arm64ConformanceTests.estimated
    return estimated.contains { line.hasPrefix($0) } || line.hasPrefix("Kernel panic")
  }

  static func expectedLines(_ recorded: [String: Any]) -> [String] {
    let unmodelled =
      recorded["kernel"] as? String == "6.1" ? Arm64Conformance61Tests.unmodelled : Arm64ConformanceTests.unmodelled
    return (recorded["lines"] as! [String]).filter { line in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      return !unmodelled.contains { trimmed.hasPrefix($0) } && !trimmed.hasPrefix("x") && !isEstimated(line, recorded)
    }
  }

  @Test func everyRecordedUEFIBootReplaysExactly() throws {
    let cases = try Self.cases()
    #expect(cases.count >= 30 + 141)
    var mismatches: [String] = []
    for (recorded, sharedKinds) in cases {
      let id = recorded["id"] as? String ?? "?"
      if (recorded["efi_memmap"] as! [String]).isEmpty {
        // The kernel died before its console started (efi-rec-0035: a ram@ memory node QEMU leaves
        // alone): nothing was printed, the map included.
        #expect(recorded["reached_end"] as? Bool == false && (recorded["lines"] as! [String]).isEmpty, "\(id)")
        continue
      }
      let want = Self.expectedLines(recorded)
      let result = try Boot.run(Self.request(recorded))
      var got = result.kernelLog.filter { !Self.isEstimated($0, recorded) }
      // The UEFI recorder does not keep `Memory limited to` (tools/README.md): nor does the replay.
      got = got.filter { !$0.hasPrefix("Memory limited to") }
      if sharedKinds { got = got.filter(Self.isSharedKind) }
      if recorded["reached_end"] as? Bool == false { got = Array(got.prefix(want.count)) }
      if got != want {
        mismatches.append(
          "\(id):\n  kernel: \(want.joined(separator: "\n          "))\n  dtmem:  "
            + got.joined(separator: "\n          "))
      }
    }
    #expect(
      mismatches.isEmpty,
      "\(mismatches.count) of \(cases.count) boots differ:\n\(mismatches.prefix(30).joined(separator: "\n"))")
  }

  /// EDK2's Memory Attributes table decides where a 32 MiB region lands in efi-210005: the
  /// estimate from the map, the address the kernel prints (`MEMATTR=`), and no table at all.
  @Test func memoryAttributesTableDecidesAPlacement() throws {
    let recorded = try #require(try Self.cases().first { $0.recorded["id"] as? String == "efi-210005" }).recorded
    func dsp1(_ edit: (inout UEFIMemoryMap) -> Void) throws -> UInt64? {
      var request = try Self.request(recorded)
      edit(&request.efiMemoryMap!)
      return try Boot.run(request).reservations.first { $0.name == "dsp-1" }?.range?.start
    }
    #expect(try dsp1 { _ in } == 0xbcc5_0000)
    #expect(try dsp1 { $0.memoryAttributesTable = 0xbec5_a018 } == 0xbcc5_0000)
    #expect(try dsp1 { $0.firmwareVendor = "Das U-Boot" } == 0xbdc0_0000)
  }

  /// Where the model puts EDK2's Memory Attributes table from the map alone, against where the
  /// kernel reserved it (`efi_memattr_init` in the memblock=debug trace) on every recorded EDK2
  /// boot that has the trace: `-kernel` boots, the Shell, and initrds the stub loaded. Not
  /// modelled, and left out: a 512-byte initrd (EDK2's copy fits an existing pool page), a 64 KiB
  /// one, 6.12's 96 MiB one (a Loader Data block of its own the map does not name: with `--reserve`
  /// it is estimated right, below).
  @Test func memoryAttributesTableEstimateIsWhereTheKernelFoundIt() throws {
    var checked = 0
    var wrong: [String] = []
    for (recorded, _) in try Self.cases() where !(recorded["efi_memmap"] as! [String]).isEmpty {
      guard
        let traced = (recorded["early_reserves"] as? [[String: String]])?.first(where: {
          $0["by"] == "efi_memattr_init"
        }), let initrdSize = UInt64((recorded["initrd_size"] as? String ?? "0x1000000").dropFirst(2), radix: 16),
        initrdSize > 0x10000
      else { continue }
      let want = UInt64(traced["start"]!.dropFirst(2), radix: 16)!
      var request = try Self.request(recorded)
      if !(recorded["id"] as! String).hasSuffix("-rec-0007") || !(recorded["id"] as! String).hasPrefix("efird") {
        request.loaderReservations.removeAll { ($0.label ?? "").hasPrefix("initrd") }
      }
      let got = try Boot.run(request).reservations.first { $0.name == "EFI Memory Attributes table (MEMATTR)" }
      checked += 1
      if got?.range?.start != want {
        wrong.append("\(recorded["id"]!): kernel \(Hex.short(want)), dtmem \(got?.range.map { "\($0)" } ?? "none")")
      }
      if case .estimated = got?.status {} else { Issue.record("\(recorded["id"]!): MEMATTR not estimated") }
    }
    #expect(checked >= 40)
    #expect(wrong.isEmpty, "\(wrong.count) of \(checked):\n\(wrong.joined(separator: "\n"))")
  }

  /// Where the model puts the stub's MEMRESERVE table from the map alone, against where the kernel
  /// reserved it (`efi_config_parse_tables` in the memblock=debug trace), on every traced boot but
  /// those of the U-Boot built with CMD_EFIDEBUG (efiub-rec-0001: the first of two Loader Data
  /// pages, not modelled; UEFIFirmwareLayout.memReserveTable).
  @Test func memReserveTableEstimateIsWhereTheKernelFoundIt() throws {
    var checked = 0
    var wrong: [String] = []
    for (recorded, _) in try Self.cases()
    where !(recorded["efi_memmap"] as! [String]).isEmpty && !(recorded["boot"] as! String).contains("CMD_EFIDEBUG") {
      guard
        let traced = (recorded["early_reserves"] as? [[String: String]])?.first(where: {
          $0["by"] == "efi_config_parse_tables"
        })
      else { continue }
      let want = UInt64(traced["start"]!.dropFirst(2), radix: 16)!
      var request = try Self.request(recorded)
      // A 96 MiB initrd is a Loader Data block of its own: only --reserve says it is there.
      if (recorded["initrd_size"] as? String) != "0x6000000" {
        request.loaderReservations.removeAll { ($0.label ?? "").hasPrefix("initrd") }
      }
      let got = try Boot.run(request).reservations.first { $0.name == "EFI stub MEMRESERVE table" }
      checked += 1
      if got?.range?.start != want {
        wrong.append("\(recorded["id"]!): kernel \(Hex.short(want)), dtmem \(got?.range.map { "\($0)" } ?? "none")")
      }
    }
    #expect(checked >= 40)
    #expect(wrong.isEmpty, "\(wrong.count) of \(checked):\n\(wrong.joined(separator: "\n"))")
  }

  /// The initrd the stub loaded, found in the map alone (EFILoadInitrd), against where the kernel
  /// reserved it (`arm64_memblock_init` in the trace): the start exactly, the size to 64 KiB. The
  /// 96 MiB ones (a Loader Data block of their own) are not found, and say so.
  @Test func stubInitrdFromTheMapIsWhereTheKernelReservedIt() throws {
    let recorded = try Repository.jsonLines(Repository.fixture("recorded/arm64-uefi-initrd.jsonl"))
    #expect(recorded.count >= 18)
    for boot in recorded {
      let id = boot["id"] as! String
      let traced = (boot["early_reserves"] as! [[String: String]]).filter { $0["by"] == "arm64_memblock_init" }
      let want = UInt64(traced[0]["start"]!.dropFirst(2), radix: 16)!
      let size = UInt64((boot["initrd_size"] as! String).dropFirst(2), radix: 16)!
      var request = try Self.request(boot)
      request.loaderReservations.removeAll { ($0.label ?? "").hasPrefix("initrd") }
      let got = try Boot.run(request).reservations.first { $0.origin == .initrd }
      if size > 0x400_0000 {
        #expect(got == nil, "\(id)")
        continue
      }
      #expect(got?.range?.start == want, "\(id)")
      #expect(got?.range?.size == Alignment.up(size, 0x1_0000), "\(id)")
    }
  }

  /// A blob the EFI stub wrote (`/chosen` `linux,uefi-mmap-start`) without its map: one error.
  @Test func stubBlobWithoutTheMapAsksForIt() throws {
    let recorded = try Repository.jsonLines(Repository.fixture("recorded/arm64-uefi-explore.jsonl"))
    let boot = try #require(recorded.first { $0["stub_dts"] != nil })
    let (_, board) = try DTC.board(source: boot["stub_dts"] as! String)
    #expect(board.chosen?.isFromEFIStub == true)
    #expect(throws: BootModelError.self) { try Boot.run(BootRequest(.deviceTree(board))) }
    var request = try Self.request(boot)
    request.input = .deviceTree(board)
    #expect(try Boot.run(request).memory.isEmpty == false)
  }

  /// The default CMA area is placed after the kernel's own allocations: an estimate, checked.
  /// 6.1 prints the line without 6.12's ` on node -1`: the address may end it.
  @Test func defaultCMAEstimateIsMostlyExact() throws {
    var hits = 0
    var total = 0
    var misses: [String] = []
    for (recorded, _) in try Self.cases() where !(recorded["efi_memmap"] as! [String]).isEmpty {
      guard let line = (recorded["lines"] as! [String]).first(where: { $0.hasPrefix("cma: Reserved") }) else {
        continue
      }
      total += 1
      let result = try Boot.run(Self.request(recorded))
      if let base = result.kernelAllocations.first(where: { $0.origin == .defaultCMA })?.range?.start,
        // 6.12 adds " on node -1"; 6.1's line ends with the address.
        line.contains("at \(Hex.padded(base)) ") || line.hasSuffix("at \(Hex.padded(base))")
          || line.hasSuffix("at \(Hex.padded(base))")
      {
        hits += 1
      } else {
        misses.append(recorded["id"] as? String ?? "?")
      }
    }
    #expect(total >= 100 && hits * 100 >= total * 97, "default CMA base exact in \(hits)/\(total)")
    // The known misses, by id: a new miss or a fixed one fails here (update the list and say why).
    // - efi61-rnd-0029 (6.1): kernel 0xb2200000, model 0xb4400000 (64 MiB right below the image);
    //   the recorded final memblock.reserved holds 0xb4400000-0xb83fffff and not the CMA range, so
    //   something the trace does not show took that block first. Cause not found.
    // - efi-rec-0058 (mem=1G, no memblock trace recorded): kernel 0x76800000, model 0x76600000 (the
    //   model's area is 2 MiB lower, so it counts 2 MiB more taken from the top). Cause not found.
    #expect(misses.sorted() == ["efi-rec-0058", "efi61-rnd-0029"], "default CMA misses: \(misses)")
  }
}
