internal import MemoryModel

/// Step 8: NUMA nodes (`arch_numa_init()` → `of_numa_init()`, or `dummy_numa_init()`), which the
/// kernel only assigns after all of the above — so dynamic regions may straddle nodes.
extension Arm64BootState {
  /// `MAX_NUMNODES` in Debian's arm64 build (CONFIG_NODES_SHIFT = 4).
  static let maximumNodes: UInt32 = 16

  mutating func assignNodes(_ events: inout [BootEvent]) -> [String] {
    guard !memblock.memory.isEmpty else { return [] }
    if let layout = numaLayout(), let uncovered = uncoveredByNodes(layout) {
      events.append(.numa(.nodesDoNotCoverMemory(uncoveredMiB: uncovered >> 20, totalMiB: memblock.memorySize >> 20)))
    } else if let layout = numaLayout() {
      for (node, ranges) in layout {
        for range in ranges { memblock.setNode(Int(node), range.address, range.size) }
      }
      if memblock.memory.allSatisfy({ $0.node != Memblock.noNode }) {
        for node in layout.map(\.node).sorted() where !memblock.memory.contains(where: { $0.node == Int(node) }) {
          events.append(.numa(.memorylessNode(node)))
        }
        return [
          "memory assigned to NUMA nodes \(Set(layout.map(\.node)).sorted().map(String.init).joined(separator: ", "))"
        ]
      }
      events.append(.numa(.invalidMemoryBlockNode))
    }
    if !numaOff && request.memoryOverride == nil && !board.memoryNodes.contains(where: { $0.numaNodeID != nil }) {
      events.append(.numa(.noConfiguration))
    }
    let start = memblock.startOfDRAM ?? 0
    let end = (memblock.endOfDRAM ?? 1) &- 1
    if numaOff { events.append(.numa(.disabled)) }
    events.append(.numa(.faked(start: start, last: end)))
    memblock.setAllNodes(0)
    return ["one faked node 0"]
  }

  /// `numa_meminfo_cover_memory()` (mm/numa_memblks.c, 6.12): the bytes of memory (no-map too)
  /// outside every node's ranges, when they reach 1 MiB; nil when the nodes cover the memory.
  /// On UEFI boots the flash bank EDK2 maps as memory is in no memory node (efi-rec-0003).
  func uncoveredByNodes(_ layout: [(node: UInt32, ranges: [RegTuple])]) -> UInt64? {
    var covered = Memblock()
    for region in memblock.memory { covered.addMemory(region.base, region.size) }
    for (_, ranges) in layout {
      for range in ranges { covered.removeMemory(range.address, range.size) }
    }
    let uncovered = covered.memorySize
    return uncovered >= 1 << 20 ? uncovered : nil
  }

  /// `of_numa_parse_memory_nodes()`: each memory node with `numa-node-id` gives its `reg` ranges
  /// to that node. nil when NUMA is off or the tree has no usable NUMA description.
  func numaLayout() -> [(node: UInt32, ranges: [RegTuple])]? {
    guard !numaOff, request.memoryOverride == nil else { return nil }
    var layout: [(node: UInt32, ranges: [RegTuple])] = []
    for node in board.memoryNodes {
      guard let id = node.numaNodeID else { continue }
      guard id < Self.maximumNodes else { return nil }
      layout.append((id, node.reg?.tuples ?? []))
    }
    return layout.isEmpty ? nil : layout
  }
}
