public import DeviceTree
public import MemoryModel

/// What one overlay node is for: the effect a parameter asked for, in device tree terms.
public enum OverlayEffect: Hashable, Sendable {
  /// A `/reserved-memory` child with `reg` (taken where it is).
  case staticReservation(PhysicalRange, noMap: Bool)
  /// A `/reserved-memory` child with `size` (placed by the kernel).
  case dynamicReservation(size: UInt64, alignment: UInt64)
  /// A root-level `pmem-region` node.
  case persistentMemory(PhysicalRange)
  /// A root-level memory node holding these banks (new, or a base node rewritten).
  case memory([PhysicalRange])
  /// A base memory node switched off (`status = "disabled"`).
  case memoryDisabled
  /// `/chosen/linux,usable-memory-range`: memory capped to the first range, the second added.
  case usableMemoryRange([PhysicalRange])
}

/// Where a node goes in the base tree.
public enum OverlayParent: String, Hashable, Sendable {
  case root = ""
  case reservedMemory = "/reserved-memory"
}

/// One node the overlay adds or changes.
public struct OverlayNode: Hashable, Sendable {
  public var parent: OverlayParent
  public var name: String
  public var properties: [TreeProperty]
  public var effect: OverlayEffect
  /// The parameters (`memmap=64M$0x90000000`) it comes from.
  public var sources: [String]
  /// The `reserve_mem=` name of a dynamic region (what `ramoops.mem_name=` refers to).
  public var reserveMemName: String?

  public init(
    parent: OverlayParent, name: String, properties: [TreeProperty], effect: OverlayEffect, sources: [String],
    reserveMemName: String? = nil
  ) {
    self.parent = parent
    self.name = name
    self.properties = properties
    self.effect = effect
    self.sources = sources
    self.reserveMemName = reserveMemName
  }

  /// The node's path once applied.
  public var path: String { parent.rawValue + "/" + name }
}

/// What became of one parameter.
public struct ParameterMapping: Hashable, Sendable {
  public enum Outcome: String, Hashable, Sendable {
    /// The overlay holds its effect.
    case translated
    /// It has no device tree form, or not one dtmem can vouch for; `reason` says why.
    case refused
    /// The kernel would do nothing with it (a malformed item, `mem=0`), so neither does the overlay.
    case noEffect = "no-effect"
    /// A later `memmap=exactmap` throws its effect away, as on x86.
    case discarded
  }

  /// The whole parameter (`memmap=64M$0x90000000,1G!0x100000000`).
  public var parameter: String
  /// The item within it (`64M$0x90000000`), or the parameter.
  public var item: String
  /// The form, as the mapping table names it (`nn$ss`, `exactmap`, `mem=nn`, `reserve_mem=`).
  public var form: String
  public var outcome: Outcome
  /// Paths of the nodes that carry it.
  public var nodes: [String]
  /// Why it was refused, what it lost, what to know.
  public var notes: [String]

  /// The parameter, or `parameter: item` when the item is one of several.
  public var label: String {
    parameter == item || parameter.hasSuffix("=" + item) ? parameter : "\(parameter): \(item)"
  }

  public init(
    parameter: String, item: String, form: String, outcome: Outcome, nodes: [String] = [], notes: [String] = []
  ) {
    self.parameter = parameter
    self.item = item
    self.form = form
    self.outcome = outcome
    self.nodes = nodes
    self.notes = notes
  }
}

/// The overlay as a list of nodes, and the account of every parameter.
public struct OverlayPlan: Hashable, Sendable {
  /// The cells every `reg`, `size` and `alignment` is encoded with.
  public var cells: CellCounts
  /// True when there was no base and 2/2 was assumed.
  public var cellsAssumed: Bool
  /// The overlay creates `/reserved-memory` (with the root's cells and `ranges`).
  public var createsReservedMemory: Bool
  /// Nodes in the order the kernel should see them once applied (command-line order).
  public var nodes: [OverlayNode]
  public var mappings: [ParameterMapping]
  /// Things that concern the whole overlay (assumptions, parameters to drop from the command line).
  public var notes: [Diagnostic]

  public init(
    cells: CellCounts, cellsAssumed: Bool, createsReservedMemory: Bool, nodes: [OverlayNode],
    mappings: [ParameterMapping], notes: [Diagnostic]
  ) {
    self.cells = cells
    self.cellsAssumed = cellsAssumed
    self.createsReservedMemory = createsReservedMemory
    self.nodes = nodes
    self.mappings = mappings
    self.notes = notes
  }

  /// Whether the overlay changes anything at all.
  public var isEmpty: Bool { nodes.isEmpty }
}
