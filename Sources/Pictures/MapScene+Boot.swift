public import BootModel
public import MemoryCosts
public import MemoryModel

/// A memory bank as the input states it.
public struct StatedBank: Hashable, Sendable {
  /// The node path (`/memory@40000000`) or `--memory`.
  public var path: String
  public var range: PhysicalRange
  /// The property it comes from (`reg`, `linux,usable-memory`), for the hover text.
  public var source: String
  /// False for a node with a `status` other than okay (the kernel skips it).
  public var isAvailable: Bool

  public init(path: String, range: PhysicalRange, source: String, isAvailable: Bool = true) {
    self.path = path
    self.range = range
    self.source = source
    self.isAvailable = isAvailable
  }
}

/// An entry of a firmware table (x86 e820), with the kernel's name for its type.
public struct FirmwareEntry: Hashable, Sendable {
  public var range: PhysicalRange
  public var kind: RegionKind
  public var typeName: String

  public init(range: PhysicalRange, kind: RegionKind, typeName: String) {
    self.range = range
    self.kind = kind
    self.typeName = typeName
  }
}

extension MapScene {
  /// The lanes of one boot: what the input states (banks or the firmware table), the memory the
  /// kernel keeps, the reservations by kind with their status, the kernel's own allocations,
  /// persistent memory and the present sections (from `costs`).
  public init(
    title: String, subtitle: String, banks: [StatedBank], firmware: [FirmwareEntry] = [], boot: BootResult,
    costs: MemoryCosts
  ) {
    var lanes: [MapLane] = []
    if !banks.isEmpty || firmware.isEmpty { lanes.append(MapLane(kind: .banks, shapes: Self.bankShapes(banks))) }
    if !firmware.isEmpty { lanes.append(MapLane(kind: .firmware, shapes: firmware.map(Self.firmwareShape))) }
    let owners = Self.noMapOwners(boot.memory, boot.reservations)
    lanes.append(
      MapLane(
        kind: .memory, shapes: boot.memory.indices.map { Self.memoryShape(boot.memory[$0], owners: owners[$0] ?? []) }))
    var unplaced: [UnplacedRegion] = []
    var fixed: [MapShape] = []
    var placed: [MapShape] = []
    for reservation in boot.reservations {
      guard let shape = Self.reservationShape(reservation) else {
        unplaced.append(Self.unplaced(reservation))
        continue
      }
      switch reservation.origin {
      case .dynamicRegion, .reserveMemParameter: placed.append(shape)
      default: fixed.append(shape)
      }
    }
    var kernel: [MapShape] = []
    for allocation in boot.kernelAllocations {
      if let shape = Self.reservationShape(allocation) {
        kernel.append(shape)
      } else {
        unplaced.append(Self.unplaced(allocation))
      }
    }
    lanes.append(MapLane(kind: .fixedReservations, shapes: fixed))
    lanes.append(MapLane(kind: .placedReservations, shapes: placed))
    lanes.append(MapLane(kind: .kernelAllocations, shapes: kernel))
    lanes.append(MapLane(kind: .persistentMemory, shapes: costs.persistentMemory.flatMap(Self.persistentShapes)))
    lanes.append(MapLane(kind: .sections, shapes: Self.sectionShapes(costs)))
    self.init(
      title: title, subtitle: subtitle,
      lanes: lanes.filter { !$0.shapes.isEmpty || $0.kind == .memory || $0.kind == .banks }, unplaced: unplaced)
  }

  static func place(_ range: PhysicalRange) -> String { "\(range) \(ByteCount.human(range.size))" }

  static func bankShapes(_ banks: [StatedBank]) -> [MapShape] {
    var perPath: [String: Int] = [:]
    for bank in banks { perPath[bank.path, default: 0] += 1 }
    var seen: [String: Int] = [:]
    return banks.map { bank in
      let index = seen[bank.path, default: 0]
      seen[bank.path] = index + 1
      let name = bank.path.split(separator: "/").last.map(String.init) ?? bank.path
      let label = perPath[bank.path, default: 0] > 1 ? "\(name) [\(index)]" : name
      var details = [
        "\(bank.path) \(bank.source)\(perPath[bank.path, default: 0] > 1 ? "[\(index)]" : "")", place(bank.range),
      ]
      details.append(bank.isAvailable ? "memory bank" : "disabled: the kernel skips nodes whose status is not okay")
      return MapShape(
        range: bank.range, label: label, style: bank.isAvailable ? .bank : .bankDisabled, details: details)
    }
  }

