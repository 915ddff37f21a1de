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
/// range out of arm64's linear map and allocator alike. A reservation between two usable regions
/// it touches (`memmap=64M$0x90000000` inside RAM) stays inside one memory bank, as the board
/// that has it would describe it: a bank split around it would leave the reservation outside
/// memory (and a sparsemem hole). Banks are written in whole pages, as arm64 keeps them; what
/// that drops is reported.
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
    for bank in Self.banks(map) {
      // Written as the kernel keeps it: whole pages (a partial page is never used).
      let kept = bank.roundedInward(to: pageSize)
      if kept?.size != bank.size {
        losses.append(
          Diagnostic(
            .info, at: "\(bank)",
            "arm64 trims memory to whole pages: \(ByteCount.human(bank.size - (kept?.size ?? 0))) of this RAM is not "
              + "used, so the memory node holds \(kept.map(\.description) ?? "none of it")"))
      }
      guard let kept, !kept.isEmpty else { continue }
      let reg = TreeProperty.reg([kept], cells: Self.cells)!  // 2/2 cells hold any range
      root.children.append(
        TreeNode(NodeNaming.withUnitAddress("memory", kept.start), properties: [.string("device_type", "memory"), reg]))
    }
    for region in map.regions {
      let (base, inReservedMemory, loss) = Self.placement(of: region.kind)
      let name = NodeNaming.withUnitAddress(base, region.range.start)
      let reg = TreeProperty.reg([region.range], cells: Self.cells)!  // 2/2 cells hold any range
      if let loss { losses.append(Diagnostic(.warning, at: "\(region.range)", loss)) }
      switch region.kind {
      case .usable:
        continue
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

  /// The memory banks: each run of usable regions, with the no-map reservations between two of
  /// them that touch both.
  static func banks(_ map: MemoryMap) -> [PhysicalRange] {
    var banks: [PhysicalRange] = []
    var pending: [PhysicalRange] = []  // reservations since the last usable region, touching it
    for region in map.regions {
      let touches = banks.last.map { ($0.end == UInt128(region.range.start)) } ?? false
      let lastEnd = pending.last?.end ?? banks.last?.end
      let continues = lastEnd == UInt128(region.range.start) && (touches || !pending.isEmpty)
      if region.kind == .usable {
        if continues, let last = banks.last {
          banks[banks.count - 1] = PhysicalRange(start: last.start, end: region.range.end)!
        } else {
          banks.append(region.range)
        }
        pending = []
      } else if placement(of: region.kind).inReservedMemory, continues || touches {
        pending.append(region.range)
      } else {
        pending = []
        if !banks.isEmpty { banks.append(PhysicalRange(start: 0, size: 0)!) }  // a break: nothing joins across
      }
    }
    return banks.filter { !$0.isEmpty }
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
