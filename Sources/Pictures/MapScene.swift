public import MemoryModel

/// One memory map as a picture: lanes of regions along one physical address axis. A value the
/// renderers (SVG, terminal) draw; built from a boot result by `MapScene.init(boot:)`.
public struct MapScene: Hashable, Sendable {
  /// The input's name (`dts/cma-carveouts.dts`).
  public var title: String
  /// One line about it: the board, boot model, kernel, page size.
  public var subtitle: String
  /// In drawing order; lanes without regions are left out.
  public var lanes: [MapLane]
  /// Regions with no address (a dynamic region the kernel could not place, a disabled one).
  public var unplaced: [UnplacedRegion]

  public init(title: String, subtitle: String, lanes: [MapLane], unplaced: [UnplacedRegion] = []) {
    self.title = title
    self.subtitle = subtitle
    self.lanes = lanes
    self.unplaced = unplaced
  }

  /// Every range any lane draws.
  public var ranges: [PhysicalRange] { lanes.flatMap { $0.shapes.map(\.range) } }
}

/// A horizontal band of regions of one kind.
public struct MapLane: Hashable, Sendable {
  public var kind: LaneKind
  public var shapes: [MapShape]

  public init(kind: LaneKind, shapes: [MapShape]) {
    self.kind = kind
    self.shapes = shapes
  }
}

/// What a lane shows, in the order lanes are drawn.
public enum LaneKind: Int, Hashable, Sendable, CaseIterable, Comparable {
  /// The memory banks the device tree states.
  case banks
  /// The firmware's e820 table (x86 inputs).
  case firmware
  /// The memory the kernel keeps (memblock memory; no-map marked).
  case memory
  /// Reservations at fixed addresses: static `/reserved-memory` regions, `/memreserve/`, what the
  /// loader occupies, the initrd, the ELF core header.
  case fixedReservations
  /// Reservations the kernel places: dynamic `/reserved-memory` regions, `reserve_mem=`.
  case placedReservations
  /// The kernel's own allocations the model predicts (default CMA area, crash kernel).
  case kernelAllocations
  /// `pmem-region` ranges: what dax/kmem can hot-add as RAM, and what alignment loses.
  case persistentMemory
  /// The sparsemem sections whose `struct page` arrays the kernel allocates.
  case sections

  public var title: String {
    switch self {
    case .banks: "Banks (device tree)"
    case .firmware: "Firmware table (e820)"
    case .memory: "Memory the kernel keeps"
    case .fixedReservations: "Reservations, fixed"
    case .placedReservations: "Reservations, placed"
    case .kernelAllocations: "Kernel allocations"
    case .persistentMemory: "Persistent memory"
    case .sections: "Memory map sections"
    }
  }

  /// A word or two for a terminal's label column.
  public var shortTitle: String {
    switch self {
    case .banks: "banks"
    case .firmware: "e820"
    case .memory: "memory"
    case .fixedReservations: "reserved"
    case .placedReservations: "placed"
    case .kernelAllocations: "kernel"
    case .persistentMemory: "pmem"
    case .sections: "sections"
    }
  }

  /// Whether region names are worth labelling outside shapes too narrow for them.
  var labelsOutside: Bool {
    switch self {
    case .memory, .sections: false
    default: true
    }
  }

  public static func < (a: LaneKind, b: LaneKind) -> Bool { a.rawValue < b.rawValue }
}

/// One region: where, what to call it, how to draw it, what a hover says.
public struct MapShape: Hashable, Sendable {
  public var range: PhysicalRange
  /// A short label (`linux,cma`, `1.28 GiB`).
  public var label: String
  public var style: ShapeStyle
  /// Marked no-map (drawn hatched whatever its style).
  public var noMap: Bool
  /// The hover text: name, range and size, status, why — one line each.
  public var details: [String]

  public init(range: PhysicalRange, label: String, style: ShapeStyle, noMap: Bool = false, details: [String]) {
    self.range = range
    self.label = label
    self.style = style
    self.noMap = noMap
    self.details = details
  }
}

/// How a region is drawn: its colour, pattern and outline, and its terminal glyph.
public enum ShapeStyle: String, Hashable, Sendable, CaseIterable {
  case bank
  case bankDisabled
  case firmwareUsable
  case firmwareReserved
  case firmwarePersistent
  case memory
  case reserved
  case allocated
  case failed
  case estimated
  case disabled
  case pmemUsable
  case pmemLost
  case sectionWhole
  case sectionPartial
}

/// A region that has no address to draw at.
public struct UnplacedRegion: Hashable, Sendable {
  public var name: String
  public var status: String
  public var detail: String

  public init(name: String, status: String, detail: String) {
    self.name = name
    self.status = status
    self.detail = detail
  }
}
