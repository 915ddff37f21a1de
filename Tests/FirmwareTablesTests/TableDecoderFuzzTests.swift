import FirmwareTables
import MemoryModel
import TestSupport
import Testing

/// Random bytes and mutations of valid inputs: every table decoder returns a value or a typed
/// error, never traps, and what it returns is well-formed.
@Suite struct TableDecoderFuzzTests {
  static func wellFormed(_ listing: E820Listing) -> Bool {
    listing.entries.allSatisfy { PhysicalRange(start: $0.start, size: $0.size) != nil }
  }

  @Test func tableDecodersNeverTrap() {
    var decoded = 0
    for input in MutationFuzzing.inputs(count: 20_000, seed: 1) {
      if let log = try? E820KernelLog.decode(input) {
        decoded += 1
        for table in [log.firmware, log.extended, log.user, log.unlabelled].compactMap({ $0 }) {
          #expect(Self.wellFormed(table))
          #expect(table.lines.count == table.entries.count)
        }
      }
      if let table = try? E820Iomem.decode(input) {
        decoded += 1
        #expect(Self.wellFormed(table))
      }
      if let table = try? E820Sysfs.decodeText(input) {
        decoded += 1
        #expect(Self.wellFormed(table))
      }
      if let table = try? E820JSON.decode(input) {
        decoded += 1
        #expect(Self.wellFormed(table))
      }
    }
    #expect(decoded > 1000, "the mutations should leave many inputs readable")
  }
}
