import KernelParameters
import MemoryModel
import TestSupport
import Testing

@Suite struct MemParseTests {
  func parse(_ text: String) -> (UInt64, Int) {
    let parsed = MemParse.memparse(Array(text.utf8))
    return (parsed.value, parsed.end)
  }

  @Test func radixDetectionFollowsTheKernel() {
    #expect(parse("0x10").0 == 16)
    #expect(parse("010").0 == 8)  // leading 0: octal
    #expect(parse("08") == (0, 1))  // 8 is not an octal digit
    #expect(parse("0xG") == (0, 1))  // 0x without a hex digit: octal 0, stops at x
    #expect(parse("0x10E") == (270, 5))  // E is a hex digit, not exa
    #expect(parse("0x1G").0 == 1 << 30)
  }

  @Test func suffixesShiftAndAreCaseInsensitive() {
    #expect(parse("1k").0 == 1024)
    #expect(parse("1K").0 == 1024)
    #expect(parse("3m").0 == 3 << 20)
    #expect(parse("2G").0 == 2 << 30)
    #expect(parse("1T").0 == 1 << 40)
    #expect(parse("1p").0 == 1 << 50)
    #expect(parse("1E").0 == 1 << 60)
    #expect(parse("1GB") == (1 << 30, 2))  // no B: parsing stops there
  }

  @Test func overflowWrapsSilentlyLikeTheKernel() {
    #expect(parse("16E").0 == 0)
    #expect(parse("17E").0 == 1 << 60)
    #expect(parse("18446744073709551617").0 == 1)
    #expect(MemParse.memparse(Array("16E".utf8)).overflowed)
  }

  @Test func aLoneSuffixParsesAsZeroAndIsConsumed() {
    #expect(parse("K") == (0, 1))
    #expect(parse("") == (0, 0))
  }

  @Test func strictWholeNumbers() {
    #expect(MemParse.wholeNumber("0x40000000") == 0x4000_0000)
    #expect(MemParse.wholeNumber("64M") == 64 << 20)
    #expect(MemParse.wholeNumber("64MB") == nil)
    #expect(MemParse.wholeNumber("K") == nil)
    #expect(MemParse.wholeNumber("16E") == nil)
    #expect(MemParse.wholeNumber("") == nil)
  }

  @Test func compactSpellingRoundTrips() {
    var generator = SplitMix64(seed: 7)
    for _ in 0..<10_000 {
      let shift = generator.next() % 64
      let value = generator.next() >> shift
      let text = ByteCount.compact(value)
      #expect(MemParse.wholeNumber(Substring(text)) == value, "\(value) → \(text)")
    }
    #expect(ByteCount.compact(64 << 20) == "64M")
    #expect(ByteCount.compact(0x123000) == "1164K")
    #expect(ByteCount.compact(4097) == "4097")
  }
}
