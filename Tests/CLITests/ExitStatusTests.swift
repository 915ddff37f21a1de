import Foundation
import TestSupport
import Testing

/// The contract's exit statuses and the one-line error format.
@Suite struct ExitStatusTests {
  func expectUsageError(_ arguments: [String], input: [UInt8]? = nil, mentioning text: String) throws {
    let result = try DTMemBinary.run(arguments, input: input)
    #expect(result.status == 2, "\(arguments): status \(result.status)")
    #expect(result.text.isEmpty, "\(arguments): nothing on stdout")
    let lines = result.errorText.split(separator: "\n")
    #expect(lines.first?.hasPrefix("dtmem: error: ") == true, "\(result.errorText)")
    #expect(result.errorText.contains(text), "\(arguments): \(result.errorText)")
  }

  @Test func successIsZero() throws {
    #expect(try DTMemBinary.run(["show", "dts/qemu-virt-2g.dts"]).status == 0)
    #expect(try DTMemBinary.run(["--help"]).status == 0)
    #expect(try DTMemBinary.run(["--version"]).status == 0)
  }

  @Test func unusableInputsAreTwoWithOneLine() throws {
    try expectUsageError(["show", "/nonexistent/board.dtb"], mentioning: "/nonexistent/board.dtb: No such file")
    try expectUsageError(["show", "-"], input: Array("hello world\n".utf8), mentioning: "<stdin>: unrecognised input")
    try expectUsageError(["show", "-"], input: [], mentioning: "empty input")
    // " : " before the first '-' once made the /proc/iomem check build a reversed range.
    try expectUsageError(
      ["show", "-"], input: Array("all : build-x\n".utf8), mentioning: "<stdin>: unrecognised input")
    try expectUsageError(
      ["show", "-"], input: [0xd0, 0x0d, 0xfe, 0xed, 0, 0], mentioning: "shorter than the 40-byte header")
    try expectUsageError(
      ["show", "-"], input: Array("/dts-v1/;\n/ { oops".utf8), mentioning: "dtc could not compile it")
    try expectUsageError(["show", "dts"], mentioning: "dts")
  }

  @Test func badOptionValuesAreTwo() throws {
    try expectUsageError(["show", "dts/qemu-virt-2g.dts", "--reserve", "0x40000000"], mentioning: "--reserve")
    try expectUsageError(
      ["show", "dts/qemu-virt-2g.dts", "--reserve", "0xffffffffffffffff:2"], mentioning: "past the end")
    try expectUsageError(["show", "dts/qemu-virt-2g.dts", "--memory", "1G:64MB"], mentioning: "--memory")
    try expectUsageError(["show", "dts/qemu-virt-2g.dts", "--arch", "riscv"], mentioning: "--arch")
    try expectUsageError(["show", "dts/qemu-virt-2g.dts", "--page-size", "8K"], mentioning: "--page-size")
    try expectUsageError(["to-memmap", "dts/qemu-virt-2g.dts", "--quote", "csh"], mentioning: "--quote")
    try expectUsageError(["show", "dts/qemu-virt-2g.dts", "--no-such-flag"], mentioning: "no-such-flag")
  }

  @Test func aBlobWithoutMemorySaysHowToSupplyIt() throws {
    let source =
      "/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; memory@40000000 { device_type = \"memory\"; reg = <0 "
      + "0x40000000 0 0>; }; };\n"
    try expectUsageError(["show", "-"], input: Array(source.utf8), mentioning: "--memory START:SIZE")
    let supplied = try DTMemBinary.run(["show", "-", "--memory", "0x40000000:1G", "--json"], input: Array(source.utf8))
    #expect(supplied.status == 0, "\(supplied.errorText)")
    #expect(supplied.text.contains("\"size\": \"0x40000000\""))
  }
}
