import BootModel
import MemoryModel
import TestSupport
import Testing

/// `mem=` below the kernel image: arm64_memblock_init() keeps the first N bytes and adds the whole
/// Image (`_text` to `_end`) back, on 6.1 as on 6.12 — what the recorded boots show
/// (arm64-memcap-*, arm64-61-memcap-*); the replays check the same through the printed lines.
@Suite struct MemblockInitMemLimitTests {
  static let board = """
    /dts-v1/;
    / { #address-cells = <2>; #size-cells = <2>;
      memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x80000000>; }; };
    """

  static func memory(_ cmdline: String, _ kernel: KernelVersion, imageSize: UInt64) throws -> [String] {
    let (_, board) = try DTC.board(source: Self.board)
    let image = LoaderReservation(range: PhysicalRange(start: 0x4020_0000, size: imageSize)!, label: "kernel")
    let request = BootRequest(
      .deviceTree(board), kernel: kernel, commandLine: BootCommandLine(cmdline, source: .given("--cmdline")),
      loaderReservations: [image])
    return try Boot.run(request).memory.map { "\(Hex.padded($0.range.start))-\(Hex.padded($0.range.last))" }
  }

  @Test func theWholeImageComesBackOnBothKernels() throws {
    #expect(
      try Self.memory("mem=16M", .v6_12, imageSize: 0x2b2_0000) == ["0x0000000040000000-0x0000000042d1ffff"])
    // 6.1 reserves from _stext, but adds back from _text: one range from 0x40000000.
    #expect(try Self.memory("mem=2M", .v6_1, imageSize: 0x201_0000) == ["0x0000000040000000-0x000000004220ffff"])
    #expect(
      try Self.memory("mem=1M", .v6_1, imageSize: 0x201_0000) == [
        "0x0000000040000000-0x00000000400fffff", "0x0000000040200000-0x000000004220ffff",
      ])
    // A cap above the image's end leaves it alone.
    #expect(try Self.memory("mem=64M", .v6_1, imageSize: 0x201_0000) == ["0x0000000040000000-0x0000000043ffffff"])
  }
}
