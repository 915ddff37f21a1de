import KernelParameters
import Testing

/// `parse_args()` splitting: where each token starts and ends, and a command line without some
/// parameters.
@Suite struct KernelCommandLineTests {
  @Test func tokensKnowWhereTheyEnd() {
    let line = KernelCommandLine(#"  mem=1G "quoted=a b"  memmap=64M$0x1000 --  init"#)
    #expect(line.parameters.map(\.text) == ["mem=1G", "quoted=a b", "memmap=64M$0x1000"])
    let bytes = Array(line.text.utf8)
    #expect(
      line.parameters.map { String(decoding: bytes[$0.offset..<$0.end], as: UTF8.self) } == [
        "mem=1G", #""quoted=a b""#, "memmap=64M$0x1000",
      ])
  }

  @Test func removingParametersKeepsEverythingElseInPlace() {
    let line = KernelCommandLine(#"mem=1G crashkernel=64M "mem=2G" x=1 mem -- mem=3G"#)
    let without = KernelCommandLine(line.text(removingParametersNamed: "mem"))
    #expect(without.parameters.map(\.text) == ["crashkernel=64M", "x=1"])
    // Byte offsets and what follows `--` (init's, and crashkernel='s strstr) stay as they were.
    #expect(without.text.utf8.count == line.text.utf8.count)
    #expect(without.initArguments == line.initArguments)
    #expect(without.parameters.map(\.offset) == line.parameters.filter { !$0.isNamed("mem") }.map(\.offset))
  }
}
