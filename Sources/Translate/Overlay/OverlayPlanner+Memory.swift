internal import DeviceTree
internal import MemoryModel

/// One root-level memory node while the planner edits it: a base node, or a new one.
struct MemoryNodeState {
  var name: String
  /// The base's node, or nil for a node the overlay adds.
  var base: MemoryNode?
  /// Its banks now (for a base node: `linux,usable-memory` when it has one, else `reg`).
  var banks: [PhysicalRange]
  var enabled: Bool
  /// The overlay must write this node.
  var touched: Bool
  /// Mappings that changed it.
  var mappings: [Int] = []

  init(base node: MemoryNode) {
    self.name = String(node.path.split(separator: "/").last ?? "memory")
    self.base = node
    self.banks = node.banks
    self.enabled = node.isAvailable
    self.touched = false
  }

  init(new name: String, bank: PhysicalRange, mapping: Int) {
    self.name = name
    self.base = nil
    self.banks = [bank]
    self.enabled = true
    self.touched = true
    self.mappings = [mapping]
  }

  /// The unit address in the node's name, if it has one.
  var unitAddress: UInt64? { deviceTreeUnitAddressValue(of: name) }
}

/// Items that change memory itself: `@`, `exactmap`, the limits (`mem=`, bare `nn`), removals.
extension PlannerState {
  /// The base's `/chosen/linux,usable-memory-range` as the kernel takes it (a length its check
  /// refuses means no property): the cap and the range it adds.
  var baseUsableRanges: (cap: PhysicalRange?, added: PhysicalRange?) {
    let board = base?.board
    let tuples = board.flatMap { $0.chosen?.acceptedUsableMemoryRange(rootCells: $0.rootCells) }?.tuples ?? []
    func range(_ tuple: RegTuple?) -> PhysicalRange? {
      guard let tuple, tuple.size != 0 else { return nil }
      return tuple.cappedRange
    }
    return (range(tuples.first), range(tuples.dropFirst().first))
  }

  /// The banks of the memory nodes as planned so far. With `--memory`
  /// (`OverlayBase.memoryOverride`) the base's RAM is those banks, not its memory nodes' (until
  /// an `exactmap` switches the base's memory off).
  var nodeBanks: [PhysicalRange] {
    let override = sawExactmap ? nil : base?.memoryOverride
    let nodes = memoryNodes.filter { $0.enabled && (override == nil || $0.base == nil) }
    return nodes.flatMap(\.banks) + (override ?? [])
  }

  /// The window the first `linux,usable-memory-range` entry will cap memory to: from the lowest
  /// bank (nothing lies below it, and a window starting at 0 would claim non-RAM) to the limit.
  var capWindow: PhysicalRange? {
    let lowest = base == nil ? 0 : (nodeBanks.map(\.start).min() ?? 0)
    let limitWindow = limit.flatMap { PhysicalRange(start: min(lowest, $0), end: UInt128($0)) }
    switch (baseUsableRanges.cap, limitWindow) {
    case (let cap?, let window?): return cap.intersection(window) ?? PhysicalRange(start: 0, size: 0)
    case (let cap?, nil): return cap
    case (nil, let window?): return window
    case (nil, nil): return nil
    }
  }

  /// The ranges the second `linux,usable-memory-range` entry will add (at most one).
  var addedWindow: PhysicalRange? {
    if let extra { return extra.range }
    guard let added = baseUsableRanges.added else { return nil }
    guard let limit else { return added }
    return PhysicalRange(start: 0, size: limit).flatMap { added.intersection($0) }
  }

  /// The memory the kernel will have from the memory nodes and `/chosen` as planned so far.
  var currentMemory: [PhysicalRange] {
    var banks = PhysicalRanges.merged(nodeBanks)
    if let window = capWindow { banks = PhysicalRanges.covered(window, by: banks) }
    if let added = addedWindow { banks.append(added) }
    return PhysicalRanges.merged(banks)
  }

