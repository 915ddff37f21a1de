import KernelParameters
import Testing
import Translate

/// Unique node names stay linear in the number of nodes (issue 14): the n-th copy of one name
/// starts probing where the last one stopped. At these sizes the old search (every suffix from
/// 1, each probe scanning every name) took minutes; the checks are on the names, not the clock.
@Suite struct NodeNameGrowthTests {
  /// The naming rule, as NodeNaming.unique states it for one name, applied to n copies.
  static func expectedName(_ base: String, _ address: UInt64?, copy: Int) -> String {
    let stem = copy == 0 ? base : "\(base)-\(copy)"
    return address.map { NodeNaming.withUnitAddress(stem, $0) } ?? stem
  }

  @Test(arguments: [UInt64(0x9000_0000), nil])
  func manyCopiesOfOneName(address: UInt64?) {
    let count = 30_000
    var names = TakenNames(["memmap@90000000", "memmap-3@90000000", "memmap-5", "memmap-7@1"])
    var given: [String] = []
    for _ in 0..<count {
      let name = names.unique("memmap", address: address)
      names.insert(name)
      given.append(name)
    }
    #expect(Set(given).count == count)
    // The taken names are skipped: with an address, memmap@… and memmap-3@…; without one, libfdt
    // also finds memmap and memmap-3 (by those), memmap-5, and memmap-7 (by memmap-7@1).
    let skipped: Set<Int> = address == nil ? [0, 3, 5, 7] : [0, 3]
    let expected = (0..<(count + skipped.count)).filter { !skipped.contains($0) }.map {
      Self.expectedName("memmap", address, copy: $0)
    }
    #expect(given == expected)
  }

  /// The one-name entry point and the many-name one agree on every prefix of a mixed history.
  @Test func oneNameAgreesWithTakenNames() {
    var names = TakenNames()
    var plain: Set<String> = []
    for step in 0..<300 {
      let base = ["oops", "memmap", "pmem"][step % 3]
      let address: UInt64? = step % 4 == 0 ? nil : UInt64(0x1000 * (step % 5))
      let name = names.unique(base, address: address)
      #expect(name == NodeNaming.unique(base, address: address, taken: plain))
      names.insert(name)
      plain.insert(name)
    }
  }

  /// The planner names n copies of one `memmap=` in one pass, each node once.
  @Test func plannerNamesManyCopies() {
    let count = 6_000
    let cmdline = Array(repeating: "memmap=1M$0x90000000", count: count).joined(separator: " ")
    let plan = OverlayPlanner.plan(OverlayParameters(KernelCommandLine(cmdline, limit: nil)), base: nil)
    let names = plan.nodes.map(\.name)
    #expect(names.count == count)
    #expect(names == (0..<count).map { Self.expectedName("memmap", 0x9000_0000, copy: $0) })
  }
}
