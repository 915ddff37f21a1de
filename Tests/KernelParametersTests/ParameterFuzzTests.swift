import KernelParameters
import TestSupport
import Testing

/// Random bytes and mutations of valid command lines: every parameter grammar returns a value,
/// never traps, and what it returns is consistent.
@Suite struct ParameterFuzzTests {
  @Test func commandLineParsersNeverTrap() {
    for input in MutationFuzzing.inputs(count: 20_000, seed: 2) {
      let text = String(decoding: input, as: UTF8.self)
      for limit in [nil, 2048, 16] as [Int?] {
        let line = KernelCommandLine(text, limit: limit)
        if let limit { #expect(line.text.utf8.count <= limit + 2) }
        for parameter in line.parameters {
          for item in MemmapParameter.parse(parameter.value) {
            #expect(item.offset <= (parameter.value?.utf8.count ?? 0))
          }
          _ = X86MemParameter.parse(parameter.value)
          _ = ReserveMemParameter.parse(parameter.value)
          _ = parameter.value.map(CMAParameter.init(parsing:))
        }
        for ram: UInt64 in [0, 1 << 30, UInt64.max] {
          if let outcome = CrashKernelParameter.parse(line.text, systemRAM: ram), let request = outcome.request {
            #expect(request.size != 0 && request.size < ram)
          }
        }
      }
      // Whole inputs as one memmap= value, comma lists and all.
      _ = MemmapParameter.parse(text)
    }
  }

  @Test func memmapItemsFromRandomPieces() {
    var random = SplitMix64(seed: 3)
    let pieces = [
      "0", "1", "64", "0x", "ff", "K", "M", "G", "e", "E", "@", "#", "$", "!", "%", "-", "+", "1", "2", "12",
      "0x100000000", "18446744073709551616", "exactmap", "junk", ",", "",
    ]
    for _ in 0..<50_000 {
      let text = (0..<Int(random.below(8))).map { _ in random.pick(pieces) }.joined()
      for item in MemmapParameter.parse(text) {
        switch item.operation {
        case .ignored: #expect(!item.setsUserDefinedMap)
        default: #expect(item.setsUserDefinedMap)
        }
      }
    }
  }
}
