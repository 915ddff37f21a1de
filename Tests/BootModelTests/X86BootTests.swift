import BootModel
import FirmwareTables
import KernelParameters
import MemoryModel
import TestSupport
import Testing

/// The x86 model on the worked examples of shared/reference/x86-e820-memmap.md §13 and the edge
/// cases the recorded boots settled (docs/kernel-findings-x86.md on the x86-recorder branch).
@Suite struct X86BootTests {
  /// §13's firmware table (QEMU pc, 6 GiB).
  static let firmware = """
    BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
    BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
    BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved
    BIOS-e820: [mem 0x0000000000100000-0x000000007fefffff] usable
    BIOS-e820: [mem 0x000000007ff00000-0x000000007fffffff] reserved
    BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved
    BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff] usable
    """

  static func boot(_ commandLine: String, capacity: Int = BootLimits.debianE820MaxEntries) throws -> BootResult {
    try run(try firmwareEntries(), commandLine, limits: BootLimits(e820MaxEntries: capacity))
  }

  /// §13's table, decoded (a table that does not decode fails the test).
  static func firmwareEntries() throws -> [MapEntry] {
    guard let entries = try E820KernelLog.decode(Array(firmware.utf8)).firmware?.entries else {
      throw TestFailure("the §13 table has no BIOS-e820 lines")
    }
    return entries
  }

  static func run(_ entries: [MapEntry], _ commandLine: String, limits: BootLimits = BootLimits())
    throws(BootModelError) -> BootResult
  {
    try Boot.run(
      BootRequest(
        .e820(E820Firmware(entries)), commandLine: BootCommandLine(commandLine, source: .given("--cmdline")),
        limits: limits))
  }

  static func table(_ commandLine: String) throws -> [String] {
    try boot(commandLine).e820.regions.map { E820Dmesg.line($0.range, $0.kind) }
  }

