import DeviceTree
import Foundation
import MemoryModel
import TestSupport
import Testing

/// Blobs written through libfdt and source written for dtc describe the same tree, and
/// overlays apply through libfdt like dtc's fdtoverlay applies them.
@Suite struct TreeWriterTests {
  static let cells = CellCounts(address: 2, size: 2)

  static let board = TreeNode(
    "",
    properties: [.cells("#address-cells", [2]), .cells("#size-cells", [2]), .string("model", "writer \"test\"")],
    children: [
      TreeNode(
        "memory@40000000",
        properties: [
          .string("device_type", "memory"),
          .tuples("reg", [RegTuple(address: 0x4000_0000, size: 0x8000_0000)], cells: cells)!,
        ]),
      TreeNode("chosen", properties: [.string("bootargs", "console=ttyAMA0")]),
    ])

  @Test func blobAndSourceAgree() throws {
    let reservations = [RegTuple(address: 0x8000_0000, size: 0x1000)]
    let fromLibfdt = try FlatDeviceTree(bytes: Self.board.blob(memoryReservations: reservations))
    let fromSource = try FlatDeviceTree(bytes: DTC.compile(source: Self.board.source(memoryReservations: reservations)))
    let a = try fromLibfdt.boardMemory()
    let b = try fromSource.boardMemory()
    #expect(a.memoryNodes == b.memoryNodes)
    #expect(a.memoryReservations == reservations && b.memoryReservations == reservations)
    #expect(a.model == "writer \"test\"" && b.model == a.model)
    #expect(a.chosen?.bootargs == "console=ttyAMA0")
  }

  @Test func valuesThatDoNotFitTheCellsAreRefused() {
    #expect(
      TreeProperty.tuples("reg", [RegTuple(address: 0x1_0000_0000, size: 1)], cells: CellCounts(address: 1, size: 1))
        == nil)
    #expect(TreeProperty.number("size", 0x1_0000_0000, cells: 1) == nil)
    #expect(TreeProperty.number("size", 0x1_0000_0000, cells: 2)?.bytes == [0, 0, 0, 1, 0, 0, 0, 0])
  }

  @Test func overlaysApplyLikeFdtoverlay() throws {
    let overlay = TreeNode(
      "",
      children: [
        TreeNode(
          "fragment@0", properties: [.string("target-path", "/")],
          children: [
            TreeNode(
              "__overlay__",
              children: [
                TreeNode(
                  "reserved-memory",
                  properties: [.cells("#address-cells", [2]), .cells("#size-cells", [2]), .flag("ranges")],
                  children: [
                    TreeNode(
                      "buffer@90000000",
                      properties: [
                        .tuples("reg", [RegTuple(address: 0x9000_0000, size: 0x400_0000)], cells: Self.cells)!,
                        .flag("no-map"),
                      ])
                  ])
              ])
          ])
      ])
    let base = try FlatDeviceTree(bytes: Self.board.blob())
    let applied = try base.applying(FlatDeviceTree(bytes: overlay.blob()))
    let reserved = try #require(try applied.boardMemory().reservedMemory)
    #expect(reserved.children.map(\.name) == ["buffer@90000000"] && reserved.children[0].noMap)

    // dtc's fdtoverlay gives the same tree.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-ov-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data(base.bytes).write(to: directory.appendingPathComponent("base.dtb"))
    try Data(overlay.blob()).write(to: directory.appendingPathComponent("o.dtbo"))
    let result = try Command.run([
      "fdtoverlay", "-i", directory.appendingPathComponent("base.dtb").path, "-o",
      directory.appendingPathComponent("out.dtb").path,
      directory.appendingPathComponent("o.dtbo").path,
    ])
    #expect(result.status == 0, "\(result.errorText)")
    let viaDtc = try FlatDeviceTree(bytes: [UInt8](Data(contentsOf: directory.appendingPathComponent("out.dtb"))))
    #expect(try viaDtc.boardMemory() == applied.boardMemory())
  }

  @Test func aMissingTargetIsAnError() throws {
    let overlay = TreeNode(
      "",
      children: [
        TreeNode(
          "fragment@0", properties: [.string("target-path", "/nowhere")],
          children: [TreeNode("__overlay__", properties: [.flag("x")])])
      ])
    let base = try FlatDeviceTree(bytes: Self.board.blob())
    #expect(throws: FDTError.self) { try base.applying(FlatDeviceTree(bytes: overlay.blob())) }
  }
}
