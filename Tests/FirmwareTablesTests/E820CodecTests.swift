import FirmwareTables
import Foundation
import MemoryModel
import TestSupport
import Testing

/// Every e820 codec reads what it writes, reads what the kernel prints, and says where the
/// input is wrong.
@Suite struct E820CodecTests {
  static let kinds: [RegionKind] = [
    .usable, .reserved, .acpiData, .acpiNVS, .unusable, .persistent, .persistentLegacy, .softReserved,
    RegionKind(rawValue: 6), RegionKind(rawValue: 20), RegionKind(rawValue: 0xffff_ffff),
  ]

  /// A random sanitized map: random entries (overlapping, any kinds), then the kernel's sanitize.
  static func randomMap(_ random: inout SplitMix64, kinds: [RegionKind] = kinds) throws -> MemoryMap {
    var entries: [MapEntry] = []
    for _ in 0..<Int(random.below(12)) {
      let shift = random.below(64)
      let start = random.next() >> shift
      let size = max(1, random.next() >> max(shift, random.below(64)))
      guard PhysicalRange(start: start, size: size) != nil, !(start == 0 && size == UInt64.max) else { continue }
      entries.append(MapEntry(start: start, size: size, kind: random.pick(kinds)))
    }
    return try MemoryMap.sanitized(entries)
  }

  static func entries(_ map: MemoryMap) -> [MapEntry] {
    map.regions.map { MapEntry(start: $0.range.start, size: $0.range.size, kind: $0.kind) }
  }

  // MARK: Kernel log

  @Test func kernelLogRoundTrips() throws {
    var random = SplitMix64(seed: 0xe820)
    for _ in 0..<2000 {
      let map = try Self.randomMap(&random)
      for label in [nil, "BIOS-e820", "user", "extended"] as [String?] {
        let text = E820Dmesg.render(map, label: label)
        guard !map.regions.isEmpty else { continue }
        let log = try E820KernelLog.decode(Array(text.utf8))
        let table =
          label == "user" ? log.user : label == "extended" ? log.extended : label == nil ? log.unlabelled : log.firmware
        #expect(table?.entries == Self.entries(map), "\(label ?? "unlabelled"):\n\(text)")
      }
    }
  }

  @Test func kernelLogTakesTheTablesOfTheFirstBoot() throws {
    let text = """
      [    0.000000] Linux version 6.12.100+deb12-amd64
      [    0.000000] Command line: BOOT_IMAGE=/vmlinuz memmap=64M$0x10000000
      [    0.000000] BIOS-provided physical RAM map:
      [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
      [    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
      [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000003ffdffff] usable
      [    0.000000] e820: update [mem 0x10000000-0x13ffffff] usable ==> reserved
      [    0.000000] user-defined physical RAM map:
      [    0.000000] user: [mem 0x0000000000000000-0x000000000009fbff] usable
      [    0.000000] user: [mem 0x000000000009fc00-0x000000000009ffff] reserved
      [    0.000000] user: [mem 0x0000000000100000-0x000000000fffffff] usable
      [    0.000000] user: [mem 0x0000000010000000-0x0000000013ffffff] reserved
      [    0.000000] user: [mem 0x0000000014000000-0x000000003ffdffff] usable
      [    0.001000] [mem 0x40000000-0xafffffff] available for PCI devices
      [    0.000000] BIOS-provided physical RAM map:
      [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable

      """
    let log = try E820KernelLog.decode(Array(text.utf8))
    #expect(log.firmware?.entries.count == 3)
    #expect(log.firmware?.lines == [4, 5, 6])
    #expect(log.user?.entries.count == 5)
    #expect(log.commandLine == "BOOT_IMAGE=/vmlinuz memmap=64M$0x10000000")
    #expect(log.bootCount == 2)
    #expect(log.firmwareTable?.label == "BIOS-e820")
    #expect(log.finalTable?.label == "user")
  }

