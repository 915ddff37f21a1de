import BootModel
import KernelParameters
import MemoryModel
import TestSupport
import Testing

/// Random firmware tables and random command lines through the whole x86 model: it returns a
/// result or the kernel's panic/BUG, never traps, and what it returns is canonical.
@Suite struct X86BootFuzzTests {
  static let pieces = [
    "memmap=", "mem=", "crashkernel=", "reserve_mem=", "exactmap", ",", " ", "0", "1", "4096", "0x", "ffffffff",
    "fffffffffffff000",
    "18446744073709551615", "16E", "17E", "K", "M", "G", "@", "#", "$", "!", "%", "-", "+", "1", "2", "12",
    "0xefffffff",
    "0x100000000", ":", "64:trace", ",high", ",low", "-2G:", "nopentium", "\"", "--", "debug", "junk",
  ]

  @Test func neverTraps() {
    var random = SplitMix64(seed: 0xf022)
    var panics = 0
    for _ in 0..<3000 {
      var firmware: [MapEntry] = []
      for _ in 0..<Int(random.below(8)) {
        let start = random.chance(20) ? UInt64.max - random.below(1 << 20) : random.below(1 << 34)
        let size = random.chance(10) ? random.next() : random.below(1 << 32)
        firmware.append(
          MapEntry(
            start: start, size: size,
            kind: RegionKind(
              rawValue: UInt32(
                truncatingIfNeeded: random.pick([1, 2, 3, 4, 5, 7, 12, 20, 0, 0xefff_ffff, 128] as [UInt64])))))
      }
      let commandLine = (0..<Int(random.below(30))).map { _ in random.pick(Self.pieces) }.joined()
      let capacity = random.chance(30) ? Int(2 + random.below(20)) : BootLimits.debianE820MaxEntries
      do {
        let result = try Boot.run(
          BootRequest(
            .e820(E820Firmware(firmware)), commandLine: BootCommandLine(commandLine, source: .given("--cmdline")),
            limits: BootLimits(e820MaxEntries: capacity)))
        // Stops after the map (no trampoline room, no RAM above 1 MiB) leave a whole map.
        if let words = result.stopMessage, result.stop?.isAfterMemoryMap == false {
          panics += 1
          #expect(words == "Invalid user supplied memory map" || words == "kernel BUG at arch/x86/kernel/e820.c:469!")
        }
        var previous: UInt128 = 0
        for region in result.e820.regions {
          #expect(UInt128(region.range.start) >= previous && region.range.size > 0)
          previous = region.range.end
        }
        #expect(result.e820.regions.count <= capacity)
        for block in result.memory { #expect(block.range.start % 4096 == 0 && block.range.size % 4096 == 0) }
      } catch {
        #expect(firmware.isEmpty, "unexpected \(error) for \(commandLine)")
      }
    }
    #expect(panics > 0 && panics < 3000)
  }
}
