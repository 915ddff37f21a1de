public import BootModel
public import DeviceTree
internal import MemoryModel

/// An overlay plan as a tree: one fragment with `target-path = "/"`, so it applies to any base
/// with libfdt's `fdt_overlay_apply()` or dtc's `fdtoverlay`, with or without `__symbols__`.
///
/// ```
/// / {
///     fragment@0 {
///         target-path = "/";
///         __overlay__ {
///             pmem@300000000 { … };            root-level nodes (memory, pmem-region, chosen)
///             reserved-memory {
///                 #address-cells, #size-cells, ranges   only when the base has none
///                 oops { … };                  children in reverse order
///                 memmap@90000000 { … };
///             };
///         };
///     };
/// };
/// ```
/// A fragment merges node by node, so an existing `/reserved-memory` (or `/chosen`) keeps its
/// cells and children and gains ours. libfdt inserts every new child before the existing ones,
/// so the children of a node land first and in reverse order; the tree lists them reversed so
/// that once applied they stand in command-line order — the order in which Linux 6.12 places
/// dynamic regions.
extension OverlayPlan {
  public var tree: TreeNode {
    var overlay = TreeNode("__overlay__")
    for node in nodes.filter({ $0.parent == .root }).reversed() {
      overlay.children.append(TreeNode(node.name, properties: node.properties))
    }
    let reserved = nodes.filter { $0.parent == .reservedMemory }
    if !reserved.isEmpty {
      var parent = TreeNode("reserved-memory")
      if createsReservedMemory {
        parent.properties = [
          .cells("#address-cells", [cells.address]), .cells("#size-cells", [cells.size]), .flag("ranges"),
        ]
      }
      parent.children = reserved.reversed().map { TreeNode($0.name, properties: $0.properties) }
      overlay.children.append(parent)
    }
    let fragment = TreeNode("fragment@0", properties: [.string("target-path", "/")], children: [overlay])
    return TreeNode("", children: [fragment])
  }

  /// dtc source (`/plugin/;`) with a header that accounts for every parameter.
  public func source(commandLine: String, base: String?, kernel: KernelVersion = .default) -> String {
    var header = ["dtmem to-overlay: a /reserved-memory overlay for Linux \(kernel) on arm64."]
    header.append("Parameters: \(commandLine)")
    header.append(
      base.map { "Base: \($0) (root cells \(cells.address)/\(cells.size))" }
        ?? "No base: root cells assumed \(cells.address)/\(cells.size)")
    header.append("Apply: fdtoverlay -i base.dtb -o out.dtb this.dtbo, or dtmem apply base.dtb this.dtbo -o out.dtb")
    header.append("libfdt puts new children first, in reverse: they are listed reversed here so that")
    header.append("once applied they stand in command-line order (the order Linux places dynamic regions).")
    header.append("Mapping:")
    for mapping in mappings {
      let what = mapping.label
      switch mapping.outcome {
      case .translated: header.append("  \(what) -> \(mapping.nodes.joined(separator: ", "))")
      case .refused: header.append("  \(what) -> refused: \(mapping.notes.first ?? "")")
      case .noEffect: header.append("  \(what) -> no effect: \(mapping.notes.first ?? "")")
      case .discarded: header.append("  \(what) -> discarded: \(mapping.notes.first ?? "")")
      }
    }
    return tree.source(plugin: true, header: header)
  }
}