  /// `nn@ss`: RAM. A memory node (merged into a node of the same name); RAM added above an
  /// earlier limit also needs the second `linux,usable-memory-range` entry, because the kernel
  /// caps memory after reading every memory node, while x86 only removed what existed then.
  mutating func addMemory(_ range: PhysicalRange, _ index: Int) {
    if base != nil, !PhysicalRanges.covered(range, by: currentMemory).isEmpty {
      note(index, "overlaps memory the base already has (the kernel merges the two)")
    }
    if let limit, range.end > UInt128(limit) {
      guard let above = PhysicalRange(start: max(range.start, limit), end: range.end) else { return }
      if extra != nil || baseUsableRanges.added != nil {
        return refuse(
          index,
          "RAM above an earlier mem= limit needs the second linux,usable-memory-range entry, which "
            + "\(extra != nil ? "an earlier item" : "the base") already uses; put mem= after the memmap=…@… items"
        )
      }
      extra = (above, index)
      note(
        index,
        "above the earlier limit \(Hex.short(limit)): also the second linux,usable-memory-range entry, which the "
          + "kernel adds after capping memory"
      )
    }
    let name = NodeNaming.withUnitAddress("memory", range.start)
    if let existing = memoryNodes.firstIndex(where: { $0.name == name }) {
      if memoryNodes[existing].enabled {
        memoryNodes[existing].banks.append(range)
      } else {
        memoryNodes[existing].banks = [range]
        memoryNodes[existing].enabled = true
      }
      memoryNodes[existing].touched = true
      memoryNodes[existing].mappings.append(index)
      if memoryNodes[existing].base != nil {
        note(index, "merged into the base's \(name): the overlay rewrites its banks")
      }
    } else {
      let unique = rootNames.unique("memory", address: range.start)
      memoryNodes.append(MemoryNodeState(new: unique, bank: range, mapping: index))
      rootNames.insert(unique)
      if base == nil {
        note(index, "without BASE: if the base already has a node named \(unique), the overlay replaces its reg")
      }
      if let base, base.board.memoryNodes.contains(where: { $0.numaNodeID != nil }) {
        note(index, "the base's memory nodes carry numa-node-id and \(unique) has none")
      }
    }
  }

  /// `exactmap`: x86 empties the table. Overlays cannot delete, so every base memory node is
  /// switched off and only the RAM that later items add remains. What earlier items did is thrown
  /// away, as x86 throws it away.
  mutating func applyExactmap(_ index: Int) {
    sawExactmap = true
    guard ramAddedLater else {
      return refuse(
        index, "no memmap=…@… follows it, so no RAM would be left (x86 panics: Invalid user supplied memory map)")
    }
    guard base != nil else {
      return refuse(
        index,
        "needs BASE: overlays cannot delete nodes, so dtmem must switch off the base's memory nodes by name; without "
          + "BASE any memmap=…@… below adds to the base's memory instead of replacing it"
      )
    }
    for earlier in mappings.indices where earlier != index && !mappings[earlier].form.hasPrefix("reserve_mem") {
      guard mappings[earlier].outcome == .translated else { continue }
      mappings[earlier].outcome = .discarded
      mappings[earlier].nodes = []
      mappings[earlier].notes.insert("a later memmap=exactmap throws it away, as on x86", at: 0)
    }
    planned.removeAll { mappings[$0.mapping].outcome == .discarded }
    memoryNodes.removeAll { $0.base == nil }
    rebuildNames()
    for i in memoryNodes.indices where memoryNodes[i].enabled {
      memoryNodes[i].enabled = false
      memoryNodes[i].banks = []
      memoryNodes[i].touched = true
      memoryNodes[i].mappings.append(index)
    }
    limit = nil
    limitSources = []
    extra = nil
    note(
      index,
      "the base's /reserved-memory regions and /memreserve/ entries stay reserved (x86 exactmap also forgets firmware "
        + "reservations)"
    )
    if baseUsableRanges.cap != nil || baseUsableRanges.added != nil {
      note(index, "the base's /chosen linux,usable-memory-range still applies")
    }
  }

