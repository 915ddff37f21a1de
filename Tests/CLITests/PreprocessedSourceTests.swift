import Foundation
import TestSupport
import Testing

@testable import dtmem

/// Kernel-tree sources: `#include` and macros go through cpp as the kernel's build does
/// (scripts/Makefile.lib, cmd_dtc), then dtc (issue 12, "Kernel-tree sources").
/// dts/fixtures/kernel-tree/flat.dts is board.dts written out by hand: the oracle.
@Suite struct PreprocessedSourceTests {
  static let folder = "dts/fixtures/kernel-tree"

  /// The JSON report with the input's name (board.dts, flat.dts, <stdin>) replaced by `INPUT`.
  static func report(_ words: [String], input: [UInt8]? = nil) throws -> String {
    let result = try InProcess.run(words + ["--json"], input: input)
    #expect(result.status == 0, "\(words): \(result.errorText)")
    return ["\(folder)/board.dts", "\(folder)/flat.dts", "<stdin>"].reduce(result.text) {
      $0.replacingOccurrences(of: $1, with: "INPUT")
    }
  }

  @Test(arguments: ["show", "simulate", "to-memmap", "to-e820", "to-dts", "validate"])
  func includesResolveAsTheKernelBuildDoes(_ command: String) throws {
    let flat = try Self.report([command, "\(Self.folder)/flat.dts"])
    #expect(try Self.report([command, "\(Self.folder)/board.dts", "-I", "\(Self.folder)/include"]) == flat)
    #expect(try Self.report([command, "\(Self.folder)/board.dts", "--include-dir=\(Self.folder)/include"]) == flat)
    #expect(try Self.report([command, "\(Self.folder)/board.dts", "-I\(Self.folder)/include"]) == flat)
  }

