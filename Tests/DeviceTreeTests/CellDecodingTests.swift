import DeviceTree
import MemoryModel
import Testing

@Suite struct CellDecodingTests {
  func bytes(_ cells: [UInt32]) -> [UInt8] {
    cells.flatMap { [UInt8($0 >> 24), UInt8($0 >> 16 & 0xff), UInt8($0 >> 8 & 0xff), UInt8($0 & 0xff)] }
  }

  @Test func tuplesWithEveryCellCount() {
    let two = CellDecoder.tuples(bytes([0x1, 0x8000_0000, 0x0, 0x4000_0000]), cells: CellCounts(address: 2, size: 2))
    #expect(two.tuples == [RegTuple(address: 0x1_8000_0000, size: 0x4000_0000)] && two.isWellFormed)
    let one = CellDecoder.tuples(
      bytes([0x4000_0000, 0x1000, 0x5000_0000, 0x2000]), cells: CellCounts(address: 1, size: 1))
    #expect(one.tuples == [RegTuple(address: 0x4000_0000, size: 0x1000), RegTuple(address: 0x5000_0000, size: 0x2000)])
    let mixed = CellDecoder.tuples(bytes([0x0, 0x4000_0000, 0x1000]), cells: CellCounts(address: 2, size: 1))
    #expect(mixed.tuples == [RegTuple(address: 0x4000_0000, size: 0x1000)])
  }

  @Test func aTrailingPartialTupleIsKeptAsAFact() {
    let list = CellDecoder.tuples(bytes([0x0, 0x4000_0000, 0x0, 0x1000, 0x0]), cells: CellCounts(address: 2, size: 2))
    #expect(list.tuples.count == 1 && list.byteLength == 20 && !list.isWellFormed)
  }

  @Test func valuesOfTheWrongLengthHaveNoValue() {
    #expect(CellDecoder.value(bytes([0x0, 0x10_0000]), cells: 2).value == 0x10_0000)
    #expect(CellDecoder.value(bytes([0x10_0000]), cells: 2).value == nil)
    #expect(CellDecoder.value(bytes([0x10_0000]), cells: 2).byteLength == 4)
  }

  @Test func flexibleNumbersKeepTheLow64Bits() {
    #expect(CellDecoder.flexibleNumber(bytes([0x8800_0000])) == 0x8800_0000)
    #expect(CellDecoder.flexibleNumber(bytes([0x1, 0x8800_0000])) == 0x1_8800_0000)
    #expect(CellDecoder.flexibleNumber(bytes([0xdead, 0x1, 0x8800_0000])) == 0x1_8800_0000)
    #expect(CellDecoder.flexibleNumber([]) == 0)
  }
}
