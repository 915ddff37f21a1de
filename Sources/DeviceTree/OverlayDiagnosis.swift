internal import MemoryModel

/// What libfdt's `fdt_overlay_apply()` needs from a base, checked by name so that its one-word
/// failure (`FDT_ERR_NOTFOUND`) can be explained in one sentence.
extension FlatDeviceTree {
  /// Whether the blob is an overlay: a root child (`fragment@N`) with an `__overlay__` node.
  public var isOverlay: Bool {
    children(of: root).contains { fragment in children(of: fragment).contains { name(of: $0) == "__overlay__" } }
  }

  /// Labels the overlay refers to and the base must define (`__fixups__`).
  public var overlayFixupLabels: [String] {
    guard let fixups = node(atPath: "/__fixups__") else { return [] }
    return properties(of: fixups).map(\.name)
  }

  /// Why applying `overlay` to this base cannot find something, or nil when every target and
  /// label is there. Mirrors libfdt: `__fixups__` labels are looked up in the base's
  /// `/__symbols__` first; then fragments are merged in order, so a target path may be a node an
  /// earlier fragment created.
  /// `compiledWithSymbols`: the base was compiled from source with `dtc -@` here, so a missing
  /// `/__symbols__` means it defines no labels at all, not that `-@` was forgotten.
  public func missingTarget(for overlay: FlatDeviceTree, compiledWithSymbols: Bool = false) -> String? {
    let labels = overlay.overlayFixupLabels
    if !labels.isEmpty {
      guard let symbols = node(atPath: "/__symbols__") else {
        if compiledWithSymbols {
          return
            "the overlay refers to labels (\(labels.joined(separator: ", "))) and the base defines none (compiled "
            + "with dtc -@, it has no /__symbols__): the label is not in the base"
        }
        return
          "the overlay refers to labels (\(labels.joined(separator: ", "))) but the base has no /__symbols__ node "
          + "(compile the base with dtc -@)"
      }
      let missing = labels.filter { !hasProperty($0, of: symbols) }
      if !missing.isEmpty {
        return "the base's /__symbols__ has no label \(missing.joined(separator: ", "))"
      }
    }
    var created: Set<String> = []
    for fragment in overlay.children(of: overlay.root) {
      guard let content = overlay.children(of: fragment).first(where: { overlay.name(of: $0) == "__overlay__" }) else {
        continue
      }
      guard let path = overlay.string("target-path", of: fragment) else { continue }
      let target = node(atPath: path)?.path ?? (created.contains(path) ? path : nil)
      guard let target else {
        return "\(overlay.name(of: fragment)): target-path \"\(path)\" is not in the base"
      }
      for child in overlay.children(of: content) {
        created.insert((target == "/" ? "" : target) + "/" + overlay.name(of: child))
      }
    }
    return nil
  }
}
