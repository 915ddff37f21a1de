internal import CLibFDT
public import MemoryModel

extension TreeNode {
  /// The tree as a blob, written with libfdt's sequential-write API (`fdt_create` …
  /// `fdt_finish`), with the given `/memreserve/` entries. Property names go into the strings
  /// block once each, as dtc does.
  public func blob(memoryReservations: [RegTuple] = []) throws(FDTError) -> [UInt8] {
    var capacity = max(4096, estimatedSize + 40 + 16 * (memoryReservations.count + 1))
    while true {
      var buffer = [UInt8](repeating: 0, count: capacity)
      let status: Int32 = buffer.withUnsafeMutableBytes { raw in
        let fdt = raw.baseAddress!
        var status = fdt_create(fdt, Int32(raw.count))
        for entry in memoryReservations where status == 0 {
          status = fdt_add_reservemap_entry(fdt, entry.address, entry.size)
        }
        if status == 0 { status = fdt_finish_reservemap(fdt) }
        if status == 0 { status = write(into: fdt, isRoot: true) }
        if status == 0 { status = fdt_finish(fdt) }
        return status
      }
      if status == -FDT_ERR_NOSPACE, capacity < Int(Int32.max / 2) {
        capacity *= 2
        continue
      }
      guard status == 0 else { throw .libfdt(code: status, operation: "writing the blob") }
      let total = buffer.withUnsafeBytes { clibfdt_totalsize($0.baseAddress!) }
      return Array(buffer[0..<Int(total)])
    }
  }

  func write(into fdt: UnsafeMutableRawPointer, isRoot: Bool) -> Int32 {
    var status = fdt_begin_node(fdt, isRoot ? "" : name)
    for property in properties where status == 0 {
      let bytes = property.bytes
      status = bytes.withUnsafeBytes { fdt_property(fdt, property.name, $0.baseAddress, Int32($0.count)) }
    }
    for child in children where status == 0 { status = child.write(into: fdt, isRoot: false) }
    if status == 0 { status = fdt_end_node(fdt) }
    return status
  }

  /// A generous guess of the blob size, so the first attempt usually fits.
  var estimatedSize: Int {
    let own = 16 + name.utf8.count + properties.reduce(0) { $0 + 16 + $1.name.utf8.count * 2 + $1.bytes.count }
    return own + children.reduce(0) { $0 + $1.estimatedSize }
  }
}

extension FlatDeviceTree {
  /// The base with `overlay` applied by libfdt (`fdt_open_into`, `fdt_overlay_apply`,
  /// `fdt_pack`). The buffer starts at the base's size plus twice the overlay's and doubles while
  /// libfdt reports `FDT_ERR_NOSPACE`, up to `maximumSize`. Neither input is modified (libfdt
  /// scribbles on both, even on failure, so every attempt works on fresh copies). Target-path
  /// fragments need no `__symbols__` in the base; label references do.
  public func applying(_ overlay: FlatDeviceTree, maximumSize: Int = 64 << 20) throws(FDTError) -> FlatDeviceTree {
    var room = bytes.count + overlay.bytes.count * 2 + 4096
    var buffer: [UInt8] = []
    var status: Int32 = 0
    repeat {
      var overlayCopy = overlay.bytes
      buffer = [UInt8](repeating: 0, count: room)
      status = buffer.withUnsafeMutableBytes { target in
        bytes.withUnsafeBytes { base in
          let opened = fdt_open_into(base.baseAddress!, target.baseAddress!, Int32(target.count))
          guard opened == 0 else { return opened }
          let applied = overlayCopy.withUnsafeMutableBytes { fdt_overlay_apply(target.baseAddress!, $0.baseAddress!) }
          guard applied == 0 else { return applied }
          return fdt_pack(target.baseAddress!)
        }
      }
      room *= 2
    } while status == -FDT_ERR_NOSPACE && room <= maximumSize
    guard status == 0 else {
      throw .libfdt(
        code: status,
        operation: status == -FDT_ERR_NOTFOUND
          ? "applying the overlay (a target or a label it needs is missing from the base)" : "applying the overlay")
    }
    let total = buffer.withUnsafeBytes { clibfdt_totalsize($0.baseAddress!) }
    return try FlatDeviceTree(bytes: Array(buffer[0..<Int(total)]))
  }
}
