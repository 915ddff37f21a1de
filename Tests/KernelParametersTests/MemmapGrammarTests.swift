import KernelParameters
import MemoryModel
import Testing

/// `memmap=`, x86 `mem=` and `crashkernel=` parse exactly as Linux 6.12 parses them, malformed
/// values included (facts recorded on the kernel: docs/kernel-findings-x86.md, x86-recorder branch).
@Suite struct MemmapGrammarTests {
  func ops(_ value: String?) -> [MemmapItem.Operation] { MemmapParameter.parse(value).map(\.operation) }
  func op(_ value: String) -> MemmapItem.Operation { MemmapParameter.item(Array(value.utf8)).operation }

  @Test func everyForm() {
    #expect(op("64M@0x10000000") == .add(start: 0x1000_0000, size: 64 << 20, kind: .usable))
    #expect(op("64M#0x10000000") == .add(start: 0x1000_0000, size: 64 << 20, kind: .acpiData))
    #expect(op("64M$0x10000000") == .add(start: 0x1000_0000, size: 64 << 20, kind: .reserved))
    #expect(op("64M!0x10000000") == .add(start: 0x1000_0000, size: 64 << 20, kind: .persistentLegacy))
    #expect(op("64M%0x10000000-1+2") == .retype(start: 0x1000_0000, size: 64 << 20, from: .usable, to: .reserved))
    #expect(op("64M%0x10000000+12") == .add(start: 0x1000_0000, size: 64 << 20, kind: .persistentLegacy))
    #expect(op("64M%0x10000000-1") == .remove(start: 0x1000_0000, size: 64 << 20, kind: .usable))
    #expect(op("64M%0x10000000") == .remove(start: 0x1000_0000, size: 64 << 20, kind: nil))
    #expect(op("512M") == .removeUsableAbove(512 << 20))
    #expect(op("exactmap") == .exactmap)
  }

