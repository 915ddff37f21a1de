internal import BootModel
internal import DeviceTree
internal import KernelParameters
public import MemoryModel

/// x86 memory parameters → the nodes of a device tree overlay with the same effect on arm64.
///
/// The parameters are taken in command-line order, as x86 applies them to one table: a later
/// `memmap=exactmap` throws away what earlier items did, a `mem=` limit caps RAM added before it
/// but not after it. Each item maps to the nearest device tree form that means the same thing
/// to Linux, or is refused with the reason; nothing is approximated silently.
///
/// | parameter | overlay |
/// |---|---|
/// | `nn$ss` | `/reserved-memory/memmap@ss { reg; no-map; }` |
/// | `nn#ss` | the same (ACPI data has no device tree meaning) |
/// | `nn!ss` | `/pmem@ss { compatible = "pmem-region"; reg; }`, plus a no-map reservation over RAM |
/// | `nn@ss` | `/memory@ss { device_type = "memory"; reg; }` (merged into a base node of that name) |
/// | `exactmap` | every base memory node `status = "disabled"` (needs BASE) |
/// | `nn`, `mem=nn` | `/chosen/linux,usable-memory-range = <0 nn>` (intersected with the base's) |
/// | `nn%ss+t` | the form of type t |
/// | `nn%ss-1+t` | the form of type t over the RAM parts of the range (needs BASE) |
/// | `nn%ss-1`, `nn%ss` | base memory nodes rewritten without the range (needs BASE) |
/// | `reserve_mem=nn:align:name` | `/reserved-memory/name { size; alignment; }` |
/// | … + `ramoops.mem_name=name` | `/reserved-memory/ramoops@a { compatible = "ramoops"; reg; … }` (`OverlayBuilder`) |
public enum OverlayPlanner {
  /// The root cells assumed without a base (what QEMU, U-Boot and most arm64 boards use).
  public static let assumedCells = CellCounts(address: 2, size: 2)

  public static func plan(_ parameters: OverlayParameters, base: OverlayBase?) -> OverlayPlan {
    var planner = PlannerState(base: base)
    let lastAddingRAM = parameters.entries.lastIndex { $0.addsRAM }
    for (index, entry) in parameters.entries.enumerated() {
      planner.ramAddedLater = lastAddingRAM.map { $0 > index } ?? false
      planner.apply(entry)
    }
    planner.noteRamoops(parameters.ramoops)
    planner.noteCommandLine(parameters)
    return planner.finish()
  }
}

/// A node in the making and the mapping that made it.
struct PlannedNode {
  var node: OverlayNode
  var mapping: Int
  /// The e820 type it stands for (reservations and pmem), for `%` retyping checks.
  var kind: RegionKind?
}

/// The planner's state while it walks the command line.
struct PlannerState {
  let base: OverlayBase?
  let cells: CellCounts
  var mappings: [ParameterMapping] = []
  /// `/reserved-memory` children and root-level pmem nodes, in command-line order.
  var planned: [PlannedNode] = []
  /// Root-level memory nodes: the base's, then new ones.
  var memoryNodes: [MemoryNodeState] = []
  /// The x86 address limit (`mem=`, bare `memmap=nn`): RAM at and above it goes.
  var limit: UInt64? = nil
  var limitSources: [Int] = []
  /// RAM added above the limit after it was set: the second `linux,usable-memory-range` entry.
  var extra: (range: PhysicalRange, mapping: Int)? = nil
  var sawExactmap = false
  /// Whether a later parameter adds RAM (an `exactmap` without one leaves no memory).
  var ramAddedLater = false
  var reserveMemNames: [String] = []
  var notes: [Diagnostic] = []
  /// Names libfdt finds under `/reserved-memory` and under the root: the base's, then every
  /// planned node's (`plan(_:)` adds them; `rebuildNames()` starts again after a removal).
  var reservedNames = TakenNames()
  var rootNames = TakenNames()

  init(base: OverlayBase?) {
    self.base = base
    self.cells = base?.board.rootCells ?? OverlayPlanner.assumedCells
    if let base {
      for node in base.board.memoryNodes {
        memoryNodes.append(MemoryNodeState(base: node))
      }
    }
    rebuildNames()
  }

  // MARK: Dispatch

  mutating func apply(_ entry: ParameterEntry) {
    switch entry.request {
    case .memmap(let item): applyMemmap(item, entry)
    case .mem(let option): applyMem(option, entry)
    case .reserveMem(let parsed): applyReserveMem(parsed, entry)
    }
  }

  /// Starts the account of one parameter; returns its index.
  mutating func begin(_ entry: ParameterEntry, form: String, notes: [String] = []) -> Int {
    mappings.append(
      ParameterMapping(parameter: entry.parameter, item: entry.text, form: form, outcome: .translated, notes: notes))
    return mappings.count - 1
  }

  mutating func refuse(_ index: Int, _ reason: String) {
    mappings[index].outcome = .refused
    mappings[index].notes.insert(reason, at: 0)
  }

  mutating func noEffect(_ index: Int, _ reason: String) {
    mappings[index].outcome = .noEffect
    mappings[index].notes.insert(reason, at: 0)
  }

  mutating func note(_ index: Int, _ text: String) { mappings[index].notes.append(text) }

