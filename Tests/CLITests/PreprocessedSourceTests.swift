import Foundation
import TestSupport
import Testing

/// Kernel-tree `.dts` files with `#include`/`#define` go through the C preprocessor as the
/// kernel's build runs it (issue 12); a header cpp cannot find is one line saying how to do it.
@Suite struct PreprocessedSourceTests {
  @Test func includeAndDefineArePreprocessed() throws {
    let result = try InProcess.run(["show", "dts/fixtures/cpp/board.dts", "--json"])
    #expect(result.status == 0, "\(result.errorText)")
    let document = try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
    let banks = try #require(document["banks"] as? [[String: Any]])
    #expect(banks.map { $0["start"] as? String } == ["0x40000000"])
    #expect(banks.map { $0["size"] as? String } == ["0x80000000"])
    let reserved = try #require(document["reserved"] as? [[String: Any]])
    #expect(reserved.first { $0["name"] as? String == "linux,cma" }?["size"] as? String == "0x4000000")
  }

  @Test func aMissingHeaderSaysHowToPreprocess() throws {
    let result = try InProcess.run(["validate", "dts/fixtures/cpp/missing-header.dts"])
    #expect(result.status == 2)
    let lines = result.errorText.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(lines[0].contains("cpp could not preprocess it ("))
    #expect(lines[0].contains("dt-bindings/missing.h: No such file or directory"))
    #expect(
      lines[0].hasSuffix(
        "cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I LINUX/include -I LINUX/scripts/dtc/include-prefixes "
          + "dts/fixtures/cpp/missing-header.dts | dtmem … -"))
  }

  @Test func plainSourceDoesNotNeedCpp() throws {
    #expect(try InProcess.run(["show", "dts/qemu-virt-2g.dts"]).status == 0)
  }
}