  static func firmwareShape(_ entry: FirmwareEntry) -> MapShape {
    let style: ShapeStyle =
      switch entry.kind {
      case .usable: .firmwareUsable
      case .persistent, .persistentLegacy: .firmwarePersistent
      default: .firmwareReserved
      }
    return MapShape(
      range: entry.range, label: entry.typeName, style: style,
      details: ["e820 \(entry.typeName) (type \(entry.kind.rawValue))", place(entry.range)])
  }

  /// For each no-map memory block (by index), the taken no-map reservations on it: each
  /// reservation looks up the blocks it overlaps (they are sorted and disjoint).
  static func noMapOwners(_ memory: [MemoryBlock], _ reservations: [Reservation]) -> [Int: [String]] {
    let order = memory.indices.filter { memory[$0].noMap }.sorted { memory[$0].range.start < memory[$1].range.start }
    var owners: [Int: [String]] = [:]
    for reservation in reservations where reservation.noMap && reservation.status.holdsMemory {
      guard let range = reservation.range, !range.isEmpty else { continue }
      var low = order.partitionPoint { memory[$0].range.end > UInt128(range.start) }
      while low < order.count, memory[order[low]].range.overlaps(range) {
        owners[order[low], default: []].append(reservation.name)
        low += 1
      }
    }
    return owners
  }

  static func memoryShape(_ block: MemoryBlock, owners: [String]) -> MapShape {
    var details = ["memory, node \(block.node)", place(block.range)]
    if block.noMap {
      details.append(
        "no-map: memory, but not in the kernel's linear map"
          + (owners.isEmpty ? "" : " (\(owners.joined(separator: ", ")))"))
    }
    if block.hotpluggable { details.append("hot-pluggable") }
    return MapShape(
      range: block.range, label: block.noMap ? "no-map" : ByteCount.human(block.range.size), style: .memory,
      noMap: block.noMap, details: details)
  }

  static func style(_ status: Reservation.Status) -> ShapeStyle {
    switch status {
    case .reserved: .reserved
    case .allocated: .allocated
    case .failed: .failed
    case .disabled: .disabled
    case .estimated: .estimated
    }
  }

  /// A reservation's kind in words, for the hover text.
  static func kind(_ origin: Reservation.Origin) -> String {
    switch origin {
    case .staticRegion: "static /reserved-memory region"
    case .dynamicRegion: "dynamic /reserved-memory region"
    case .memoryReservationBlock: "/memreserve/ entry"
    case .loader: "loader reservation (--reserve)"
    case .initrd: "initrd"
    case .elfCoreHeader: "ELF core header"
    case .reserveMemParameter: "reserve_mem= parameter"
    case .defaultCMA: "default CMA area"
    case .crashKernel: "crash kernel"
    case .firmware: "UEFI firmware table"
    }
  }