  /// `mem=nn` and bare `memmap=nn` on x86: usable RAM at and above nn goes. On arm64 the first
  /// `linux,usable-memory-range` entry does that (`memblock_cap_memory_range()`), for all memory
  /// nodes, right after they are read.
  mutating func applyLimit(_ address: UInt64, _ index: Int) {
    guard address != 0 else {
      return refuse(index, "removes all RAM; the kernel would have none (and ignores a usable range of size 0)")
    }
    guard fits(PhysicalRange(start: 0, size: address)!) else {
      return refuse(index, "\(Hex.short(address)) does not fit the root's #size-cells \(cells.size)")
    }
    if base != nil {
      let window = PhysicalRange(start: 0, size: address)!
      let memory = currentMemory
      guard !PhysicalRanges.covered(window, by: memory).isEmpty else {
        return refuse(index, "no memory would be left below \(Hex.short(address))")
      }
      guard memory.contains(where: { $0.end > UInt128(address) }) else {
        return noEffect(index, "the base has no RAM at or above \(Hex.short(address)): nothing to remove")
      }
    }
    limit = min(limit ?? address, address)
    limitSources.append(index)
    if let current = extra {
      let kept = PhysicalRange(start: 0, size: address).flatMap { current.range.intersection($0) }
      extra = kept.map { ($0, current.mapping) }
    }
    if baseUsableRanges.cap != nil {
      note(index, "intersected with the base's /chosen linux,usable-memory-range")
    } else if base == nil {
      note(index, "replaces any linux,usable-memory-range the base has")
    }
  }

  /// `nn%ss-1` / `nn%ss`: x86 removes the RAM (and, without a type, everything) in the range.
  /// The base's memory nodes are rewritten without it; reservations cannot be removed.
  mutating func remove(_ range: PhysicalRange, kind: RegionKind?, _ index: Int) {
    if let kind, kind != .usable {
      if let why = cannotChange(range, kind: kind, verb: "remove") { return refuse(index, why) }
      return noEffect(index, "a device tree has no memory of e820 type \(kind.rawValue) in \(range): nothing to remove")
    }
    guard base != nil else {
      return refuse(index, "removing RAM needs BASE: the overlay must rewrite the memory nodes that hold it")
    }
    if kind == nil {
      for other in [RegionKind.reserved, .persistentLegacy] {
        if let why = cannotChange(range, kind: other, verb: "remove") { return refuse(index, why) }
      }
      if planned.contains(where: { $0.node.effect.range?.overlaps(range) == true }) {
        return refuse(index, "it would remove a range an earlier parameter reserved; reorder or merge the parameters")
      }
    }
    if let current = extra, current.range.overlaps(range) {
      let pieces = current.range.subtracting(range)
      guard pieces.count <= 1 else {
        return refuse(index, "it would split the RAM the second linux,usable-memory-range entry adds")
      }
      extra = pieces.first.map { ($0, current.mapping) }
    }
    var changed = false
    for i in memoryNodes.indices where memoryNodes[i].enabled {
      let kept = PhysicalRanges.subtracting(memoryNodes[i].banks, range)
      guard kept != memoryNodes[i].banks else { continue }
      memoryNodes[i].banks = kept
      memoryNodes[i].enabled = !kept.isEmpty
      memoryNodes[i].touched = true
      memoryNodes[i].mappings.append(index)
      changed = true
    }
    if !changed { noEffect(index, "no RAM in \(range): nothing to remove") }
  }

