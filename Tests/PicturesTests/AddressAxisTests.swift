import MemoryModel
import Testing

@testable import Pictures

@Suite struct AddressAxisTests {
  static func range(_ start: UInt64, _ size: UInt64) -> PhysicalRange { PhysicalRange(start: start, size: size)! }

  @Test func positionsGrowWithAddressesAndFillTheWidth() {
    let ranges = [
      Self.range(0x4000_0000, 0x4000_0000), Self.range(0x4800_0000, 0x1000), Self.range(0x5000_0000, 0x10_0000),
    ]
    let axis = AddressAxis(covering: ranges, width: 1000, minimumWidth: 4, breakWidth: 50)
    let boundaries = ranges.flatMap { [UInt128($0.start), $0.end] }.sorted()
    let xs = boundaries.map { axis.x($0) }
    #expect(xs == xs.sorted())
    #expect(abs(xs.last! - 1000) < 1e-6 && xs.first! == 0)
    for segment in axis.segments { #expect(segment.width >= 4 - 1e-9) }
    // The 4 KiB region keeps its minimum although it is 2^18 times smaller than the bank.
    #expect(axis.x(UInt64(0x4800_1000)) - axis.x(UInt64(0x4800_0000)) >= 4 - 1e-9)
  }

  @Test func widthsGrowWithTheSquareRootOfSize() {
    let axis = AddressAxis(
      covering: [Self.range(0, 0x100_0000), Self.range(0x100_0000, 0x400_0000)], width: 300, minimumWidth: 1,
      breakWidth: 10)
    let small = axis.x(UInt64(0x100_0000)) - axis.x(UInt64(0))
    let large = axis.x(UInt64(0x500_0000)) - axis.x(UInt64(0x100_0000))
    #expect(abs(large / small - 2) < 1e-9)
  }

  @Test func largeHolesBecomeFixedBreaksSmallOnesStay() {
    // 2 GiB of memory, a 30 GiB hole, 2 GiB more; a 1 MiB hole inside the first.
    let ranges = [
      Self.range(0x8000_0000, 0x1000_0000), Self.range(0x9010_0000, 0x6FF0_0000),
      Self.range(0x8_8000_0000, 0x8000_0000),
    ]
    let axis = AddressAxis(covering: ranges, width: 800, minimumWidth: 4, breakWidth: 40)
    #expect(axis.breaks.count == 1)
    #expect(axis.breaks.first.map { ($0.start, $0.end, $0.width) } ?? (0, 0, 0) == (0x1_0000_0000, 0x8_8000_0000, 40))
    #expect(!axis.segments.contains { $0.isBreak && $0.start == 0x9000_0000 })
  }

  @Test func tooManyStretchesShareTheRoomEvenly() {
    let ranges = (0..<100).map { (index: UInt64) in Self.range(index * 0x1000, 0x1000) }
    let axis = AddressAxis(covering: ranges, width: 50, minimumWidth: 4, breakWidth: 10)
    #expect(abs(axis.minimumWidth - 0.5) < 1e-9)
    #expect(abs(axis.x(UInt64(100 * 0x1000)) - 50) < 1e-6)
  }
}
