public import MemoryModel

/// Memory a loader occupied before the kernel looked at `/reserved-memory` (`--reserve`).
public struct LoaderReservation: Hashable, Sendable {
  public var range: PhysicalRange
  public var label: String?

  public init(range: PhysicalRange, label: String? = nil) {
    self.range = range
    self.label = label
  }

  /// What the kernel does with it depends on what it is. A label naming the kernel image
  /// (`kernel`, `Image`) is re-added as memory after `mem=` like `_text.._end`; a label naming
  /// the blob (`dtb`, `fdt`, `device tree`, `blob`) is reserved before the memory nodes are read,
  /// as `setup_machine_fdt()` does, so `linux,usable-memory-range` and `mem=` can truncate it.
  /// Anything else is reserved with the kernel image, just before `/reserved-memory`.
  public enum Kind: Hashable, Sendable {
    case kernelImage, deviceTreeBlob, other
  }

  public var kind: Kind {
    guard let label = label?.lowercased() else { return .other }
    if label.contains("device tree") || label.contains("dtb") || label.contains("fdt") || label.contains("blob") {
      return .deviceTreeBlob
    }
    if label.contains("kernel") || label == "image" { return .kernelImage }
    return .other
  }
}