  /// The memory nodes the overlay writes, and their paths recorded in the mappings.
  mutating func finishMemoryNodes() -> [OverlayNode] {
    var nodes: [OverlayNode] = []
    var taken = TakenNames(base?.rootChildNames ?? [])
    for state in memoryNodes where state.touched {
      let sources = state.mappings.map { mappings[$0].parameter }
      var written: [OverlayNode] = []
      let banks = PhysicalRanges.merged(state.banks)
      // nil when the node goes (disabled, or nothing left).
      let reg = state.enabled && !banks.isEmpty ? memoryReg(state.base?.bankSourceName ?? "reg", banks) : nil
      if state.enabled && !banks.isEmpty && reg == nil {
        // A piece left by a removal can start past what the root's cells address.
        for mapping in Set(state.mappings).sorted() {
          refuse(
            mapping,
            "\(state.name) would hold \(banks.map(\.description).joined(separator: ", ")), which the root's "
              + "#address-cells/#size-cells \(cells) cannot express"
          )
        }
        continue
      }
      if let node = state.base {
        if let reg, state.unitAddress == nil || state.unitAddress == banks[0].start {
          var properties = [reg]
          if !node.isAvailable { properties.append(.string("status", "okay")) }
          written.append(
            OverlayNode(
              parent: .root, name: state.name, properties: properties, effect: .memory(banks), sources: sources))
        } else if let reg {
          // The first bank moved: a node whose unit address matches it replaces the old one.
          written.append(disabled(state.name, sources))
          let name = taken.unique("memory", address: banks[0].start)
          var properties: [TreeProperty] = [.string("device_type", "memory"), TreeProperty("reg", reg.value)]
          if let id = node.numaNodeID { properties.append(.cells("numa-node-id", [id])) }
          if node.hotpluggable { properties.append(.flag("hotpluggable")) }
          written.append(
            OverlayNode(parent: .root, name: name, properties: properties, effect: .memory(banks), sources: sources))
        } else {
          written.append(disabled(state.name, sources))
        }
      } else {
        guard let reg else { continue }
        let name =
          NodeNaming.withUnitAddress("memory", banks[0].start) == state.name
          ? state.name : taken.unique("memory", address: banks[0].start)
        written.append(
          OverlayNode(
            parent: .root, name: name, properties: [.string("device_type", "memory"), reg], effect: .memory(banks),
            sources: sources))
      }
      for node in written {
        taken.insert(node.name)
        for mapping in Set(state.mappings) where mappings[mapping].outcome == .translated {
          if !mappings[mapping].nodes.contains(node.path) { mappings[mapping].nodes.append(node.path) }
        }
      }
      nodes += written
    }
    return nodes
  }

  func disabled(_ name: String, _ sources: [String]) -> OverlayNode {
    OverlayNode(
      parent: .root, name: name, properties: [.string("status", "disabled")], effect: .memoryDisabled, sources: sources)
  }

  /// `/chosen/linux,usable-memory-range` when a limit or RAM above it asks for one.
  mutating func finishChosen() -> OverlayNode? {
    guard limit != nil, let cap = capWindow else { return nil }
    var ranges = [cap]
    if let added = addedWindow { ranges.append(added) }
    // An empty cap (nothing left) is written as <0 0>.
    let written = ranges.map { $0.isEmpty ? PhysicalRange(start: 0, size: 0)! : $0 }
    guard let property = TreeProperty.reg(written, named: "linux,usable-memory-range", cells: cells) else {
      for index in limitSources {
        refuse(
          index,
          "linux,usable-memory-range \(ranges.map(\.description).joined(separator: ", ")) does not fit the root's "
            + "#address-cells/#size-cells \(cells)"
        )
      }
      return nil
    }
    let sources = (limitSources + (extra.map { [$0.mapping] } ?? [])).map { mappings[$0].parameter }
    let node = OverlayNode(
      parent: .root, name: "chosen", properties: [property], effect: .usableMemoryRange(ranges), sources: sources)
    for index in limitSources + (extra.map { [$0.mapping] } ?? []) where mappings[index].outcome == .translated {
      if !mappings[index].nodes.contains(node.path) { mappings[index].nodes.append(node.path) }
    }
    return node
  }
}
