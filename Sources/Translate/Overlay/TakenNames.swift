/// The names of one node's children, as libfdt looks them up, for giving new children unique
/// names (`NodeNaming.unique`) in time linear in the number of names.
///
/// libfdt finds `name` for an exact match, and a name without `@` also for any `name@…` sibling
/// (`fdt_nodename_eq_()`), so the part before the `@` of every name is kept too. Names are only
/// ever added, so the suffix where the last search for a stem stopped is where the next one
/// starts: n items asking for the same `memmap@90000000` probe n names in all, not n²/2.
public struct TakenNames: Sendable {
  private var names: Set<String> = []
  /// The part before the `@` of every name that has one.
  private var stems: Set<String> = []
  /// For a first candidate (`memmap@90000000`, `oops`): the first suffix not yet known taken.
  private var nextSuffix: [String: Int] = [:]

  public init() {}

  public init(_ names: some Sequence<String>) {
    for name in names { insert(name) }
  }

  public mutating func insert(_ name: String) {
    names.insert(name)
    if let at = name.firstIndex(of: "@") { stems.insert(String(name[..<at])) }
  }

  /// Whether libfdt's lookup of `name` finds one of the names (`fdt_nodename_eq_()`: equal, or
  /// `name` has no `@` and a name is `name@…`).
  public func libfdtFinds(_ name: String) -> Bool {
    if names.contains(name) { return true }
    return !name.contains("@") && stems.contains(name)
  }

  /// `base@address` (or `base` when `address` is nil), with `-1`, `-2`, … added to the base
  /// while libfdt would find a node of that name. The name is not inserted.
  public mutating func unique(_ base: String, address: UInt64?) -> String {
    func candidate(_ stem: String) -> String { address.map { NodeNaming.withUnitAddress(stem, $0) } ?? stem }
    let first = candidate(base)
    var suffix = nextSuffix[first] ?? 0
    var name = suffix == 0 ? first : candidate("\(base)-\(suffix)")
    while libfdtFinds(name) {
      suffix += 1
      name = candidate("\(base)-\(suffix)")
    }
    nextSuffix[first] = suffix
    return name
  }
}
