import Foundation
import TestSupport
import Testing

@testable import dtmem

/// `--kernel VERSION` on every command that runs a boot model: in its help, refused with the
/// supported versions when unknown, and named in the output.
@Suite struct KernelOptionTests {
  static let bootCommands = [
    "show", "simulate", "to-memmap", "to-e820", "to-dts", "to-overlay", "apply", "validate", "diff",
  ]
  static let board = "dts/qemu-virt-2g.dts"

  /// An overlay that adds one clean static region, and where `apply` writes.
  static let scratch: (overlay: String, output: String) = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-kernel-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let overlay = directory.appendingPathComponent("region.dtso")
    try! """
    /dts-v1/;
    /plugin/;
    &{/} { reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
      fw@7f000000 { reg = <0x0 0x7f000000 0x0 0x100000>; no-map; }; }; };
    """.write(to: overlay, atomically: true, encoding: .utf8)
    return (overlay.path, directory.appendingPathComponent("out.dtb").path)
  }()

  /// Each command's arguments for one run on the QEMU board.
  static func arguments(_ command: String) -> [String] {
    switch command {
    case "to-overlay": [command, board, "--cmdline", "memmap=64M$0x90000000"]
    case "apply": [command, board, scratch.overlay, "-o", scratch.output]
    case "diff": [command, board, board]
    default: [command, board]
    }
  }

  @Test func everyBootCommandTakesIt() {
    for name in Self.bootCommands {
      let command = DTMem.command(named: name)
      #expect(command?.spec.options.contains { $0.name == "kernel" } == true, "\(name)")
      #expect(command.map { HelpText.command($0.spec).contains("--kernel <version>") } == true, "\(name)")
    }
  }

  @Test func anUnsupportedVersionIsOneLineListingTheSupportedOnes() throws {
    for name in Self.bootCommands {
      let result = try InProcess.run(Self.arguments(name) + ["--kernel", "5.10"])
      #expect(result.status == 2, "\(name)")
      #expect(
        result.errorText == "dtmem: error: --kernel 5.10: unsupported kernel version; supported: 6.1, 6.12\n", "\(name)"
      )
      #expect(result.text.isEmpty, "\(name)")
    }
  }

  @Test func theJSONOfEveryBootCommandNamesTheKernel() throws {
    for name in Self.bootCommands {
      var words = Self.arguments(name) + ["--kernel", "6.12"]
      words += name == "validate" ? ["--format", "json"] : ["--json"]
      let result = try InProcess.run(words)
      #expect(result.status == 0, "\(name): \(result.errorText)")
      let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any]
      #expect(object?["kernel"] as? String == "6.12", "\(name)")
    }
  }

  @Test func textReportsNameTheKernel() throws {
    #expect(
      try InProcess.run(["simulate", Self.board]).text.hasPrefix("\(Self.board): arm64 boot model (Linux 6.12)\n"))
    #expect(try InProcess.run(["show", Self.board]).text.contains("arm64 boot model, Linux 6.12, 4K pages"))
    #expect(
      try InProcess.run(["to-overlay", "--cmdline", "memmap=64M$0x90000000"]).text.contains(
        "overlay for Linux 6.12 on arm64"))
  }
}
