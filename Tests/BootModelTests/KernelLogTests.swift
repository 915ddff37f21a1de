import BootModel
import KernelParameters
import MemoryModel
import TestSupport
import Testing

/// The kernel's words, rendered from events: what parsing and placement report comes out as
/// the lines Linux 6.12 prints.
@Suite struct KernelLogTests {
  static let arm64 = KernelLog.renderer(.arm64, .v6_12)
  static let x86 = KernelLog.renderer(.x86, .v6_12)

  /// `parse_crashkernel()`'s complaints, from the value to the printed line (the same on both).
  @Test func crashkernelComplaintsPrintTheKernelsWords() {
    let cases: [(String, [String])] = [
      ("crashkernel=2G", []),
      ("crashkernel=foo", ["crashkernel: memory value expected"]),
      ("crashkernel=64Mx", ["crashkernel: unrecognized char: x"]),
      ("crashkernel=2G-1G:64M", ["crashkernel: end <= start"]),
      ("crashkernel=1G:64M", ["crashkernel: '-' expected"]),
      ("crashkernel=512M-2G;64M:", ["crashkernel: ':' expected"]),
      ("crashkernel=512M-2G:", ["crashkernel: Memory value expected"]),
      ("crashkernel=512M-2G:2G", ["crashkernel: invalid size"]),
      ("crashkernel=2G-4G:64M", ["crashkernel size resulted in zero bytes"]),
      ("crashkernel=512M-2G:64M@", ["crahskernel: Memory value expected after '@'"]),
    ]
    for (commandLine, lines) in cases {
      let complaints = CrashKernelParameter.parse(commandLine, systemRAM: 1 << 30)?.complaints ?? []
      let events = complaints.map { BootEvent.parameter(.crashKernel($0)) }
      #expect(Self.x86.lines(for: events) == lines, "\(commandLine)")
      #expect(Self.arm64.lines(for: events) == lines, "\(commandLine)")
    }
  }

  /// x86 `parse_memopt()`: what `mem` without a value and `mem=nopentium` print, in order.
  @Test func x86MemComplaints() throws {
    let entries = [
      MapEntry(start: 0, size: 0x9_fc00, kind: .usable), MapEntry(start: 0x10_0000, size: 0x3ff0_0000, kind: .usable),
    ]
    func log(_ commandLine: String) throws -> [String] {
      let request = BootRequest(
        .e820(E820Firmware(entries)), commandLine: BootCommandLine(commandLine, source: .given("--cmdline")))
      let result = try Boot.run(request)
      return result.kernelLog.filter { $0.hasPrefix("mem") || $0.hasPrefix("Malformed") }
    }
    #expect(try log("mem") == ["Malformed early option 'mem'"])
    #expect(
      try log("mem=nopentium") == ["mem=nopentium ignored! (only supported on x86_32)", "Malformed early option 'mem'"])
    #expect(try log("mem=1G") == [])
  }

  /// Events an architecture's kernel does not have print nothing there; silent events print
  /// nothing anywhere.
  @Test func silentEventsPrintNothing() {
    let node = ReservedNode(name: "pool", path: "/reserved-memory/pool")
    let silent: [BootEvent] = [
      .reservedMemory(.reserved(node, RegTuple(address: 0x8000_0000, size: 0x1000), noMap: true)),
      .reservedMemory(.allocated(node, base: 0x8000_0000, size: 0x1000, alignment: 64)),
      .reservedMemory(.cmaRefused(node, .reusableWithNoMap)),
      .numa(.assigned(nodes: [0, 1])),
      .kernelAllocation(.reserveMemPlaced(name: "oops", base: 0x8000_0000, size: 0x1000)),
      .kernelAllocation(.reserveMemRefused(name: "oops", .noRoom(AllocationRequest(size: 0x1000, alignment: 64)))),
    ]
    #expect(Self.arm64.lines(for: silent).isEmpty)
    #expect(Self.x86.lines(for: silent + [.memory(.beyondLinearMap), .reservedMemory(.noNode)]).isEmpty)
    #expect(Self.arm64.lines(for: [.e820(.tableFull(start: 0, size: 0x1000))]).isEmpty)
  }

  /// A stop prints as the kernel stops: a panic line, or the BUG line itself.
  @Test func stopsPrintTheirLastLine() {
    let panic = BootStop(.invalidUserMemoryMap(.fewerThanTwoEntries(0)))
    #expect(Self.x86.lines(for: .stop(panic)) == ["Kernel panic - not syncing: Invalid user supplied memory map"])
    let bug = BootStop(.rangeUpdateToSameType(.usable))
    #expect(Self.x86.lines(for: .stop(bug)) == ["kernel BUG at arch/x86/kernel/e820.c:469!"])
    let overflow = BootStop(.reservedMemoryArrayOverflow(dynamicChildren: 65))
    #expect(
      Self.arm64.lines(for: .stop(overflow)) == [
        "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: fdt_scan_reserved_mem"
      ])
  }
}