  @Test func kernelLogReadsOtherSpellings() throws {
    let text = """
      <6>[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\r
      Jan 01 00:00:00 host kernel: BIOS-e820: [mem 0x0000000000100000-0x000000003ffdffff]  System RAM
      BIOS-e820: [gap 0x000000003ffe0000-0x00000000fffbffff]
      BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff]  device reserved
       BIOS-e820: 0000000100000000 - 0000000140000000 (usable)
      BIOS-e820: [mem 0x0000000140000000-0x000000014fffffff] persistent RAM (type 12)
      extended physical RAM map:
      extended: [mem 0x0000000000000000-0x000000000009fbff] usable
      """
    let log = try E820KernelLog.decode(Array(text.utf8))
    #expect(
      log.firmware?.entries == [
        MapEntry(start: 0, size: 0x9fc00, kind: .usable),
        MapEntry(start: 0x10_0000, size: 0x3fee_0000, kind: .usable),
        MapEntry(start: 0xfffc_0000, size: 0x4_0000, kind: .reserved),
        MapEntry(start: 0x1_0000_0000, size: 0x4000_0000, kind: .usable),
        MapEntry(start: 0x1_4000_0000, size: 0x1000_0000, kind: .persistentLegacy),
      ])
    #expect(log.firmwareTable?.label == "extended")
  }

  @Test func kernelLogErrorsSayWhere() {
    func error(_ text: String) -> String? {
      do {
        _ = try E820KernelLog.decode(Array(text.utf8))
        return nil
      } catch {
        return error.description
      }
    }
    #expect(
      error("x\nBIOS-e820: [mem 0x2000-0x1000] usable")
        == "line 2: BIOS-e820: the range ends (0x1000) before it starts (0x2000)")
    #expect(error("BIOS-e820: [mem 0x0-0x1000] banana") == "line 1: BIOS-e820: 'banana' is not an e820 type name")
    #expect(error("BIOS-e820: [mem 0x0-0x10000000000000000] usable")?.contains("does not fit in 64 bits") == true)
    #expect(error("user: [mem 0x0-0xzz] usable")?.hasPrefix("line 1: user: ") == true)
    #expect(error("user: [mem 0x0-0x1000 usable") == "line 1: user: no ']' after '[mem'")
    #expect(error("BIOS-e820: [mem 0x0-0xffffffffffffffff] usable")?.contains("all 2^64 addresses") == true)
    #expect(error("nothing to see here\n") == "input: no e820 table: no BIOS-e820:, extended: or user: [mem …] lines")
  }

  // MARK: sysfs

  @Test func sysfsRoundTripsAsFilesAndAsText() throws {
    var random = SplitMix64(seed: 0x5f5)
    let named: [RegionKind] = [
      .usable, .reserved, .acpiData, .acpiNVS, .unusable, .persistent, .persistentLegacy, .softReserved,
    ]
    for _ in 0..<2000 {
      let map = try Self.randomMap(&random, kinds: named)
      guard !map.regions.isEmpty else { continue }
      #expect(try E820Sysfs.decodeText(Array(E820Sysfs.renderText(map).utf8)).entries == Self.entries(map))
      var directories: [String: E820Sysfs.EntryFiles] = [:]
      for (path, contents) in E820Sysfs.files(map) {
        let parts = path.split(separator: "/")
        var files =
          directories[String(parts[0])] ?? E820Sysfs.EntryFiles(name: String(parts[0]), start: nil, end: nil, type: nil)
        switch parts[1] {
        case "start": files.start = contents
        case "end": files.end = contents
        default: files.type = contents
        }
        directories[String(parts[0])] = files
      }
      #expect(try E820Sysfs.decode(Array(directories.values).shuffled()).entries == Self.entries(map))
    }
  }

  @Test func sysfsReadsGrepOutputAndExplainsErrors() throws {
    let listing = """
      /sys/firmware/memmap/10/end:0x3fffffff
      /sys/firmware/memmap/10/start:0x3ffe0000
      /sys/firmware/memmap/10/type:Reserved
      /sys/firmware/memmap/2/end:0x9fbff
      /sys/firmware/memmap/2/start:0x0
      /sys/firmware/memmap/2/type:System RAM
      """
    let table = try E820Sysfs.decodeText(Array(listing.utf8))
    #expect(
      table.entries == [
        MapEntry(start: 0, size: 0x9fc00, kind: .usable), MapEntry(start: 0x3ffe_0000, size: 0x2_0000, kind: .reserved),
      ])
    func error(_ text: String) -> String? {
      do {
        _ = try E820Sysfs.decodeText(Array(text.utf8))
        return nil
      } catch {
        return error.description
      }
    }
    #expect(error("0/start:0x0\n0/end:0x1\n") == "0/type: missing")
    #expect(
      error("0/start:0x0\n0/end:0x1\n0/type:Banana\n")
        == "0/type: 'Banana' is not an e820 type name (System RAM, Reserved, ACPI Tables, …)")
    #expect(error("0/start:0x10\n0/end:0x1\n0/type:Reserved\n") == "0: the range ends (0x1) before it starts (0x10)")
    #expect(error("0/start:0x0\n0/start:0x1\n") == "line 2: 0/start given twice")
    #expect(
      error("hello\n")
        == "line 1: expected N/start:0x…, N/end:0x… or N/type:NAME (as `grep -r . /sys/firmware/memmap` prints)")
    #expect(error("0/start:12\n0/end:0x1\n0/type:Reserved\n") == "0/start: '12' is not a 0x hex number")
  }

  // MARK: /proc/iomem

  @Test func iomemRoundTrips() throws {
    var random = SplitMix64(seed: 0x10)
    let named: [RegionKind] = [
      .usable, .reserved, .acpiData, .acpiNVS, .unusable, .persistent, .persistentLegacy, .softReserved,
    ]
    for _ in 0..<2000 {
      let map = try Self.randomMap(&random, kinds: named)
      guard map.regions.contains(where: { $0.range.start != 0 || $0.range.size != 1 }) else { continue }
      #expect(try E820Iomem.decode(Array(E820Iomem.render(map).utf8)).entries == Self.entries(map))
    }
  }

  @Test func iomemTakesEntriesNotNestedInEntries() throws {
    let iomem = """
      00000000-00000fff : Reserved
      00001000-0009fbff : System RAM
      000a0000-000bffff : PCI Bus 0000:00
      000c0000-000c99ff : Video ROM
      000f0000-000fffff : Reserved
        000f0000-000fffff : System ROM
      00100000-3ffdffff : System RAM
        0b000000-0bffffff : Kernel code
        2c000000-2fffffff : Crash kernel
      3ffe0000-3fffffff : Reserved
      b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]
        b0000000-bfffffff : Reserved
      fee00000-fee00fff : Local APIC
      100000000-17fffffff : System RAM
      180000000-18fffffff : Persistent Memory (legacy)
        180000000-18fffffff : namespace0.0
      fd00000000-ffffffffff : Reserved
      """
    let table = try E820Iomem.decode(Array(iomem.utf8))
    #expect(
      table.entries.map(\.start) == [
        0, 0x1000, 0xf0000, 0x10_0000, 0x3ffe_0000, 0xb000_0000, 0x1_0000_0000, 0x1_8000_0000, 0xfd_0000_0000,
      ])
    #expect(table.entries[7].kind == .persistentLegacy)
    #expect(table.lines == [1, 2, 5, 7, 10, 12, 14, 15, 17])
  }

  @Test func iomemReadWithoutRootIsRefused() {
    #expect(
      throws: E820DecodeError(
        "input", "every address is 0: /proc/iomem was read without CAP_SYS_ADMIN (read it as root)")
    ) {
      try E820Iomem.decode(Array("00000000-00000000 : System RAM\n00000000-00000000 : Reserved\n".utf8))
    }
    #expect(throws: E820DecodeError("line 2", "not a /proc/iomem line (START-END : NAME)")) {
      try E820Iomem.decode(Array("00000000-00000fff : Reserved\nnonsense\n".utf8))
    }
  }

  // MARK: JSON

  @Test func jsonRoundTrips() throws {
    var random = SplitMix64(seed: 0x750)
    for _ in 0..<2000 {
      let map = try Self.randomMap(&random)
      let text = E820JSON.document(map).rendered()
      #expect(try E820JSON.decode(Array(text.utf8)).entries == Self.entries(map), "\(text)")
    }
  }

  @Test func jsonErrorsNameThePath() {
    func error(_ text: String) -> String? {
      do {
        _ = try E820JSON.decode(Array(text.utf8))
        return nil
      } catch {
        return error.description
      }
    }
    #expect(
      error("{\"e820\": [{\"start\": \"0x0\", \"size\": 4096, \"type\": \"usable\"}]}")
        == "e820[0].size: not a string (addresses are \"0x…\" strings)")
    #expect(error("{\"e820\": [{\"start\": \"0x0\", \"size\": \"0x1\"}]}") == "e820[0].type: missing")
    #expect(
      error("{\"e820\": [{\"start\": \"0xffffffffffffffff\", \"size\": \"0x2\", \"type\": \"usable\"}]}")?.hasPrefix(
        "e820[0]: start 0xffffffffffffffff + size 0x2 runs past") == true)
    #expect(
      error("{\"e820\": [{\"start\": \"0x0\", \"size\": \"0x1\", \"type\": \"sort of usable\"}]}")?.hasPrefix(
        "e820[0].type: 'sort of usable' is not an e820 type name") == true)
    #expect(error("{\"memory\": []}") == "document: no \"e820\" member")
    #expect(error("{\"e820\": [") == "byte 10: invalid JSON: unexpected end of input")
  }

  // MARK: Type names

  @Test func typeNamesReadBack() {
    for raw: UInt32 in [1, 2, 3, 4, 5, 6, 7, 12, 13, 20, 0xefff_ffff, 0xffff_ffff, 0] {
      let kind = RegionKind(rawValue: raw)
      #expect(RegionKind(dmesgName: Substring(kind.dmesgName)) == kind)
    }
    // Type 128 prints as usable and reads back as type 1: the one lossy name.
    #expect(RegionKind(dmesgName: Substring(RegionKind.reservedKernel.dmesgName)) == .usable)
    #expect(RegionKind(dmesgName: "type 4294967296") == nil)
    #expect(RegionKind(dmesgName: "type -1") == nil)
    #expect(RegionKind(resourceName: "Unknown E820 type") == .reserved)
    #expect(RegionKind(resourceName: "PCI Bus 0000:00") == nil)
  }
}

/// Issue 14: a key twice in one object was resolved silently (the last one won); the JSON reader
/// refuses it (UtilitiesTests), and the e820 reader says so.
@Suite struct E820DuplicateKeyTests {
  @Test func theReproducerIsRefusedWithTheKey() throws {
    let reproducer = Array(try Data(contentsOf: Repository.fixture("fuzz/e820/issue14-duplicate-keys.json")))
    let decodeError = try #require(throws: E820DecodeError.self) { try E820JSON.decode(reproducer) }
    #expect(decodeError.description.contains("duplicate key \"e820\""))
  }
}