  mutating func applyMemmap(_ item: MemmapItem, _ entry: ParameterEntry) {
    let index = begin(entry, form: Self.form(of: item), notes: item.problems)
    switch item.operation {
    case .ignored:
      noEffect(index, "the kernel ignores it (no size)")
    case .nothing:
      noEffect(index, "the kernel ignores it (text after the types)")
    case .exactmap:
      applyExactmap(index)
    case .add(let start, let size, let kind):
      guard let range = checkedRange(start, size, index) else { return }
      add(range, kind, index)
    case .retype(let start, let size, let from, let to):
      guard from != to else {
        return refuse(index, "retypes type \(from.rawValue) to itself: the x86 kernel hits BUG() on it")
      }
      guard let range = clampedRange(start, size) else { return noEffect(index, "size 0: nothing to change") }
      retype(range, from: from, to: to, index)
    case .remove(let start, let size, let kind):
      guard let range = clampedRange(start, size) else { return noEffect(index, "size 0: nothing to remove") }
      remove(range, kind: kind, index)
    case .removeUsableAbove(let address):
      applyLimit(address, index)
    }
  }

  mutating func applyMem(_ option: X86MemParameter, _ entry: ParameterEntry) {
    let index = begin(entry, form: "mem=nn")
    switch option {
    case .missingValue:
      let complaint = KernelLog.renderer(.x86, .default).line(for: .parameter(.malformedEarlyOption("mem")))
      noEffect(index, "no value: the kernel rejects it (\(complaint))")
    case .nopentium: noEffect(index, "mem=nopentium means nothing on 64-bit kernels")
    case .zero(let value): noEffect(index, "mem=\(value) reads as 0: the kernel rejects it")
    case .limit(let address, let ignoredText):
      if let ignoredText { note(index, "the kernel ignores '\(ignoredText)' after the number") }
      applyLimit(address, index)
      if mappings[index].outcome == .translated {
        note(index, "x86 also stops memory hot-plug above the limit (max_mem_size); a device tree cannot say that")
      }
    }
  }

  /// The table's name for an item's form (`nn$ss`, `nn%ss-t+n`, …).
  static func form(of item: MemmapItem) -> String {
    switch item.operation {
    case .exactmap: return "exactmap"
    case .ignored: return "memmap item"
    case .nothing: return "nn%ss"
    case .removeUsableAbove: return "nn"
    case .remove(_, _, let kind): return kind == nil ? "nn%ss" : "nn%ss-t"
    case .retype: return "nn%ss-t+n"
    case .add(_, _, let kind):
      if item.text.contains("%") { return "nn%ss+n" }
      return "nn\(MemmapParameter.addOperator(for: kind) ?? "$")ss"
    }
  }

  /// `[start, start + size)` for an item that adds: nil (and the item refused or without effect)
  /// when empty, when it wraps past 2^64 (x86 panics at the final sanitize), or when the cells
  /// cannot hold it.
  mutating func checkedRange(_ start: UInt64, _ size: UInt64, _ index: Int) -> PhysicalRange? {
    guard size != 0 else {
      noEffect(index, "size 0: the entry vanishes when the kernel sanitizes the table")
      return nil
    }
    guard start &+ size > start, let range = PhysicalRange(start: start, size: size) else {
      refuse(index, "the range ends at or past 2^64: the x86 kernel panics (Invalid user supplied memory map)")
      return nil
    }
    guard fits(range) else {
      refuse(
        index, "\(Hex.short(start))+\(Hex.short(size)) does not fit the root's #address-cells/#size-cells \(cells)")
      return nil
    }
    return range
  }

  /// Update and remove clamp their range to end at 2^64 - 1 (`__e820__range_update`).
  func clampedRange(_ start: UInt64, _ size: UInt64) -> PhysicalRange? {
    let range = PhysicalRange(start: start, cappedSize: size)
    return range.isEmpty ? nil : range
  }

  func fits(_ range: PhysicalRange) -> Bool { TreeProperty.reg([range], cells: cells) != nil }

  /// `ranges`, each checked with `fits`, as a `reg` property.
  func reg(_ ranges: [PhysicalRange]) -> TreeProperty { TreeProperty.reg(ranges, cells: cells)! }

  /// A memory node's banks: a bank too large for one size cell (two merged banks can be) is
  /// written as consecutive tuples split at 64 KiB boundaries, so the kernel's per-tuple page
  /// trim loses nothing at any page size; nil when a piece starts past the address cells.
  func memoryReg(_ name: String, _ banks: [PhysicalRange]) -> TreeProperty? {
    guard cells.size == 1 else { return TreeProperty.reg(banks, named: name, cells: cells) }
    var pieces: [PhysicalRange] = []
    for bank in banks {
      var start = UInt128(bank.start)
      while start < bank.end {
        let limit = start + UInt128(UInt32.max)
        let cut = bank.end <= limit ? bank.end : max(limit - limit % 0x10000, start + 1)
        pieces.append(PhysicalRange(start: UInt64(start), end: cut)!)
        start = cut
      }
    }
    return TreeProperty.reg(pieces, named: name, cells: cells)
  }

  // MARK: Names

  /// Plans `item`, its name taken from then on.
  mutating func plan(_ item: PlannedNode) {
    planned.append(item)
    switch item.node.parent {
    case .reservedMemory: reservedNames.insert(item.node.name)
    case .root: rootNames.insert(item.node.name)
    }
  }

  /// The taken names from the base, the planned nodes and the memory nodes.
  mutating func rebuildNames() {
    reservedNames = TakenNames(base?.reservedChildNames ?? [])
    rootNames = TakenNames(base?.rootChildNames ?? [])
    for item in planned {
      switch item.node.parent {
      case .reservedMemory: reservedNames.insert(item.node.name)
      case .root: rootNames.insert(item.node.name)
      }
    }
    for node in memoryNodes { rootNames.insert(node.name) }
  }
}
