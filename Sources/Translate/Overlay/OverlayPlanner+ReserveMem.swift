internal import DeviceTree
internal import KernelParameters
internal import MemoryModel

/// `reserve_mem=`, `ramoops.*`, and the end of planning.
extension PlannerState {
  /// `reserve_mem=SIZE:ALIGN:NAME` → `/reserved-memory/NAME { size; alignment; }`: a dynamic
  /// region the kernel places top-down, mapped like the memblock reservation `reserve_mem()`
  /// makes. It is placed much earlier than `reserve_mem=` (with `/reserved-memory`, before page
  /// tables), so its address differs, and nothing finds it by name: drivers take it by phandle
  /// (`memory-region`), not through `reserve_mem_find_by_name()`.
  mutating func applyReserveMem(
    _ parsed: Result<ReserveMemParameter, ReserveMemParameter.Rejection>, _ entry: ParameterEntry
  ) {
    let index = begin(entry, form: "reserve_mem=nn:align:name")
    let request: ReserveMemParameter
    switch ReserveMemParameter.admit(parsed, held: reserveMemNames) {
    case .success(let admitted): request = admitted
    case .failure(.tableFull):
      return noEffect(index, "the kernel keeps only \(ReserveMemParameter.maximumEntries) reserve_mem= entries")
    case .failure(.malformed(let rejection)): return noEffect(index, "the kernel ignores it: \(rejection)")
    case .failure(.nameInUse(let duplicate)):
      return noEffect(index, "the name \(duplicate.name) is already used: the kernel ignores this one")
    }
    reserveMemNames.append(request.name)
    guard let size = TreeProperty.number("size", request.size, cells: cells.size),
      let alignment = TreeProperty.number("alignment", request.alignment, cells: cells.alignmentCells)
    else {
      return refuse(index, "the size or alignment does not fit the root's cells \(cells)")
    }
    let (sanitized, changed) = NodeNaming.sanitized(request.name)
    let name = reservedNames.unique(sanitized, address: nil)
    if changed || name != sanitized {
      note(index, "node name \(name): '\(request.name)' is not a valid or unique node name")
    }
    if request.requestedAlignment < request.alignment {
      note(
        index,
        "alignment \(Hex.short(request.requestedAlignment)) raised to \(request.alignment), as the kernel raises it")
    }
    note(
      index,
      "a dynamic region: the kernel places it with /reserved-memory, before its own allocations, so not where "
        + "reserve_mem= would land; drivers find it by phandle (memory-region), not by name"
    )
    let node = OverlayNode(
      parent: .reservedMemory, name: name, properties: [size, alignment],
      effect: .dynamicReservation(size: request.size, alignment: request.alignment), sources: [entry.parameter],
      reserveMemName: request.name)
    plan(PlannedNode(node: node, mapping: index, kind: nil))
    mappings[index].nodes.append(node.path)
  }

  /// `ramoops.mem_name=NAME` marks the `reserve_mem=` region the ramoops driver uses; the
  /// builder turns it into a static `ramoops@…` node (it needs the base to place it).
  mutating func noteRamoops(_ settings: RamoopsSettings) {
    guard let name = settings.memoryName else {
      if !settings.parameters.isEmpty {
        notes.append(
          Diagnostic(
            .info, at: "cmdline",
            "\(settings.parameters.joined(separator: " ")): without ramoops.mem_name= there is no region to translate"))
      }
      return
    }
    guard let planned = planned.first(where: { $0.node.reserveMemName == name }) else {
      notes.append(
        Diagnostic(
          .warning, at: "cmdline",
          "ramoops.mem_name=\(name) names no reserve_mem= region: nothing for the ramoops driver"))
      return
    }
    mappings[planned.mapping].notes.append("ramoops.mem_name=\(name) uses it")
    let oversized = settings.oversizedZones
    if !oversized.isEmpty {
      notes.append(
        Diagnostic(
          .warning, at: "cmdline",
          "ramoops.\(oversized.joined(separator: ", ramoops.")) do not fit the driver's 32-bit DT properties"))
    }
  }

  /// General advice about the command line the overlay replaces.
  mutating func noteCommandLine(_ parameters: OverlayParameters) {
    if base == nil {
      notes.append(
        Diagnostic(
          .info, at: "overlay",
          "no BASE: assuming #address-cells = <2> and #size-cells = <2> at the root; give BASE to use its cells, check "
            + "collisions and predict placements"
        ))
    }
    let edits = mappings.filter { !$0.form.hasPrefix("reserve_mem") && $0.outcome == .translated }
    if !edits.isEmpty {
      notes.append(
        Diagnostic(
          .info, at: "cmdline",
          "drop memmap= and mem= from the arm64 command line: arm64 has no memmap= and reads mem= as an amount of "
            + "memory, not an address limit"
        ))
    }
    if mappings.contains(where: { $0.form.hasPrefix("reserve_mem") && $0.outcome == .translated }) {
      notes.append(
        Diagnostic(
          .info, at: "cmdline",
          "drop the translated reserve_mem= parameters from the command line (arm64 understands them too: keeping both "
            + "reserves the memory twice)"
        ))
    }
    for parameter in parameters.understoodByArm64 {
      notes.append(Diagnostic(.info, at: "cmdline", "\(parameter): arm64 understands it; keep it on the command line"))
    }
  }

  mutating func finish() -> OverlayPlan {
    if sawExactmap, base != nil,
      let exactmap = mappings.firstIndex(where: { $0.form == "exactmap" && $0.outcome == .translated }),
      currentMemory.isEmpty
    {
      // Later removals took all the RAM exactmap left (exactmap without any later RAM is refused
      // up front): the whole line is unusable on x86 as well. Base memory is restored; what
      // exactmap discarded stays discarded.
      refuse(
        exactmap,
        "no RAM would be left: the line adds no memory after exactmap (x86 panics: Invalid user supplied memory map)")
      for i in memoryNodes.indices where memoryNodes[i].base != nil {
        memoryNodes[i] = MemoryNodeState(base: memoryNodes[i].base!)
      }
    }
    reservePersistentMemoryInRAM()
    var nodes = planned.map(\.node)
    nodes += finishMemoryNodes()
    if let chosen = finishChosen() { nodes.append(chosen) }
    let hasReservedChildren = nodes.contains { $0.parent == .reservedMemory }
    return OverlayPlan(
      cells: cells, cellsAssumed: base == nil,
      createsReservedMemory: hasReservedChildren && base?.board.reservedMemory == nil, nodes: nodes,
      mappings: mappings, notes: notes)
  }
}
