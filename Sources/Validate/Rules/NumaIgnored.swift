internal import BootModel
internal import KernelParameters
internal import MemoryModel

/// `numa-ignored`: a NUMA description the kernel throws away.
struct NumaIgnored: Rule {
  let id = "numa-ignored"
  let severity = Severity.error
  let summary = "Memory nodes carry numa-node-id, but the kernel rejects the NUMA layout and fakes one node."
  let prerequisites: [Prerequisite] = [.memoryIsKnown, .memoryFromDeviceTree]
  var documentation: String {
    """
    arch_numa_init() → of_numa_init() (drivers/of/of_numa.c, drivers/base/arch_numa.c) assigns \
    each memory node's ranges to its numa-node-id. If a node id is not below MAX_NUMNODES (16 in \
    Debian's build; the kernel warns that the id exceeds the maximum), or some memory belongs to \
    no node (the kernel reports the memory without node coverage), the whole description is \
    dropped and the kernel fakes a single node \
    (\(KernelWords.example(.numa(.faked(start: 0x4000_0000, last: 0xbfff_ffff))))): every CPU and \
    device then sees uniform memory. Give every memory node a numa-node-id, or none.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    let nodes = context.board.memoryNodes.filter(\.isAvailable)
    let numbered = nodes.filter { $0.numaNodeID != nil }
    let faked = context.events.contains { if case .numa(.faked) = $0 { true } else { false } }
    // numa=off fakes the node on purpose.
    guard !numbered.isEmpty, faked, !context.events.contains(.numa(.disabled)) else { return [] }
    let ids = Set(numbered.compactMap(\.numaNodeID)).sorted().map(String.init).joined(separator: ", ")
    let without = nodes.filter { $0.numaNodeID == nil }.map(\.path)
    var detail = "numa-node-id \(ids)"
    if !without.isEmpty { detail += "; no numa-node-id on \(without.joined(separator: ", "))" }
    return [
      finding(
        at: numbered[0].path,
        "the kernel rejects the NUMA description (\(detail)) and fakes a single node: all memory becomes node 0")
    ]
  }
}
