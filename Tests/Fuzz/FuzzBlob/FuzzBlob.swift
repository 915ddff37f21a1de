// libFuzzer target: the blob reader and the arm64 boot model (tools/fuzz builds and runs it).
// Besides not crashing under ASan/UBSan, a blob that FlatDeviceTree accepts must be one libfdt
// reads within its bounds: fdt_check_full accepts it, and every property of every node libfdt
// walks to lies inside the blob. An overlay is also applied to a small base, as `apply` does.
import BootModel
import DeviceTree
import FuzzSupport
import MemoryModel
import TestSupport
import Validate

let base: FlatDeviceTree = {
  let root = TreeNode(
    "",
    properties: [.cells("#address-cells", [2]), .cells("#size-cells", [2])],
    children: [
      TreeNode(
        "memory@40000000",
        properties: [.string("device_type", "memory"), .cells("reg", [0, 0x4000_0000, 0, 0x4000_0000])]),
      TreeNode(
        "reserved-memory", properties: [.cells("#address-cells", [2]), .cells("#size-cells", [2]), .flag("ranges")]),
      TreeNode("chosen"),
    ])
  return try! FlatDeviceTree(bytes: root.blob())
}()

/// The invariant the reader promises (TestSupport.LibfdtAgreement).
func checkWithLibfdt(_ tree: FlatDeviceTree) {
  if let problem = LibfdtAgreement.problem(in: tree) { preconditionFailure(problem) }
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
  // The boot model runs inside validate (with /chosen/bootargs); blobs without memory get a bank,
  // as --memory does.
  let memory = board.memoryNodes.isEmpty ? [PhysicalRange(start: 0x4000_0000, size: 0x4000_0000)!] : nil
  _ = try? Validator.validate(BootRequest(.deviceTree(board), memoryOverride: memory))
  return 0
}

@_cdecl("FuzzBlob_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runLibFuzzer(argc, argv, fuzz)
}
