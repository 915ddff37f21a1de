internal import DeviceTree
internal import MemoryModel

/// Items that add a range of some e820 type (`@ # $ !`, `%+n`), and `%` retyping.
extension PlannerState {
  mutating func add(_ range: PhysicalRange, _ kind: RegionKind, _ index: Int) {
    switch kind {
    case .usable:
      addMemory(range, index)
    case .persistentLegacy, .persistent:
      if kind == .persistent {
        note(index, "type 7 (ACPI NFIT persistent memory) becomes a pmem-region like memmap=nn!ss (type 12)")
      }
      addPersistentMemory(range, kind, index)
    default:
      if let why = Self.typeLoss[kind]
        ?? (kind == .reserved
          ? nil : "e820 type \(kind.rawValue) has no device tree meaning (the kernel treats unknown types as holes)")
      {
        note(index, "\(why): reserved no-map like memmap=nn$ss")
      }
      addReservation(range, kind, index)
    }
  }

  /// What each non-RAM, non-reserved type loses as a no-map reservation.
  static let typeLoss: [RegionKind: String] = [
    .acpiData: "ACPI data has no device tree meaning",
    .acpiNVS: "ACPI NVS has no device tree meaning",
    .unusable: "unusable (bad) memory has no device tree type",
    .softReserved: "soft reserved (EFI specific-purpose memory for dax/hmem) has no device tree form",
  ]

  /// `/reserved-memory/memmap@ss { reg; no-map; }`: x86 makes reserved ranges holes in memblock;
  /// no-map keeps them out of the linear map and away from the allocator.
  mutating func addReservation(_ range: PhysicalRange, _ kind: RegionKind, _ index: Int) {
    let name = reservedNames.unique("memmap", address: range.start)
    let node = OverlayNode(
      parent: .reservedMemory, name: name, properties: [reg([range]), .flag("no-map")],
      effect: .staticReservation(range, noMap: true), sources: [mappings[index].parameter])
    plan(PlannedNode(node: node, mapping: index, kind: kind))
    mappings[index].nodes.append(node.path)
  }

  /// `/pmem@ss { compatible = "pmem-region"; reg; }` (drivers/nvdimm/of_pmem.c makes it a
  /// /dev/pmem region). Whether it also needs a no-map reservation depends on the final RAM
  /// (x86 resolves overlaps once, at the end), so `reservePersistentMemoryInRAM()` decides.
  mutating func addPersistentMemory(_ range: PhysicalRange, _ kind: RegionKind, _ index: Int) {
    let name = rootNames.unique("pmem", address: range.start)
    let node = OverlayNode(
      parent: .root, name: name, properties: [.string("compatible", "pmem-region"), reg([range])],
      effect: .persistentMemory(range), sources: [mappings[index].parameter])
    plan(PlannedNode(node: node, mapping: index, kind: kind))
    mappings[index].nodes.append(node.path)
  }

  /// A no-map reservation over the RAM part of every pmem-region (decided once the final RAM is
  /// known: x86 resolves overlaps at the end), so the kernel does not also use it as memory —
  /// what e820 type 12 beating RAM does on x86.
  mutating func reservePersistentMemoryInRAM() {
    let memory = currentMemory
    var result: [PlannedNode] = []
    var taken = reservedNames
    for item in planned {
      result.append(item)
      guard case .persistentMemory(let range) = item.node.effect, mappings[item.mapping].outcome == .translated else {
        continue
      }
      let pieces: [PhysicalRange]
      if base == nil {
        pieces = [range]
        note(
          item.mapping,
          "without BASE dtmem cannot tell whether it lies in RAM, so it also reserves it no-map (harmless outside RAM)")
      } else {
        pieces = PhysicalRanges.covered(range, by: memory)
      }
      for piece in pieces {
        let name = taken.unique("pmem", address: piece.start)
        taken.insert(name)
        let reservation = OverlayNode(
          parent: .reservedMemory, name: name, properties: [reg([piece]), .flag("no-map")],
          effect: .staticReservation(piece, noMap: true), sources: item.node.sources)
        result.append(PlannedNode(node: reservation, mapping: item.mapping, kind: item.kind))
        mappings[item.mapping].nodes.append(reservation.path)
      }
    }
    planned = result
    reservedNames = taken
  }

  /// `nn%ss-t+n`: only the parts of the range that are type t change. A device tree's RAM is
  /// known from BASE; its other "types" (reservations, pmem) cannot be turned into anything
  /// else by an overlay; e820 types a device tree does not have leave nothing to convert.
  mutating func retype(_ range: PhysicalRange, from: RegionKind, to: RegionKind, _ index: Int) {
    if from == .usable {
      guard base != nil else {
        return refuse(index, "retyping RAM needs BASE to know where its RAM is")
      }
      let pieces = PhysicalRanges.covered(range, by: currentMemory)
      guard !pieces.isEmpty else { return noEffect(index, "no RAM in \(range): nothing to retype") }
      if pieces != [range] {
        note(index, "applies to the RAM in the range: \(pieces.map(\.description).joined(separator: ", "))")
      }
      for piece in pieces {
        guard fits(piece) else { return refuse(index, "\(piece) does not fit the root's cells \(cells)") }
      }
      for piece in pieces { add(piece, to, index) }
      return
    }
    if let why = cannotChange(range, kind: from, verb: "retype") { return refuse(index, why) }
    noEffect(index, "a device tree has no memory of e820 type \(from.rawValue) in \(range): nothing to retype")
  }

  /// Why a non-RAM type in `range` cannot be retyped or removed, or nil when there is none.
  func cannotChange(_ range: PhysicalRange, kind: RegionKind, verb: String) -> String? {
    let ours = planned.contains { $0.kind == kind && $0.node.effect.range.map { $0.overlaps(range) } == true }
    if ours {
      return "it would \(verb) a range an earlier parameter reserved; reorder or merge the parameters"
    }
    switch kind {
    case .reserved:
      guard let base else { return "without BASE dtmem cannot tell whether reserved memory lies there" }
      if base.reservedRanges.contains(where: { $0.overlaps(range) }) {
        return
          "the range holds base reservations (/reserved-memory, /memreserve/); an overlay cannot remove or shrink them"
      }
    case .persistentLegacy, .persistent:
      guard let base else { return "without BASE dtmem cannot tell whether persistent memory lies there" }
      if base.persistentRanges.contains(where: { $0.overlaps(range) }) {
        return "the range holds base pmem-region nodes; an overlay cannot shrink them"
      }
    default:
      break
    }
    return nil
  }
}

extension OverlayEffect {
  /// The range a reservation or pmem node covers.
  var range: PhysicalRange? {
    switch self {
    case .staticReservation(let range, _), .persistentMemory(let range): range
    default: nil
    }
  }
}

extension OverlayBase {
  /// Static reservations of the base: available `/reserved-memory` children with `reg`, and
  /// `/memreserve/` entries.
  var reservedRanges: [PhysicalRange] {
    let children = (board.reservedMemory?.children ?? []).filter(\.isAvailable).flatMap { $0.reg?.nonEmptyRanges ?? [] }
    return children + board.memoryReservations.compactMap { $0.size == 0 ? nil : $0.cappedRange }
  }

  /// The base's available `pmem-region` ranges.
  var persistentRanges: [PhysicalRange] {
    board.persistentRegions.filter(\.isAvailable).flatMap { $0.reg?.nonEmptyRanges ?? [] }
  }
}
