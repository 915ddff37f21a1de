import FirmwareTables
import Foundation
import MemoryModel
import TestSupport
import Testing
import Utilities

/// The UEFI map readers on the firmware's and the kernel's own output (Tests/Fixtures/efi: real
/// EDK2 Shell captures of one boot, the kernel's efi=debug lines of that boot).
@Suite struct UEFIMemoryMapReaderTests {
  static func fixture(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: Repository.fixture("efi/" + name)))
  }

  static let flags = "|   |  |  |  |  |  |  |  |  |  |   |WB|  |  |  ]"

  static func decode(_ text: String) throws(UEFIMapDecodeError) -> UEFIMemoryMap {
    try UEFIMemoryMap.decode(Array(text.utf8))
  }

  @Test func kernelLogReadsEveryDescriptorWithTypeAndFlags() throws {
    let map = try UEFIMemoryMap.decode(Self.fixture("edk2-shell-boot-efi-debug.txt"))
    #expect(map.format == .kernelLog)
    #expect(map.descriptors.count == 61)
    let first = map.descriptors[0]
    #expect(first.type == .conventional && first.physicalStart == 0x4000_0000 && first.pages == 0x4000)
    #expect(first.attributes == .writeBack)
    let flash = try #require(map.descriptors.first { $0.physicalStart == 0x400_0000 })
    #expect(flash.type == .mmio && flash.attributes == [.runtime, .writeCombining])
    // The OS-defined type, printed as type=N and cut by the kernel's 64-byte buffer.
    let os = try #require(map.descriptors.first { $0.type.rawValue == 0x8000_0001 })
    #expect(os.attributes == .writeBack && os.range?.size == 0x10000)
  }

  @Test func shellMemmapIsTheKernelsMapLessTheStubsAllocations() throws {
    let shell = try UEFIMemoryMap.decode(Self.fixture("edk2-shell-memmap.txt"))
    let kernel = try UEFIMemoryMap.decode(Self.fixture("edk2-shell-boot-efi-debug.txt"))
    #expect(shell.format == .shell)
    #expect(shell.descriptors.count == 55)
    // Every Shell descriptor that is not free memory is in the kernel's map unchanged.
    let kernelSet = Set(kernel.descriptors)
    for descriptor in shell.descriptors
    where ![.conventional, .bootServicesData, .bootServicesCode].contains(descriptor.type) {
      #expect(kernelSet.contains(descriptor), "\(descriptor)")
    }
    // Both describe the same bytes.
    func total(_ map: UEFIMemoryMap) -> UInt64 { map.descriptors.reduce(0) { $0 + $1.pages } }
    #expect(total(shell) == total(kernel))
  }

  /// EDK2's -sfo leaves out the types the specification does not name (OEM 0x70000000, OS
  /// 0x80000001 in this boot).
  @Test func standardFormatOutputIsThePlainListingWithoutOEMAndOSTypes() throws {
    let plain = try UEFIMemoryMap.decode(Self.fixture("edk2-shell-memmap.txt"))
    let sfo = try UEFIMemoryMap.decode(Self.fixture("edk2-shell-memmap-sfo.txt"))
    #expect(sfo.format == .shellStandardFormat)
    #expect(sfo.descriptors == plain.descriptors.filter(\.type.isStandard))
    #expect(plain.descriptors.count - sfo.descriptors.count == 2)
  }

  @Test func pagedListingReadsLikeThePlainOne() throws {
    let paged = try UEFIMemoryMap.decode(Self.fixture("edk2-shell-memmap-b-nokernel.txt"))
    let plain = try UEFIMemoryMap.decode(Self.fixture("edk2-shell-memmap-nokernel.txt"))
    #expect(paged.descriptors == plain.descriptors)
    #expect(plain.descriptors.count > 30)
  }

  /// Every descriptor U-Boot's `efidebug memmap` listed before `bootefi` is, in the map the kernel
  /// got, inside descriptors of the same type and attributes — except Conventional memory, where
  /// bootefi and the EFI stub allocate (the FDT copy, the image, the stub's map), and the tree's
  /// `/memreserve/` and `/reserved-memory` regions, which bootefi carves out as Reserved (no-map)
  /// or Boot Data (`efi_carve_out_dt_rsv()`; efiub-rnd-0004: a map region in U-Boot's Boot Code)
  /// — and both maps cover the same memory.
  static func expectEfidebugAgreesWithTheKernel(
    _ uBoot: UEFIMemoryMap, _ kernel: UEFIMemoryMap, carvedOut: [PhysicalRange] = [], _ id: String
  ) {
    func span(_ map: UEFIMemoryMap) -> UInt64 { map.descriptors.reduce(0) { $0 + $1.pages } }
    #expect(span(uBoot) == span(kernel), "\(id)")
    for row in uBoot.descriptors where row.type != .conventional {
      guard let range = row.range else {
        Issue.record("\(id): \(row) is empty")
        continue
      }
      let overlapping = kernel.descriptors.filter { $0.range.map(range.overlaps) ?? false }
      #expect(!overlapping.isEmpty, "\(id): \(row)")
      for held in overlapping where held.type != row.type || held.attributes != row.attributes {
        let carved =
          [.bootServicesData, .reserved].contains(held.type)
          && carvedOut.contains { held.range.map($0.contains) ?? false }
        #expect(carved, "\(id): efidebug \(row), kernel \(held)")
      }
    }
  }

  /// A real `efidebug memmap` (U-Boot 2023.01 with CMD_EFIDEBUG, tools/build-uboot-efidebug), and
  /// the kernel's efi=debug lines of the same boot (Tests/Fixtures/efi/README.md).
  @Test func uBootEfidebugCaptureReadsAndAgreesWithTheKernel() throws {
    let uBoot = try UEFIMemoryMap.decode(Self.fixture("uboot-efidebug-memmap.txt"))
    #expect(uBoot.format == .uBootEfidebug)
    #expect(uBoot.descriptors.count == 13)
    let first = uBoot.descriptors[0]
    #expect(first.type == .conventional && first.physicalStart == 0x4000_0000 && first.pages == 0x7_dda0)
    #expect(first.attributes == .writeBack)
    #expect(uBoot.descriptors.filter { $0.attributes == [.runtime, .writeBack] }.count == 5)
    #expect(uBoot.descriptors.last?.type == .bootServicesCode)
    let kernel = try UEFIMemoryMap.decode(Self.fixture("uboot-efidebug-boot-efi-debug.txt"))
    #expect(kernel.format == .kernelLog && kernel.descriptors.count == 22)
    Self.expectEfidebugAgreesWithTheKernel(uBoot, kernel, "uboot-efidebug-memmap.txt")
  }

  /// The same on every boot recorded with `record-arm64 --uefi --firmware uboot-efidebug`.
  @Test func everyRecordedEfidebugListingAgreesWithTheKernel() throws {
    let recorded = try Repository.jsonLines(Repository.fixture("recorded/arm64-uefi-uboot-efidebug.jsonl"))
    #expect(recorded.count >= 18)
    for boot in recorded {
      let id = boot["id"] as! String
      let listing = (boot["uboot_efidebug_memmap"] as! [String]).joined(separator: "\n")
      let uBoot = try Self.decode(listing)
      #expect(uBoot.format == .uBootEfidebug, "\(id)")
      let kernel = try Self.decode((boot["efi_memmap"] as! [String]).joined(separator: "\n"))
      let (_, board) = try DTC.board(source: boot["dts"] as! String)
      let carvedOut =
        board.memoryReservations.compactMap(\.range)
        + (board.reservedMemory?.children ?? []).flatMap { $0.reg?.nonEmptyRanges ?? [] }
      Self.expectEfidebugAgreesWithTheKernel(uBoot, kernel, carvedOut: carvedOut, id)
    }
  }

  @Test func jsonRoundTrips() throws {
    var map = try UEFIMemoryMap.decode(Self.fixture("edk2-shell-boot-efi-debug.txt"))
    map.memoryAttributesTable = 0xbec5_a018
    let text = JSONValue.object(UEFIMemoryMapJSON.members(map)).rendered()
    let back = try Self.decode(text)
    #expect(back.descriptors == map.descriptors)
    #expect(back.memoryAttributesTable == 0xbec5_a018 && back.format == .json)
  }

  @Test func configurationTablesAndVendorComeFromTheLog() throws {
    let map = try Self.decode(
      """
      [    0.000000] efi: EFI v2.7 by EDK II
      [    0.000000] efi: SMBIOS 3.0=0xbf5d0000  MEMATTR=0xbec5a018  MEMRESERVE=0xb9a22f18
      [    0.000000] efi: Processing EFI memory map:
      [    0.000000] efi:   0x000040000000-0x000043ffffff [Conventional|   |  |  |  |  |  |  |  |  |  |   |WB|  |  |  ]
      """)
    #expect(map.memoryAttributesTable == 0xbec5_a018 && map.memReserveTable == 0xb9a2_2f18)
    #expect(map.firmwareVendor == "EDK II")
  }

  @Test func unknownAttributeBitsPrintAsAttr() throws {
    let map = try Self.decode("efi:   0x000040000000-0x000040000fff [Conventional|attr=0x0000000001000008]")
    #expect(map.descriptors[0].attributes.rawValue == 0x100_0008)
  }

  /// Bad lines: one error naming the line.
  @Test(arguments: [
    (
      "efi: Processing EFI memory map:\nefi:   0x000040000000-0x00004000ffff [Conventional\(Self.flags)\n"
        + "efi:   0x000050000000-0x00004fffffff [Conventional\(Self.flags)",
      "line 3: the range ends (0x4fffffff) before it starts (0x50000000)"
    ),
    (
      "efi:   0x000040000000-0x00004000ffff [Nonsense    |   |  ]",
      "line 1: 'Nonsense' is not a memory type the kernel prints"
    ),
    (
      "efi:   0x000040000000-0x00004000fffe [Conventional|   |  ]",
      "line 1: end 0x4000fffe is not the last byte of a 4 KiB page"
    ),
    (
      "Type       Start            End              # Pages          Attributes\n"
        + "Available  0000000040000000-0000000043FFFFFF 0000000000004001 0000000000000008",
      "line 2: 0x4001 pages do not span 0x40000000-0x43ffffff (0x4000 pages)"
    ),
    ("MemoryMap,\"Available\",\"40000000\",\"4zFFFFFF\",\"4000\",\"8\"", "line 1: end '4zFFFFFF' is not a hex number"),
    (
      "Type             Start            End              Attributes\n"
        + "BOOT DATA        0000000040000000-0000000040001000 WB|XX",
      "line 2: 'XX' is not an attribute efidebug prints"
    ),
    (
      "{\"efi_memmap\": [{\"type\": \"Conventional\", \"start\": \"0x1000\", \"pages\": \"0x1\"}]}",
      "efi_memmap[0].attributes: missing or not a \"0x…\" string"
    ),
    (
      "hello",
      "input: not a UEFI memory map: expected efi=debug kernel lines ('efi:   0x…-0x… [Type|…]'), UEFI Shell "
        + "memmap or memmap -sfo output, U-Boot efidebug memmap output, or dtmem JSON with \"efi_memmap\""
    ),
  ])
  func badInputIsOneErrorWithItsLine(input: String, message: String) {
    #expect(throws: UEFIMapDecodeError.self) { try Self.decode(input) }
    do {
      _ = try Self.decode(input)
    } catch {
      // The message, then (for kernel lines) the line itself.
      #expect(error.description.hasPrefix(message), "\(error.description)")
    }
  }
}