  @Test func commaListsAndMissingValues() {
    #expect(ops(nil) == [])
    #expect(ops("") == [.ignored])
    #expect(ops(",,") == [.ignored, .ignored, .ignored])
    #expect(
      ops("exactmap,640K@0,1M$1M,") == [
        .exactmap, .add(start: 0, size: 640 << 10, kind: .usable), .add(start: 1 << 20, size: 1 << 20, kind: .reserved),
        .ignored,
      ])
    let items = MemmapParameter.parse("1M$0x100000,2M!0x200000")
    #expect(items.map(\.offset) == [0, 12])
    #expect(items.map(\.text) == ["1M$0x100000", "2M!0x200000"])
  }

  @Test func exactmapIsAPrefixMatch() {
    #expect(op("exactmapX") == .exactmap)
    #expect(op("exactmap_and_more") == .exactmap)
    // Not exactmap: 'e' is a memparse suffix with no digits, a valid 0 → bare size 0.
    #expect(op("exactma") == .removeUsableAbove(0))
    #expect(op("EXACTMAP") == .removeUsableAbove(0))
  }

  @Test func numbersReadAsMemparseReadsThem() {
    #expect(op("010M$0x10000000") == .add(start: 0x1000_0000, size: 8 << 20, kind: .reserved))  // octal
    #expect(op("0x10E$0x10000000") == .add(start: 0x1000_0000, size: 270, kind: .reserved))  // E is a hex digit
    #expect(op("1e$0") == .add(start: 0, size: 1 << 60, kind: .reserved))  // decimal 1 exa
    #expect(op("0x1G@0") == .add(start: 0, size: 1 << 30, kind: .usable))
    #expect(op("0X10$0x10") == .add(start: 16, size: 16, kind: .reserved))
    #expect(op("16E@0") == .add(start: 0, size: 0, kind: .usable))  // wraps to 0
    #expect(op("17E$0x100000000000") == .add(start: 0x1000_0000_0000, size: 1 << 60, kind: .reserved))
    #expect(op("18446744073709551617$0x10000000") == .add(start: 0x1000_0000, size: 1, kind: .reserved))
    #expect(op("M$0x10000000") == .add(start: 0x1000_0000, size: 0, kind: .reserved))  // a lone suffix is 0
    #expect(op("K") == .removeUsableAbove(0))
    #expect(op("08M$0x10000000") == .removeUsableAbove(0))  // '8' is not octal: stops there
    #expect(op("0xG$0x10000000") == .removeUsableAbove(0))  // 0x without a hex digit: octal 0
  }

  @Test func unknownSeparatorsAreBareSizes() {
    for text in ["1G&0x10000000", "512MB$0x10000000", "12M*4096:oops", "64M=0x10000000", "1KB$0x10000000"] {
      let item = MemmapParameter.item(Array(text.utf8))
      guard case .removeUsableAbove = item.operation else {
        Issue.record("\(text): \(item.operation)")
        continue
      }
      #expect(item.kernelRejects)
      #expect(item.problems.contains { $0.contains("removes all usable RAM") }, "\(item.problems)")
    }
    #expect(op("1G&0x10000000") == .removeUsableAbove(1 << 30))
    #expect(op("512MB$0x10000000") == .removeUsableAbove(512 << 20))
  }

  @Test func trailingTextAfterAnAddIsIgnoredButTheRangeIsAdded() {
    let item = MemmapParameter.item(Array("64M$0x10000000$0x20000000".utf8))
    #expect(item.operation == .add(start: 0x1000_0000, size: 64 << 20, kind: .reserved))
    #expect(item.kernelRejects)
    #expect(op("64M@0x40000000junk") == .add(start: 0x4000_0000, size: 64 << 20, kind: .usable))
    #expect(op("64M$") == .add(start: 0, size: 64 << 20, kind: .reserved))
    #expect(op("64M!") == .add(start: 0, size: 64 << 20, kind: .persistentLegacy))
  }

  @Test func percentItems() {
    // Anything left after the types: the whole item is ignored, but userdef is set.
    for text in ["64M%0x10000000+2-1", "64M%0x10000000-1+2junk", "64M%0x10000000-1junk", "64M%0x10000000junk"] {
      let item = MemmapParameter.item(Array(text.utf8))
      #expect(item.operation == .nothing, "\(text)")
      #expect(item.setsUserDefinedMap)
    }
    #expect(op("64M%0x10000000-0+2") == .add(start: 0x1000_0000, size: 64 << 20, kind: .reserved))
    #expect(op("64M%0x10000000-1+0") == .remove(start: 0x1000_0000, size: 64 << 20, kind: .usable))
    #expect(op("64M%0x10000000+0") == .remove(start: 0x1000_0000, size: 64 << 20, kind: nil))
    #expect(op("64M%0x10000000-0x1+0x2") == .retype(start: 0x1000_0000, size: 64 << 20, from: .usable, to: .reserved))
    #expect(
      op("64M%0x10000000-01+014") == .retype(start: 0x1000_0000, size: 64 << 20, from: .usable, to: .persistentLegacy))
    // Types are u32 before the kernel tests them for zero.
    #expect(op("64M%0x10000000-0x100000000") == .remove(start: 0x1000_0000, size: 64 << 20, kind: nil))
    #expect(op("64M%0x10000000-0x100000000+2") == .add(start: 0x1000_0000, size: 64 << 20, kind: .reserved))
    #expect(op("64M%0x10000000+0x100000001") == .add(start: 0x1000_0000, size: 64 << 20, kind: .usable))
    #expect(
      op("64M%0x10000000-1+0x100000001") == .retype(start: 0x1000_0000, size: 64 << 20, from: .usable, to: .usable))
    #expect(
      op("1M%0x10000000-4294967295+1")
        == .retype(start: 0x1000_0000, size: 1 << 20, from: RegionKind(rawValue: 0xffff_ffff), to: .usable))
    // Suffixes are not read for types: '1K' leaves 'K' behind.
    #expect(op("1M%0x10000000-1K") == .nothing)
  }

  @Test func itemsWithoutANumberAreIgnoredEntirely() {
    for text in ["+64M$0x10000000", " 64M$0x10000000", "-1", "@0x1000", "", "$"] {
      let item = MemmapParameter.item(Array(text.utf8))
      #expect(item.operation == .ignored, "\(text)")
      #expect(!item.setsUserDefinedMap)
    }
  }

  @Test func x86MemOption() {
    #expect(X86MemParameter.parse(nil) == .missingValue)
    #expect(X86MemParameter.parse("nopentium") == .nopentium)
    #expect(X86MemParameter.parse("nopentiumX") == .zero("nopentiumX"))
    #expect(X86MemParameter.parse("0") == .zero("0"))
    #expect(X86MemParameter.parse("") == .zero(""))
    #expect(X86MemParameter.parse("foo") == .zero("foo"))
    #expect(X86MemParameter.parse("16E") == .zero("16E"))
    #expect(X86MemParameter.parse("G") == .zero("G"))
    #expect(X86MemParameter.parse("-1") == .zero("-1"))
    #expect(X86MemParameter.parse("4G") == .limit(4 << 30, ignoredText: nil))
    #expect(X86MemParameter.parse("4G@1G") == .limit(4 << 30, ignoredText: "@1G"))
    #expect(X86MemParameter.parse("512M,768M") == .limit(512 << 20, ignoredText: ",768M"))
    #expect(X86MemParameter.parse("17E") == .limit(1 << 60, ignoredText: nil))
    #expect(X86MemParameter.parse("0").setsUserDefinedMap)
    #expect(!X86MemParameter.parse("nopentium").setsUserDefinedMap)
  }

  // MARK: crashkernel=

  func crash(_ line: String, ram: UInt64 = 1 << 30) -> CrashKernelParameter.Outcome? {
    CrashKernelParameter.parse(line, systemRAM: ram)
  }

  @Test func crashkernelForms() {
    #expect(crash("quiet") == nil)
    #expect(
      crash("crashkernel=64M")?.request
        == CrashKernelRequest(form: .simple, size: 64 << 20, base: nil, lowSize: 0, text: "crashkernel=64M"))
    #expect(crash("crashkernel=64M@0x30000000")?.request?.base == 0x3000_0000)
    #expect(crash("crashkernel=64M@0")?.request?.base == nil)  // base 0 means "choose"
    let ranges = crash("crashkernel=512M-2G:64M,2G-:128M")?.request
    #expect(ranges?.form == .ranges)
    #expect(ranges?.size == 64 << 20)
    #expect(crash("crashkernel=512M-2G:64M,2G-:128M", ram: 3 << 30)?.request?.size == 128 << 20)
    // Sized by the memory rounded up to 128 MiB: 511.6 MiB → 512 MiB.
    #expect(crash("crashkernel=256M-768M:32M,768M-:128M", ram: 0x1ff9_e000)?.request?.size == 32 << 20)
    #expect(crash("crashkernel=256M-512M:32M@0x20000000 quiet", ram: 300 << 20)?.request?.base == 0x2000_0000)
    let high = crash("crashkernel=256M,high")?.request
    #expect(
      high
        == CrashKernelRequest(
          form: .high, size: 256 << 20, base: nil, lowSize: 256 << 20, text: "crashkernel=256M,high"))
    #expect(crash("crashkernel=256M,high crashkernel=64M,low")?.request?.lowSize == 64 << 20)
    // A plain crashkernel= anywhere wins over ,high.
    #expect(crash("crashkernel=256M,high crashkernel=64M")?.request?.form == .simple)
    // The last one wins; the search is strstr() over the raw line (even past `--`).
    #expect(crash("crashkernel=64M crashkernel=128M")?.request?.size == 128 << 20)
    #expect(crash("-- xcrashkernel=32M")?.request?.size == 32 << 20)
  }

  @Test func crashkernelRefusals() {
    #expect(crash("crashkernel=2G")?.request == nil)  // not below the memory size: silent
    #expect(crash("crashkernel=2G")?.complaints == [])
    #expect(crash("crashkernel=foo")?.complaints == [.memoryValueExpected])
    #expect(crash("crashkernel=64Mx")?.complaints == [.unrecognizedCharacter(UInt8(ascii: "x"))])
    #expect(crash("crashkernel=2G-1G:64M")?.complaints == [.endNotAfterStart])
    #expect(crash("crashkernel=1G:64M")?.complaints == [.dashExpected])
    #expect(crash("crashkernel=512M-2G;64M:")?.complaints == [.colonExpected])
    #expect(crash("crashkernel=512M-2G:")?.complaints == [.rangeValueExpected])
    #expect(crash("crashkernel=512M-2G:2G")?.complaints == [.invalidSize])
    #expect(crash("crashkernel=2G-4G:64M")?.complaints == [.zeroSize])
    #expect(crash("crashkernel=2G-4G:64M")?.request == nil)
    #expect(crash("crashkernel=512M-2G:64M@")?.complaints == [.offsetValueExpected])
    #expect(crash("crashkernel=64M,highx")?.request == nil)
    #expect(crash("crashkernel=0,high")?.request == nil)
  }

  @Test func cmaForms() {
    #expect(CMAParameter(parsing: "64M") == CMAParameter(size: 64 << 20))
    #expect(
      CMAParameter(parsing: "64M@0x80000000") == CMAParameter(size: 64 << 20, base: 0x8000_0000, limit: 0x8400_0000))
    #expect(CMAParameter(parsing: "64M@2G-3G") == CMAParameter(size: 64 << 20, base: 2 << 30, limit: 3 << 30))
    #expect(CMAParameter(parsing: "64Mx@2G") == CMAParameter(size: 64 << 20))  // reading stops at 'x'
    #expect(CMAParameter(parsing: "junk").size == 0)
    #expect(CMAParameter(parsing: "16E@16E").limit == 0)  // base + size wraps like the kernel's
  }
}
