public import DeviceTree
public import MemoryModel

/// An e820 map as device tree nodes for a board's root (cells 2/2), with what the device tree
/// cannot say.
///
/// | e820 type | device tree |
/// |---|---|
/// | usable (1) | `/memory@S { device_type = "memory"; reg; }` |
/// | reserved (2) | `/reserved-memory/reserved@S { reg; no-map; }` |
/// | ACPI data (3) | `/reserved-memory/acpi@S { reg; no-map; }` — reported: the ACPI type is lost |
/// | ACPI NVS (4) | `/reserved-memory/acpi-nvs@S { reg; no-map; }` — reported |
/// | unusable (5) | `/reserved-memory/unusable@S { reg; no-map; }` — reported |
/// | persistent (7) | `/pmem@S { compatible = "pmem-region"; reg; }` — reported: Linux shows it as type 12 |
/// | persistent (12) | `/pmem@S { compatible = "pmem-region"; reg; }` |
/// | soft reserved | `/reserved-memory/soft-reserved@S { reg; no-map; }` — reported |
/// | any other N | `/reserved-memory/reserved@S { reg; no-map; }` — reported |
///
/// Reservations are no-map: x86 leaves every non-RAM type out of memblock, and no-map keeps a
/// range out of arm64's linear map and allocator alike. RAM that does not fill whole pages is
/// reported too: arm64 trims memory nodes to pages.
public struct E820DeviceTree: Hashable, Sendable {
  /// The root: cells, memory nodes, `/reserved-memory`, `pmem-region` nodes.
  public var root: TreeNode
  /// What the device tree cannot carry, one per region.
  public var losses: [Diagnostic]

  public static let cells = CellCounts(address: 2, size: 2)

  /// The node name and placement for each type.
  static func placement(of kind: RegionKind) -> (name: String, inReservedMemory: Bool, loss: String?) {
    switch kind {
    case .usable: ("memory", false, nil)
    case .reserved: ("reserved", true, nil)
    case .acpiData: ("acpi", true, "ACPI data (type 3) becomes a no-map reservation: the ACPI type is lost")
    case .acpiNVS: ("acpi-nvs", true, "ACPI NVS (type 4) becomes a no-map reservation: the NVS type is lost")
    case .unusable: ("unusable", true, "unusable (type 5) becomes a no-map reservation")
    case .persistent:
      ("pmem", false, "persistent memory (type 7) becomes a pmem-region, which Linux reports as type 12")
    case .persistentLegacy: ("pmem", false, nil)
    case .softReserved:
      (
        "soft-reserved", true,
        "soft reserved (EFI specific-purpose memory) has no device tree form: a no-map reservation"
      )
    default: ("reserved", true, "e820 type \(kind.rawValue) has no device tree meaning: a no-map reservation")
    }
  }

  public init(_ map: MemoryMap, pageSize: UInt64 = 0x1000) {
    var root = TreeNode("", properties: [.cells("#address-cells", [2]), .cells("#size-cells", [2])])
    var reserved = TreeNode(
      "reserved-memory", properties: [.cells("#address-cells", [2]), .cells("#size-cells", [2]), .flag("ranges")])
    var losses: [Diagnostic] = []
    for region in map.regions {
      let (base, inReservedMemory, loss) = Self.placement(of: region.kind)
      let name = NodeNaming.withUnitAddress(base, region.range.start)
      let reg = TreeProperty.reg([region.range], cells: Self.cells)!  // 2/2 cells hold any range
      if let loss { losses.append(Diagnostic(.warning, at: "\(region.range)", loss)) }
      switch region.kind {
      case .usable:
        root.children.append(TreeNode(name, properties: [.string("device_type", "memory"), reg]))
        let kept = region.range.roundedInward(to: pageSize)?.size ?? 0
        if kept != region.range.size {
          losses.append(
            Diagnostic(
              .info, at: "\(region.range)",
              "arm64 trims memory to whole pages: \(ByteCount.human(region.range.size - kept)) of this RAM is not used")
          )
        }
      case _ where inReservedMemory:
        reserved.children.append(TreeNode(name, properties: [reg, .flag("no-map")]))
      default:
        root.children.append(TreeNode(name, properties: [.string("compatible", "pmem-region"), reg]))
      }
    }
    if !reserved.children.isEmpty { root.children.append(reserved) }
    self.root = root
    self.losses = losses
  }

  /// A whole source file.
  public func source(header: [String]) -> String { root.source(header: header) }

  /// Only the nodes, indented for pasting inside a board's `/ { … };` whose root has
  /// `#address-cells = <2>` and `#size-cells = <2>`.
  public func fragment(header: [String]) -> String {
    var out = header.map { "// \($0)\n" }.joined()
    out += root.childrenSource(depth: 1)
    return out
  }
}
