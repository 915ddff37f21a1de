/// Device tree node names that are valid, match their `reg`, and cannot land on an existing node
/// by accident when an overlay is applied.
///
/// The devicetree specification allows 1 to 31 characters from `0-9 a-z A-Z , . _ + -` before
/// the `@`, starting with a letter; the unit address is the first `reg` address in lowercase hex
/// without leading zeros (`memmap@90000000`, `pmem@300000000`).
///
/// libfdt finds a child by name the way `fdt_subnode_offset()` does: a name without `@` also
/// matches any `name@…` sibling. `fdt_overlay_apply()` merges an overlay node into whatever
/// that lookup finds — so an overlay child `oops` applied next to a base `oops@80000000` would
/// silently become properties of the base node. `unique` avoids both exact and such matches.
public enum NodeNaming {
  /// The longest node name (without the unit address) the specification allows.
  public static let maximumNameLength = 31

  /// `base@address`, the address in lowercase hex without leading zeros.
  public static func withUnitAddress(_ base: String, _ address: UInt64) -> String {
    "\(base)@\(String(address, radix: 16))"
  }

  /// A valid node name for free text (a `reserve_mem=` name): characters outside the allowed set
  /// become `-`, a name that does not start with a letter gets an `r` in front, and it is cut to
  /// 31 characters. Returns the name and whether it had to change.
  public static func sanitized(_ text: String) -> (name: String, changed: Bool) {
    var out = ""
    for scalar in text.unicodeScalars {
      let allowed =
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
        || scalar == "," || scalar == "." || scalar == "_" || scalar == "+" || scalar == "-"
      out.unicodeScalars.append(allowed ? scalar : "-")
    }
    if let first = out.unicodeScalars.first, !((first >= "a" && first <= "z") || (first >= "A" && first <= "Z")) {
      out = "r" + out
    }
    if out.isEmpty { out = "region" }
    if out.count > maximumNameLength { out = String(out.prefix(maximumNameLength)) }
    return (out, out != text)
  }

  /// Whether libfdt's lookup of `name` among `siblings` finds one of them
  /// (`fdt_nodename_eq_()`: equal, or `name` has no `@` and a sibling is `name@…`).
  public static func libfdtFinds(_ name: String, among siblings: Set<String>) -> Bool {
    TakenNames(siblings).libfdtFinds(name)
  }

  /// `base@address` (or `base` when `address` is nil), with `-1`, `-2`, … added to the base
  /// while libfdt would find a node of that name among `taken`. For one name; `TakenNames`
  /// gives many.
  public static func unique(_ base: String, address: UInt64?, taken: Set<String>) -> String {
    var names = TakenNames(taken)
    return names.unique(base, address: address)
  }
}