  @Test func theSourcesOwnFolderAndEveryFolderAreSearched() throws {
    let flat = try Self.report(["show", "\(Self.folder)/flat.dts"])
    // Standard input has no folder: "soc.dtsi" is found only through -I.
    let source = Array(try Data(contentsOf: Repository.path("\(Self.folder)/board.dts")))
    #expect(try Self.report(["show", "-", "-I", "\(Self.folder)/include", "-I", Self.folder], input: source) == flat)
    let alone = try InProcess.run(["show", "-", "-I", "\(Self.folder)/include"], input: source)
    #expect(alone.status == 2)
    #expect(
      alone.errorText
        == "dtmem: error: <stdin>: cpp could not preprocess it: <stdin>:7:10: fatal error: soc.dtsi: No such file or "
        + "directory; give the folder that holds it with -I DIR (in a kernel tree: -I scripts/dtc/include-prefixes)\n")
    // apply compiles its base the same way.
    let directory = try TestHelperTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.dtb").path
    let applied = try InProcess.run([
      "apply", "\(Self.folder)/board.dts", "dts/fixtures/overlay/reserved-overlap.dtso", "-o", out, "-I",
      "\(Self.folder)/include",
    ])
    #expect(applied.status != 2, "\(applied.errorText)")
  }

  @Test func withoutTheIncludeFolderCppSaysWhatIsMissing() throws {
    let result = try DTMemBinary.run(["show", "\(Self.folder)/board.dts"])
    #expect(result.status == 2)
    #expect(result.text.isEmpty)
    #expect(
      result.errorText
        == "dtmem: error: \(Self.folder)/board.dts: cpp could not preprocess it: \(Self.folder)/board.dts:6:10: fatal "
        + "error: dt-bindings/memory/carveouts.h: No such file or directory; give the folder that holds it with -I DIR "
        + "(in a kernel tree: -I scripts/dtc/include-prefixes)\n")
  }

  /// With dtc but no cpp on PATH, the error says exactly that; source without directives needs no cpp.
  @Test func withoutCppTheErrorSaysSo() throws {
    let directory = try TestHelperTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let dtc = try #require(
      ["/usr/bin/dtc", "/usr/local/bin/dtc"].first { FileManager.default.isExecutableFile(atPath: $0) })
    try FileManager.default.createSymbolicLink(
      atPath: directory.appendingPathComponent("dtc").path, withDestinationPath: dtc)
    let environment = ["PATH": directory.path]
    let result = try Command.run(
      [DTMemBinary.url.path, "show", "\(Self.folder)/board.dts", "-I", "\(Self.folder)/include"],
      environment: environment, directory: Repository.root)
    #expect(result.status == 2)
    #expect(
      result.errorText
        == "dtmem: error: \(Self.folder)/board.dts: is device tree source with C preprocessor directives (#include, "
        + "#define, …), which the kernel's build runs through cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp "
        + "before dtc, and cpp is not installed (apt-get install cpp), or give a .dtb\n")
    let flat = try Command.run(
      [DTMemBinary.url.path, "show", "\(Self.folder)/flat.dts"], environment: environment, directory: Repository.root)
    #expect(flat.status == 0, "\(flat.errorText)")
  }

  @Test func onlySourceWithDirectivesIsPreprocessed() {
    func needed(_ text: String) -> Bool { DeviceTreePreprocessor.isNeeded(Array(text.utf8)) }
    #expect(!needed("/dts-v1/;\n/ { #address-cells = <2>; };\n"))
    #expect(!needed("/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\t#interrupt-cells = <1>;\n};\n"))
    #expect(!needed("/ { x = \"#include\"; };\n"))
    #expect(needed("/dts-v1/;\n#include \"soc.dtsi\"\n"))
    #expect(needed("  #  define SIZE 0x1000\n"))
    #expect(needed("#ifdef X\n#endif"))
    #expect(needed("#include"))
    // A source that starts with #include is source (its /dts-v1/ is in what it includes).
    #expect(InputFormat.detect(Array("// SPDX\n#include \"board.dtsi\"\n".utf8)) == .deviceTreeSource)
    #expect(DeviceTreePreprocessor.folder(of: "board.dts") == ".")
    #expect(DeviceTreePreprocessor.folder(of: "/board.dts") == "/")
    #expect(DeviceTreePreprocessor.folder(of: "a/b/board.dts") == "a/b")
  }

  /// dtc's limits hold for cpp: an #include of a FIFO nobody writes, and one of a large file.
  @Test func cppRunsWithinDtcsLimits() throws {
    let directory = try TestHelperTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let waiting = Array("/dts-v1/;\n#include \"\(fifo)\"\n/ { };\n".utf8)
    let quick = Subprocess.Limits(seconds: 1, outputBytes: 1 << 20, memoryBytes: 1 << 30)
    #expect {
      try DeviceTreeCompiler.compile(waiting, name: "fifo.dts", path: nil, limits: quick)
    } throws: { error in
      (error as? CLIError)?.why
        == "cpp did not finish within 1 s (dtmem's time limit for cpp; an #include of a device or an endless file?); "
        + "stopped it"
    }
    // And stopped all of it: no cc1 is left with the FIFO open (a writer that opens it without
    // blocking finds no reader, ENXIO). Such an orphan held every descriptor it inherited.
    // One look, after the killed ones have had time to exit: opening it would free an orphan.
    usleep(300_000)
    let writer = open(fifo, O_WRONLY | O_NONBLOCK)
    let noReader = writer < 0 && errno == ENXIO
    if writer >= 0 { close(writer) }
    #expect(noReader, "a process cpp started still has the FIFO open")
    let large = directory.appendingPathComponent("large.dtsi")
    try Data(String(repeating: "/ { };\n", count: 1 << 16).utf8).write(to: large)
    let including = Array("/dts-v1/;\n#include \"\(large.path)\"\n".utf8)
    let small = Subprocess.Limits(seconds: 20, outputBytes: 64 << 10, memoryBytes: 1 << 30)
    #expect {
      try DeviceTreeCompiler.compile(including, name: "large.dts", path: nil, limits: small)
    } throws: { error in
      (error as? CLIError)?.why
        == "cpp wrote more than 64 KiB (dtmem's size limit for preprocessed source; an #include of a large file?); "
        + "stopped it"
    }
  }

  /// The first kernel-tree fixture (dts/fixtures/cpp): `#include <dt-bindings/mem.h>` and `#define`.
  @Test func includeAndDefineArePreprocessed() throws {
    let result = try InProcess.run(["show", "dts/fixtures/cpp/board.dts", "-I", "dts/fixtures/cpp/include", "--json"])
    #expect(result.status == 0, "\(result.errorText)")
    let document = try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
    let banks = try #require(document["banks"] as? [[String: Any]])
    #expect(banks.map { $0["start"] as? String } == ["0x40000000"])
    #expect(banks.map { $0["size"] as? String } == ["0x80000000"])
    let reserved = try #require(document["reserved"] as? [[String: Any]])
    #expect(reserved.first { $0["name"] as? String == "linux,cma" }?["size"] as? String == "0x4000000")
  }

  @Test func aMissingHeaderSaysWhereToLook() throws {
    let result = try InProcess.run(["validate", "dts/fixtures/cpp/missing-header.dts"])
    #expect(result.status == 2)
    #expect(
      result.errorText
        == "dtmem: error: dts/fixtures/cpp/missing-header.dts: cpp could not preprocess it: "
        + "dts/fixtures/cpp/missing-header.dts:3:10: fatal error: dt-bindings/missing.h: No such file or directory; "
        + "give the folder that holds it with -I DIR (in a kernel tree: -I scripts/dtc/include-prefixes)\n")
  }

  @Test func plainSourceDoesNotNeedCpp() throws {
    #expect(try InProcess.run(["show", "dts/qemu-virt-2g.dts"]).status == 0)
  }
}
