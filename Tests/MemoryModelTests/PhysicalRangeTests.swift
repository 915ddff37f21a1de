import MemoryModel
import TestSupport
import Testing

@Suite struct PhysicalRangeTests {
  @Test func constructionRefusesRangesPastTheAddressSpace() {
    #expect(PhysicalRange(start: 0, size: UInt64.max) != nil)
    #expect(PhysicalRange(start: 1, size: UInt64.max) != nil)  // ends exactly at 2^64
    #expect(PhysicalRange(start: 2, size: UInt64.max) == nil)
    #expect(PhysicalRange(start: UInt64.max, size: 1)?.end == PhysicalRange.addressSpaceEnd)
    #expect(PhysicalRange(start: UInt64.max, size: 2) == nil)
    #expect(PhysicalRange(start: 0, end: PhysicalRange.addressSpaceEnd) == nil)  // 2^64 bytes
    #expect(PhysicalRange(start: 5, end: 4) == nil)
    #expect(PhysicalRange(first: 0x1000, last: 0x1fff)?.size == 0x1000)
    #expect(PhysicalRange(first: 0, last: UInt64.max) == nil)
  }

  @Test func theLastByteOfTheAddressSpace() {
    let top = PhysicalRange(start: 0xffff_ffff_ffff_f000, size: 0x1000)!
    #expect(top.last == UInt64.max)
    #expect(top.endIfRepresentable == nil)
    #expect(top.contains(UInt64.max))
    #expect(top.description == "[mem 0xfffffffffffff000-0xffffffffffffffff]")
  }

  /// Hex.padded against the plain oracle: String(radix:), zero-padded to the width.
  @Test func paddedHexMatchesTheOracle() {
    var generator = SplitMix64(seed: 16)
    let edges: [UInt64] = [0, 1, 0xf, 0x10, 0xffff_ffff, 0x1_0000_0000, UInt64.max >> 4, UInt64.max]
    for step in 0..<20_000 {
      let value = step < edges.count ? edges[step] : generator.next() >> (generator.next() % 64)
      let width = Int(generator.next() % 20)
      let digits = String(value, radix: 16)
      #expect(
        Hex.padded(value, width: width) == "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits)
      #expect(Hex.padded(value) == "0x" + String(repeating: "0", count: 16 - digits.count) + digits)
      #expect(Hex.short(value) == "0x" + digits)
    }
  }

  /// Digits.decimal against the plain oracle: String(value).
  @Test func decimalDigitsMatchTheOracle() {
    var generator = SplitMix64(seed: 10)
    let edges: [UInt64] = [0, 1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, UInt64(Int.max), UInt64.max]
    for step in 0..<20_000 {
      let value = step < edges.count ? edges[step] : generator.next() >> (generator.next() % 64)
      #expect(Digits.decimal(value) == String(value))
      let signed = Int(bitPattern: UInt(value))
      #expect(Digits.decimal(signed) == String(signed))
    }
    #expect(Digits.decimal(Int.min) == String(Int.min))
  }

  /// Range algebra against a byte-set oracle on an 8-bit address space scaled up.
  @Test func algebraMatchesSetSemantics() {
    var generator = SplitMix64(seed: 42)
    for _ in 0..<20_000 {
      let a = randomRange(&generator)
      let b = randomRange(&generator)
      let setA = Set(a.start..<UInt64(a.end))
      let setB = Set(b.start..<UInt64(b.end))
      #expect(a.overlaps(b) == !setA.isDisjoint(with: setB))
      let intersection = a.intersection(b).map { Set($0.start..<UInt64($0.end)) } ?? []
      #expect(intersection == setA.intersection(setB))
      let difference = a.subtracting(b)
      #expect(Set(difference.flatMap { $0.start..<UInt64($0.end) }) == setA.subtracting(setB))
      #expect(difference.allSatisfy { !$0.isEmpty })
      #expect(a.contains(b) == (setB.isSubset(of: setA) && (b.size > 0 || (b.start >= a.start && b.end <= a.end))))
    }
  }

  /// Ranges touching 2^64 never trap and keep their meaning.
  @Test func edgeOfTheAddressSpaceNeverTraps() {
    var generator = SplitMix64(seed: 9)
    for _ in 0..<20_000 {
      let start = UInt64.max - (generator.next() % 4096)
      let size = generator.next() % 8192
      if let range = PhysicalRange(start: start, size: size) {
        #expect(range.end <= PhysicalRange.addressSpaceEnd)
        let other = PhysicalRange(start: UInt64.max - 100, size: 50)!
        _ = range.intersection(other)
        _ = range.subtracting(other)
        _ = range.overlaps(other)
      } else {
        #expect(UInt128(start) + UInt128(size) > PhysicalRange.addressSpaceEnd)
      }
    }
  }

  @Test func alignmentHelpers() {
    #expect(Alignment.down(0x1234, 0x1000) == 0x1000)
    #expect(Alignment.up(0x1234, 0x1000) == 0x2000)
    #expect(Alignment.up(0x2000, 0x1000) == 0x2000)
    #expect(Alignment.up(UInt64.max, 0x1000) == nil)
    #expect(Alignment.up(7, 3) == 9)
    #expect(Alignment.isPowerOfTwo(64) && !Alignment.isPowerOfTwo(96) && !Alignment.isPowerOfTwo(0))
  }

  /// Rounding inward keeps exactly the whole aligned units inside the range, up to 2^64.
  @Test func roundingInwardKeepsTheWholeAlignedUnits() {
    var generator = SplitMix64(seed: 7)
    for _ in 0..<20_000 {
      let a = randomRange(&generator)
      let unit = [1, 2, 4, 8, 16][Int(generator.next() % 5)] as UInt64
      let units = stride(from: Alignment.up(a.start, unit)!, to: UInt64(a.end), by: Int(unit))
        .filter { UInt128($0) + UInt128(unit) <= a.end }
      let kept = a.roundedInward(to: unit)
      #expect(kept?.start == units.first)
      #expect(kept.map { UInt64($0.end) } == units.last.map { $0 + unit })
    }
    let top = PhysicalRange(start: 0xffff_ffff_ffff_f001, size: 0xfff)!
    #expect(top.roundedInward(to: 0x1000) == nil)
    let whole = PhysicalRange(start: 0xffff_ffff_ffff_e800, size: 0x1800)!
    #expect(whole.roundedInward(to: 0x1000) == PhysicalRange(start: 0xffff_ffff_ffff_f000, size: 0x1000))
  }

  func randomRange(_ g: inout SplitMix64) -> PhysicalRange {
    let start = g.next() % 200
    let size = g.next() % 60
    return PhysicalRange(start: start, size: size)!
  }
}