  static func statusLine(_ r: Reservation) -> String {
    var flags: [String] = []
    if r.noMap { flags.append("no-map") }
    if r.reusable { flags.append("reusable") }
    if !r.isRecorded { flags.append("not recorded: the kernel's table of 64 regions was full") }
    return "\(kind(r.origin)), \(r.status.name)" + (flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))")
  }

  static func why(_ r: Reservation) -> [String] {
    var lines: [String] = []
    if let reason = r.status.reason { lines.append("why: \(reason)") }
    if let size = r.requestedSize, r.origin != .staticRegion {
      var request = "asked for \(ByteCount.human(size))"
      if let alignment = r.alignment { request += ", aligned to \(Hex.short(alignment))" }
      if !r.allocRanges.isEmpty {
        request +=
          ", in " + r.allocRanges.map { "\(Hex.short($0.address))+\(Hex.short($0.size))" }.joined(separator: " ")
      }
      lines.append(request)
    }
    if !r.compatible.isEmpty { lines.append("compatible: " + r.compatible.joined(separator: ", ")) }
    return lines
  }

  static func reservationShape(_ r: Reservation) -> MapShape? {
    guard let range = r.range, !range.isEmpty else { return nil }
    let details = [r.path == r.name ? r.name : "\(r.name) (\(r.path))", place(range), statusLine(r)] + why(r)
    return MapShape(range: range, label: r.name, style: style(r.status), noMap: r.noMap, details: details)
  }

  static func unplaced(_ r: Reservation) -> UnplacedRegion {
    let size = r.requestedSize.map { ByteCount.human($0) } ?? "no size"
    let detail = ([kind(r.origin), size] + (r.status.reason.map { [$0] } ?? [])).joined(separator: "; ")
    return UnplacedRegion(name: r.name, status: r.status.name, detail: detail)
  }

  static func persistentShapes(_ cost: PersistentMemoryCost) -> [MapShape] {
    let header = "\(cost.path): \(place(cost.range))"
    let summary =
      "usable as RAM through dax/kmem: \(ByteCount.human(cost.usableBytes)) in \(ByteCount.human(cost.blockSize)) "
      + "memory blocks; lost to alignment: \(ByteCount.human(cost.lostBytes))"
    guard let usable = cost.usable else {
      return [
        MapShape(
          range: cost.range, label: "\(cost.path) (no whole block)", style: .pmemLost, details: [header, summary])
      ]
    }
    var shapes = [
      MapShape(
        range: usable, label: cost.path.split(separator: "/").last.map(String.init) ?? cost.path, style: .pmemUsable,
        details: [header, "whole memory blocks \(place(usable))", summary])
    ]
    for lost in cost.range.subtracting(usable) {
      shapes.append(
        MapShape(
          range: lost, label: "lost", style: .pmemLost,
          details: [header, "outside whole memory blocks \(place(lost)): dax/kmem cannot hot-add it", summary]))
    }
    return shapes
  }

  /// Runs of whole present sections, and each partial one on its own.
  static func sectionShapes(_ costs: MemoryCosts) -> [MapShape] {
    let layout = costs.layout
    let perSection = ByteCount.human(layout.sectionMemoryMapSize)
    var shapes: [MapShape] = []
    var next = 0
    for run in costs.sparse.presentRanges {
      var cursor = run.start
      let first = next
      while next < costs.partialSections.count && run.contains(costs.partialSections[next]) { next += 1 }
      let partial = costs.partialSections[first..<next]
      func whole(upTo end: UInt128) {
        guard UInt128(cursor) < end, let range = PhysicalRange(start: cursor, end: end) else { return }
        let count = UInt64(UInt128(range.size) / UInt128(layout.sectionSize))
        shapes.append(
          MapShape(
            range: range, label: "\(count) × \(ByteCount.human(layout.sectionSize))", style: .sectionWhole,
            details: [
              "\(count) present section\(count == 1 ? "" : "s") of \(ByteCount.human(layout.sectionSize)), all memory",
              place(range),
              "struct page: \(ByteCount.human(UInt64(count) * layout.sectionMemoryMapSize)) (\(perSection) each)",
            ]))
      }
      for section in partial {
        whole(upTo: UInt128(section.start))
        let hole = PhysicalRanges.bytes(PhysicalRanges.uncovered(section, by: costs.memoryRanges))
        let holeMap = UInt64(hole / UInt128(layout.pageSize)) * SparseMemoryLayout.structPageSize
        shapes.append(
          MapShape(
            range: section, label: "partial", style: .sectionPartial,
            details: [
              "present section, only partly memory", place(section),
              "struct page: \(perSection), of which \(ByteCount.human(holeMap)) for \(ByteCount.human(hole)) of holes",
            ]))
        cursor = section.endIfRepresentable ?? UInt64.max
        if section.endIfRepresentable == nil { return shapes }
      }
      whole(upTo: run.end)
    }
    return shapes
  }
}
