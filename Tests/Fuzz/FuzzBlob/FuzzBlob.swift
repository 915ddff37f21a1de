// libFuzzer target: the blob reader and the arm64 boot model (tools/fuzz builds and runs it).
// Besides not crashing under ASan/UBSan, a blob that FlatDeviceTree accepts must be one libfdt
// reads within its bounds: fdt_check_full accepts it, and every property of every node libfdt
// walks to lies inside the blob. An overlay is also applied to a small base, as `apply` does.
import CLibFDT
import DeviceTree
import Firmware
import MemoryModel
import Validate

let base: FlatDeviceTree = {
  let root = TreeNode(
    "",
    properties: [.cells("#address-cells", [2]), .cells("#size-cells", [2])],
    children: [
      TreeNode("memory@40000000", properties: [.string("device_type", "memory"), .cells("reg", [0, 0x4000_0000, 0, 0x4000_0000])]),
      TreeNode("reserved-memory", properties: [.cells("#address-cells", [2]), .cells("#size-cells", [2]), .flag("ranges")]),
      TreeNode("chosen"),
    ])
  return try! FlatDeviceTree(bytes: root.blob())
}()

/// The invariant the reader promises: libfdt agrees, and no value runs off the blob.
func checkWithLibfdt(_ tree: FlatDeviceTree) {
  tree.bytes.withUnsafeBytes { raw in
    let fdt = raw.baseAddress!
    precondition(fdt_check_full(fdt, raw.count) == 0, "accepted a blob fdt_check_full refuses")
    let end = fdt + raw.count
    var depth: Int32 = 0
    var node: Int32 = 0
    while node >= 0 {
      var property = fdt_first_property_offset(fdt, node)
      while property >= 0 {
        var length: Int32 = 0
        var name: UnsafePointer<CChar>? = nil
        guard let value = fdt_getprop_by_offset(fdt, property, &name, &length) else { preconditionFailure("unreadable property") }
        precondition(length >= 0 && UnsafeRawPointer(value) + Int(length) <= end, "a property value runs past the blob")
        property = fdt_next_property_offset(fdt, property)
      }
      node = fdt_next_node(fdt, node, &depth)
    }
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard let tree = try? FlatDeviceTree(bytes: bytes) else { return 0 }
  checkWithLibfdt(tree)
  if tree.isOverlay {
    if let applied = try? base.applying(tree) { checkWithLibfdt(applied) }
    return 0
  }
  guard let board = try? tree.boardMemory() else { return 0 }
  // The boot model runs inside validate; blobs without memory get a bank, as --memory does.
  let commandLine = board.chosen?.bootargs ?? ""
  let memory = board.memoryNodes.isEmpty ? [PhysicalRange(start: 0x4000_0000, size: 0x4000_0000)!] : nil
  let input = ValidationInput(board: board, commandLine: commandLine, commandLineSource: "/chosen/bootargs", memoryOverride: memory)
  _ = try? Validator.validate(input)
  return 0
}

// SwiftPM links an executable's entry point as `MODULE_main` (so tests can import it) and
// defines `main` from it; libFuzzer's driver is started from there instead of from its own main.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzBlob_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  var count = argc
  var words = argv
  return runDriver(&count, &words, fuzz)
}
