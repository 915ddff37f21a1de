import BootModel
import MemoryModel
import TestSupport
import Testing

/// The one request value: kernel versions, command-line sources, the command line carried from
/// one input to the next.
@Suite struct BootRequestTests {
  @Test func kernelVersionsAreReadFromVersionsAndReleases() {
    #expect(KernelVersion(release: "6.12") == .v6_12)
    #expect(KernelVersion(release: "6.12.100") == .v6_12)
    #expect(KernelVersion(release: "6.12.100+deb12-arm64") == .v6_12)
    #expect(KernelVersion(release: "6.1") == .v6_1)
    #expect(KernelVersion(release: "6.1.176") == .v6_1)
    #expect(KernelVersion(release: "6.1.0-50-arm64") == .v6_1)
    for unsupported in ["5.10", "6.10", "6.6", "6.120", "6.12x", "6", "", "6.", ".12", "v6.12", "6.12-rc1", "6.1-rc1"] {
      #expect(KernelVersion(release: unsupported) == nil, "\(unsupported)")
    }
    #expect(KernelVersion.supportedNames == "6.1, 6.12")
  }

  @Test func theCommandLineComesWithTheInputUnlessGiven() throws {
    let (_, withArgs) = try DTC.board(source: "/dts-v1/;\n/ { chosen { bootargs = \"mem=1G\"; }; };\n")
    let (_, without) = try DTC.board(source: "/dts-v1/;\n/ { };\n")
    let own = BootRequest(.deviceTree(withArgs))
    #expect(own.commandLine == BootCommandLine("mem=1G", source: .bootargs("/chosen")))
    #expect(own.commandLine.source.description == "/chosen/bootargs")
    // Another input brings its own command line (or none); a given one stays.
    #expect(own.with(.deviceTree(without)).commandLine == .empty)
    let given = BootRequest(
      .deviceTree(withArgs), commandLine: BootCommandLine("numa=off", source: .given("--cmdline")))
    #expect(given.with(.deviceTree(without)).commandLine.text == "numa=off")
    let log = E820Firmware([], commandLine: BootCommandLine("memmap=1G", source: .kernelLog("boot.log")))
    #expect(BootRequest(.e820(log)).commandLine.source.description == "boot.log: Command line")
    #expect(BootRequest(.e820(log)).architecture == .x86 && own.architecture == .arm64)
  }

  @Test func theKernelKeepsWhatTheLimitAllows() {
    let long = String(repeating: "a", count: 3000)
    let request = BootRequest(.noFirmwareTable, commandLine: BootCommandLine(long, source: .given("--cmdline")))
    #expect(request.kernelCommandLine.text.utf8.count == 2047 && request.kernelCommandLine.wasTruncated)
    var lifted = request
    lifted.limits.commandLineSize = nil
    #expect(lifted.kernelCommandLine.text.utf8.count == 3000)
  }

  @Test func everyResultNamesItsKernel() throws {
    let (_, board) = try DTC.board(
      source:
        "/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; memory@40000000 { device_type = \"memory\"; reg = <0 "
        + "0x40000000 0 0x40000000>; }; };\n"
    )
    #expect(try Boot.run(BootRequest(.deviceTree(board))).kernel == .v6_12)
    #expect(try Boot.run(BootRequest(.deviceTree(board), architecture: .x86)).kernel == .v6_12)
    #expect(throws: BootModelError.self) { try Boot.run(BootRequest(.noFirmwareTable, architecture: .arm64)) }
  }

  /// A device tree's e820 view is its own description: no command line applies, not even its
  /// bootargs.
  @Test func theE820ViewIgnoresBootargs() throws {
    let body = "memory@40000000 { device_type = \"memory\"; reg = <0 0x40000000 0 0x40000000>; };"
    let (_, plain) = try DTC.board(source: "/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; \(body) };\n")
    let chosen = "chosen { bootargs = \"mem=64M\"; };"
    let root = "#address-cells = <2>; #size-cells = <2>;"
    let (_, limited) = try DTC.board(source: "/dts-v1/;\n/ { \(root) \(body) \(chosen) };\n")
    #expect(try Boot.e820View(of: limited) == Boot.e820View(of: plain))
    #expect(try Boot.e820View(of: plain).totalSize(of: .usable) == 1 << 30)
    // The boot itself does apply them.
    #expect(try Boot.run(BootRequest(.deviceTree(limited))).e820.totalSize(of: .usable) == 64 << 20)
  }
}
