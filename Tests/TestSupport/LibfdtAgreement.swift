import CLibFDT
import DeviceTree

/// The promise of `FlatDeviceTree(bytes:)`, checked with libfdt itself: a blob dtmem accepts is
/// one fdt_check_full accepts, and every property of every node libfdt walks to ends inside the
/// blob. Used by the hostile-blob tests and by the blob fuzzer.
public enum LibfdtAgreement {
  /// Nil when libfdt agrees; else what it disagrees about.
  public static func problem(in tree: FlatDeviceTree) -> String? {
    tree.bytes.withUnsafeBytes { raw -> String? in
      let fdt = raw.baseAddress!
      let status = fdt_check_full(fdt, raw.count)
      guard status == 0 else { return "accepted a blob fdt_check_full refuses (\(status))" }
      var depth: Int32 = 0
      var node: Int32 = 0
      while node >= 0 {
        var property = fdt_first_property_offset(fdt, node)
        while property >= 0 {
          var length: Int32 = 0
          guard let value = fdt_getprop_by_offset(fdt, property, nil, &length) else {
            return "unreadable property at \(property)"
          }
          guard length >= 0, UnsafeRawPointer(value) + Int(length) <= fdt + raw.count else {
            return "the property at \(property) runs past the blob (length \(length))"
          }
          property = fdt_next_property_offset(fdt, property)
        }
        node = fdt_next_node(fdt, node, &depth)
      }
      return nil
    }
  }
}