  @Test func exampleA() throws {
    let result = try Self.boot("memmap=256M$0x20000000,1G!0x100000000 mem=5G")
    #expect(result.kernelLog.contains("e820: remove [mem 0x140000000-0xfffffffffffffffe] usable"))
    #expect(
      try Self.table("memmap=256M$0x20000000,1G!0x100000000 mem=5G") == [
        "[mem 0x0000000000000000-0x000000000009fbff] usable",
        "[mem 0x000000000009fc00-0x000000000009ffff] reserved",
        "[mem 0x00000000000f0000-0x00000000000fffff] reserved",
        "[mem 0x0000000000100000-0x000000001fffffff] usable",
        "[mem 0x0000000020000000-0x000000002fffffff] reserved",
        "[mem 0x0000000030000000-0x000000007fefffff] usable",
        "[mem 0x000000007ff00000-0x000000007fffffff] reserved",
        "[mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
        "[mem 0x0000000100000000-0x000000013fffffff] persistent (type 12)",
      ])
  }

  @Test func exampleBOrderMatters() throws {
    let forward = try Self.boot("memmap=16M$0x10000000 memmap=16M%0x10000000-2+1")
    #expect(forward.kernelLog.contains("e820: update [mem 0x10000000-0x10ffffff] reserved ==> usable"))
    #expect(forward.e820.regions.first { $0.range.contains(0x1000_0000) }?.kind == .usable)
    let backward = try Self.boot("memmap=16M%0x10000000-2+1 memmap=16M$0x10000000")
    #expect(backward.e820.regions.first { $0.range.contains(0x1000_0000) }?.kind == .reserved)
  }

  @Test func exampleCPersistentMemorySplitsAtEveryBoundaryBeneath() throws {
    let pram = try Self.boot("memmap=1G!0x40000000,256M@0x50000000").e820.regions(of: .persistentLegacy).map(
      \.range.description)
    // Also cut where the firmware's reserved range starts beneath it (recorded: x86-rec-0276).
    #expect(
      pram == [
        "[mem 0x0000000040000000-0x000000004fffffff]", "[mem 0x0000000050000000-0x000000005fffffff]",
        "[mem 0x0000000060000000-0x000000007fefffff]", "[mem 0x000000007ff00000-0x000000007fffffff]",
      ])
  }

  @Test func exampleDUsableFillsHolesButNeverBeatsReserved() throws {
    let map = try Self.boot("memmap=512M@0xa0000000,512M@0xe0000000").e820
    #expect(map.regions.first { $0.range.contains(0xa000_0000) }?.kind == .usable)
    #expect(map.regions.first { $0.range.contains(0xfffc_0000) }?.kind == .reserved)
  }

  @Test func exampleEAUnitTypoRemovesMemory() throws {
    let result = try Self.boot("memmap=1GB$0x40000000")
    #expect(result.kernelLog.contains("e820: remove [mem 0x40000000-0xfffffffffffffffe] usable"))
    #expect(result.e820.regions(of: .usable).last?.range.last == 0x3fff_ffff)
    #expect(result.diagnostics.contains { $0.message.contains("removes all usable RAM at and above 0x40000000") })
  }

  @Test func exampleFAndTheOtherPanics() throws {
    for commandLine in [
      "memmap=exactmap memmap=1G@0", "memmap=exactmap", "memmap=64M$0x10000000 memmap=exactmap",
      "memmap=1@0xffffffffffffffff", "memmap=0x1000%0xfffffffffffff000+7",
    ] {
      let result = try Self.boot(commandLine)
      #expect(result.stopMessage == "Invalid user supplied memory map", "\(commandLine)")
      #expect(result.stop?.kind == .panic)
      if case .invalidUserMemoryMap = result.stop?.cause {
      } else {
        Issue.record("\(commandLine): \(String(describing: result.stop))")
      }
      #expect(result.kernelLog.last == "Kernel panic - not syncing: Invalid user supplied memory map")
      #expect(result.steps.last?.title == "User-defined map")
    }
    for commandLine in [
      "memmap=1M%0x10000000-1+1 mem=1G", "memmap=1M%0x10000000-2+2,64M$0", "memmap=64M%0x10000000-1+0x100000001",
    ] {
      let result = try Self.boot(commandLine)
      #expect(result.stopMessage == "kernel BUG at arch/x86/kernel/e820.c:469!", "\(commandLine)")
      #expect(result.stop?.kind == .bug)
      #expect(result.kernelLog.last == "kernel BUG at arch/x86/kernel/e820.c:469!")
      // Nothing after the BUG runs: no later item, parameter or step.
      #expect(result.steps.count == 2)
      #expect(result.e820.regions.count == 7)
    }
    #expect(throws: BootModelError.noMemory("the firmware e820 table is empty")) {
      try Self.run([], "")
    }
  }

  @Test func exampleGOctalAndHexDigits() throws {
    #expect(try Self.table("memmap=010M$0x10000000").contains("[mem 0x0000000010000000-0x00000000107fffff] reserved"))
    #expect(try Self.table("memmap=0x10E$0x10000000").contains("[mem 0x0000000010000000-0x000000001000010d] reserved"))
  }

  @Test func exactmapRebuildsAndAZeroEntryCountsForTheTwoEntryRule() throws {
    let one = try Self.boot("memmap=exactmap memmap=0x3fee0000@0x100000 memmap=0@0")
    #expect(one.e820.regions.map(\.range.description) == ["[mem 0x0000000000100000-0x000000003ffdffff]"])
    // Two empty entries sanitize to an empty table: the header alone, then no memory at all.
    let none = try Self.boot("memmap=exactmap,0@0,0@0")
    #expect(none.kernelLog.contains("user-defined physical RAM map:"))
    #expect(none.e820.regions.isEmpty)
    #expect(none.diagnostics.contains { $0.message.contains("alloc_low_pages: can not alloc memory") })
  }

  @Test func memOption() throws {
    let malformed = try Self.boot("mem")
    #expect(malformed.kernelLog.contains("Malformed early option 'mem'"))
    #expect(!malformed.kernelLog.contains("user-defined physical RAM map:"))
    let zero = try Self.boot("mem=0")
    #expect(zero.kernelLog.contains("Malformed early option 'mem'"))
    #expect(zero.kernelLog.contains("user-defined physical RAM map:"))
    let nopentium = try Self.boot("mem=nopentium")
    #expect(nopentium.kernelLog.suffix(2).isEmpty == false)
    #expect(nopentium.kernelLog.contains("mem=nopentium ignored! (only supported on x86_32)"))
    // An address limit, and order against memmap= matters.
    #expect(
      try Self.table("mem=512M memmap=64M@0x30000000").contains("[mem 0x0000000030000000-0x0000000033ffffff] usable"))
    #expect(
      try !Self.table("memmap=64M@0x30000000 mem=512M").contains("[mem 0x0000000030000000-0x0000000033ffffff] usable"))
  }

  @Test func unrelatedParametersLeaveTheFirmwareTable() throws {
    let result = try Self.boot("quiet -- memmap=64M$0x10000000 MEMMAP=1G")
    #expect(!result.kernelLog.contains("user-defined physical RAM map:"))
    #expect(result.e820.regions.count == 7)
    #expect(result.steps.map(\.title) == ["Firmware e820 table", "User-defined map", "Memory handed to memblock"])
  }

  @Test func memoryIsWhatMemblockGets() throws {
    let memory = try Self.boot("").memory.map(\.range.description)
    // Page 0 and 640 KiB–1 MiB are trimmed (trim_bios_range), partial pages dropped.
    #expect(
      memory == [
        "[mem 0x0000000000001000-0x000000000009efff]", "[mem 0x0000000000100000-0x000000007fefffff]",
        "[mem 0x0000000100000000-0x000000017fffffff]",
      ])
  }

  @Test func aFullTableDropsEntriesAsTheKernelDoes() throws {
    let result = try Self.boot("memmap=4K$0x1000000,4K$0x2000000,4K$0x3000000", capacity: 9)
    #expect(result.kernelLog.contains("too many entries; ignoring [mem 0x03000000-0x03000fff]"))
    #expect(result.e820.regions(of: .reserved).count == 3 + 2)
  }

  @Test func lateReservationsAreEstimates() throws {
    let result = try Self.boot("crashkernel=256M reserve_mem=64M:4096:trace reserve_mem=1M:0:trace reserve_mem=0:0:x")
    let crash = result.kernelAllocations.first { $0.name == "crashkernel" }
    #expect(crash?.range?.size == 256 << 20)
    #expect(crash?.status.name == "estimated")
    #expect(crash.map { $0.range!.start % (16 << 20) == 0 && $0.range!.end <= 1 << 32 } == true)
    let trace = result.reservations.filter { $0.origin == .reserveMemParameter }
    #expect(trace.map(\.status.name) == ["estimated", "failed", "failed"])
    // Placed in memory, above the crash kernel (top-down, after it).
    #expect(trace[0].range.map { r in result.memory.contains { $0.range.contains(r) } } == true)
    let fixed = try Self.boot("crashkernel=64M@0x10000001")
    #expect(fixed.kernelLog.contains("crashkernel reservation failed - memory is in use."))
  }

  @Test func truncatedCommandLinesAreWarnedAbout() throws {
    let long = "memmap=" + Array(repeating: "0@0", count: 600).joined(separator: ",") + " memmap=64M$0x10000000"
    let entries = try Self.firmwareEntries()
    let result = try Self.run(entries, long)
    #expect(result.diagnostics.contains { $0.message.contains("kernel BUG at lib/string_helpers.c:1040!") })
    #expect(!result.e820.regions.contains { $0.range.start == 0x1000_0000 })
    let whole = try Self.run(entries, long, limits: BootLimits(commandLineSize: nil))
    #expect(whole.e820.regions.contains { $0.range.start == 0x1000_0000 && $0.kind == .reserved })
  }

  @Test func singleEntryFirmwareTablesAreFlagged() throws {
    let result = try Self.run([MapEntry(start: 0, size: 1 << 30, kind: .usable)], "")
    #expect(result.diagnostics.contains { $0.message.contains("fewer than 2") })
    #expect(result.e820.regions.count == 1)
  }
}
