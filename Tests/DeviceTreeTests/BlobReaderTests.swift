import DeviceTree
import MemoryModel
import TestSupport
import Testing

/// The libfdt-backed reader on good and hostile blobs.
@Suite struct BlobReaderTests {
  static let sample = """
    /dts-v1/;
    /memreserve/ 0x80000000 0x1000;
    / {
      #address-cells = <2>; #size-cells = <2>;
      model = "test";
      memory@80000000 {
        device_type = "memory"; reg = <0 0x80000000 0 0x40000000>, <1 0 0 0x10000000>; numa-node-id = <1>; };
      memory@2 { device_type = "memory"; status = "disabled"; reg = <2 0 0 0x1000>; };
      reserved-memory {
        #address-cells = <2>; #size-cells = <2>; ranges;
        fixed@90000000 { reg = <0 0x90000000 0 0x100000>; no-map; };
        linux,cma { compatible = "shared-dma-pool"; reusable; size = <0 0x4000000>; alignment = <0 0x400000>;
                    alloc-ranges = <0 0x80000000 0 0x40000000>; linux,cma-default; };
        bad-reg { reg = <0 1 2>; };
      };
      pmem@c00000000 { compatible = "pmem-region"; reg = <0xc 0 1 0>; };
      chosen { bootargs = "console=ttyS0 mem=1G"; linux,initrd-start = <0x88000000>; linux,initrd-end = <0 0x88400000>;
               linux,usable-memory-range = <0 0x90000000 0 0x10000000>; };
    };
    """

  @Test func readsEveryMemoryFact() throws {
    let (tree, board) = try DTC.board(source: Self.sample)
    #expect(board.rootCells == CellCounts(address: 2, size: 2))
    #expect(board.model == "test")
    #expect(board.memoryReservations == [RegTuple(address: 0x8000_0000, size: 0x1000)])
    #expect(board.memoryNodes.count == 2)
    #expect(
      board.memoryNodes[0].reg?.tuples == [
        RegTuple(address: 0x8000_0000, size: 0x4000_0000), RegTuple(address: 0x1_0000_0000, size: 0x1000_0000),
      ])
    #expect(board.memoryNodes[0].numaNodeID == 1)
    #expect(!board.memoryNodes[1].isAvailable)
    let reserved = try #require(board.reservedMemory)
    #expect(reserved.addressCells == 2 && reserved.sizeCells == 2 && reserved.hasRanges)
    #expect(reserved.children.map(\.name) == ["fixed@90000000", "linux,cma", "bad-reg"])
    #expect(reserved.children[0].noMap && reserved.children[0].unitAddress == "90000000")
    let cma = reserved.children[1]
    #expect(cma.reusable && cma.cmaDefault && cma.compatible == ["shared-dma-pool"])
    #expect(cma.size?.value == 0x400_0000 && cma.alignment?.value == 0x40_0000)
    #expect(cma.allocRanges?.tuples == [RegTuple(address: 0x8000_0000, size: 0x4000_0000)])
    let bad = reserved.children[2].reg!
    #expect(!bad.isWellFormed && bad.byteLength == 12 && bad.tuples.isEmpty)
    #expect(board.persistentRegions.first?.reg?.tuples == [RegTuple(address: 0xc_0000_0000, size: 0x1_0000_0000)])
    let chosen = try #require(board.chosen)
    #expect(chosen.bootargs == "console=ttyS0 mem=1G")
    // initrd properties are read with their own width (1 and 2 cells here).
    #expect(chosen.initrd == RegTuple(address: 0x8800_0000, size: 0x40_0000))
    #expect(chosen.usableMemoryRange?.tuples == [RegTuple(address: 0x9000_0000, size: 0x1000_0000)])
    #expect(tree.totalSize == UInt32(tree.bytes.count))
  }

  @Test func rootCellDefaultsAreTheKernels() throws {
    let (_, board) = try DTC.board(
      source: "/dts-v1/;\n/ { memory { device_type = \"memory\"; reg = <0x40000000 0x10000000>; }; };")
    #expect(board.rootCells == CellCounts.kernelRootDefault)
    #expect(!board.rootStatesAddressCells && !board.rootStatesSizeCells)
    #expect(board.memoryNodes[0].reg?.tuples == [RegTuple(address: 0x4000_0000, size: 0x1000_0000)])
  }

  @Test func moreThanTwoCellsIsAnError() throws {
    let blob = try DTC.compile(source: "/dts-v1/;\n/ { #address-cells = <3>; #size-cells = <2>; };")
    let tree = try FlatDeviceTree(bytes: blob)
    #expect(throws: FDTError.self) { try tree.boardMemory() }
  }

  @Test func hostileBlobsAreRefusedWithTheReason() throws {
    let good = try DTC.compile(source: Self.sample)
    // Too short for a header.
    #expect(throws: FDTError.tooShort(length: 10)) { try FlatDeviceTree(bytes: Array(good.prefix(10))) }
    // Bad magic.
    var wrongMagic = good
    wrongMagic[0] = 0x7f
    #expect(throws: FDTError.badMagic(found: 0x7f0d_feed)) { try FlatDeviceTree(bytes: wrongMagic) }
    // Truncated: the header promises more than there is.
    #expect(throws: FDTError.truncated(totalSize: UInt32(good.count), available: good.count - 1)) {
      try FlatDeviceTree(bytes: Array(good.dropLast()))
    }
    // A structure-block offset pointing past the end.
    var badOffset = good
    badOffset.replaceSubrange(8..<12, with: [0x7f, 0xff, 0xff, 0xf0])
    #expect(throws: FDTError.self) { try FlatDeviceTree(bytes: badOffset) }
    // totalsize smaller than the header.
    var tiny = good
    tiny.replaceSubrange(4..<8, with: [0, 0, 0, 8])
    #expect(throws: FDTError.self) { try FlatDeviceTree(bytes: tiny) }
  }

  /// Random corruption of a real blob: every variant is either refused with an FDTError or read
  /// completely; nothing traps or hangs.
  @Test func mutatedBlobsNeverTrap() throws {
    let good = try DTC.compile(source: Self.sample)
    var generator = SplitMix64(seed: 77)
    var refused = 0
    for _ in 0..<3_000 {
      var bytes = good
      for _ in 0..<(1 + Int(generator.next() % 6)) {
        let index = Int(generator.next() % UInt64(bytes.count))
        bytes[index] = UInt8(truncatingIfNeeded: generator.next())
      }
      if generator.next() % 4 == 0 { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count)))) }
      do {
        let tree = try FlatDeviceTree(bytes: bytes)
        _ = try? tree.boardMemory()
      } catch {
        refused += 1
      }
    }
    #expect(refused > 0)
  }
}
