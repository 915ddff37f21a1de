public import BootModel
public import DeviceTree
internal import KernelParameters
public import MemoryModel

/// The overlay, its blob, and what the arm64 model makes of the base with it applied.
public struct OverlayResult: Sendable {
  public var plan: OverlayPlan
  /// The overlay blob, written by libfdt.
  public var blob: [UInt8]
  /// The base with the overlay applied (libfdt), when there is a base.
  public var applied: FlatDeviceTree?
  /// The model's boots of the base alone and with the overlay (nil without a base, or when the
  /// base states no memory).
  public var baseBoot: BootResult?
  public var appliedBoot: BootResult?
  /// Each node checked against the simulated boot.
  public var checks: [OverlayCheck]
  /// The plan's notes, then collisions and predictions.
  public var diagnostics: [Diagnostic]
}

/// Why no overlay could be made.
public enum OverlayError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The base cannot be read.
  case base(FDTError)
  /// libfdt refused to write or apply the overlay (a dtmem bug, reported as such).
  case overlay(FDTError)

  public var description: String {
    switch self {
    case .base(let error): "\(error)"
    case .overlay(let error): "the generated overlay does not apply (a dtmem bug): \(error)"
    }
  }
}

/// Plans the overlay, resolves what needs the base (the `ramoops` node's address), applies it
/// with libfdt and checks every node against the arm64 boot model's boot of the result.
public enum OverlayBuilder {
  /// `boot`: how the arm64 model boots the base — its memory facts (the caller has read them
  /// already), the command line it boots with (by default its `/chosen/bootargs`; not the
  /// parameters being translated: arm64 ignores `memmap=` and reads `mem=` differently), kernel,
  /// page size, `--reserve`, `--memory`, limits. Without it the base boots with its own defaults.
  public static func build(
    _ parameters: OverlayParameters, base tree: FlatDeviceTree?, boot: BootRequest? = nil
  ) throws(OverlayError) -> OverlayResult {
    var base: OverlayBase? = nil
    if let tree, let board = boot?.board {
      base = OverlayBase(tree: tree, board: board, memoryOverride: boot?.memoryOverride)
    } else if let tree {
      do { base = try OverlayBase(tree: tree) } catch { throw .base(error) }
    }
    var plan = OverlayPlanner.plan(parameters, base: base)
    var diagnostics = plan.notes
    guard let tree, let base else {
      if parameters.ramoops.memoryName != nil,
        plan.nodes.contains(where: { $0.reserveMemName == parameters.ramoops.memoryName })
      {
        diagnostics.append(ramoopsNeedsBase(parameters.ramoops))
      }
      return OverlayResult(
        plan: plan, blob: try blob(plan), applied: nil, baseBoot: nil, appliedBoot: nil, checks: [],
        diagnostics: diagnostics)
    }
    let request = (boot ?? BootRequest(.deviceTree(base.board))).with(.deviceTree(base.board))
    let baseBoot = run(request, &diagnostics)
    if let name = parameters.ramoops.memoryName, let index = plan.nodes.firstIndex(where: { $0.reserveMemName == name })
    {
      var isPlaced = false
      if baseBoot != nil, let placed = try placement(of: plan.nodes[index], plan: plan, tree: tree, boot: request) {
        isPlaced = plan.placeRamoops(at: index, range: placed, settings: parameters.ramoops, base: base)
      }
      if !isPlaced { diagnostics.append(ramoopsNeedsBase(parameters.ramoops, placed: false)) }
    }
    let overlayBlob = try blob(plan)
    let applied = try apply(overlayBlob, to: tree)
    var appliedBoot: BootResult? = nil
    var checks: [OverlayCheck] = []
    if baseBoot != nil, let board = try? applied.boardMemory() {
      var ignored: [Diagnostic] = []
      appliedBoot = run(request.with(.deviceTree(board)), &ignored)
    }
    if let baseBoot, let appliedBoot {
      checks = OverlayCheck.checks(plan, base: baseBoot, applied: appliedBoot)
      diagnostics += checks.flatMap(\.diagnostics)
      diagnostics += OverlayCheck.sideEffects(plan, base: baseBoot, applied: appliedBoot)
    }
    return OverlayResult(
      plan: plan, blob: overlayBlob, applied: applied, baseBoot: baseBoot, appliedBoot: appliedBoot, checks: checks,
      diagnostics: diagnostics)
  }

  static func blob(_ plan: OverlayPlan) throws(OverlayError) -> [UInt8] {
    do { return try plan.tree.blob() } catch { throw .overlay(error) }
  }

  static func apply(_ overlay: [UInt8], to tree: FlatDeviceTree) throws(OverlayError) -> FlatDeviceTree {
    do {
      return try tree.applying(FlatDeviceTree(bytes: overlay))
    } catch {
      throw .overlay(error)
    }
  }

  /// The model's boot; nil (with a note) when the board states no memory.
  static func run(_ request: BootRequest, _ diagnostics: inout [Diagnostic]) -> BootResult? {
    do {
      return try Boot.run(request)
    } catch {
      diagnostics.append(
        Diagnostic(.warning, at: "base", "no collision checks or placements: \(error.description)"))
      return nil
    }
  }

  /// Where the model places a dynamic node once the overlay is applied.
  static func placement(
    of node: OverlayNode, plan: OverlayPlan, tree: FlatDeviceTree, boot: BootRequest
  ) throws(OverlayError) -> PhysicalRange? {
    let applied = try apply(try blob(plan), to: tree)
    guard let board = try? applied.boardMemory() else { return nil }
    var ignored: [Diagnostic] = []
    guard let result = run(boot.with(.deviceTree(board)), &ignored) else { return nil }
    return result.reservations.first { $0.path == node.path && $0.status == .allocated }?.range
  }

  static func ramoopsNeedsBase(_ settings: RamoopsSettings, placed: Bool = true) -> Diagnostic {
    Diagnostic(
      .warning, at: "cmdline",
      "ramoops.mem_name=\(settings.memoryName ?? ""): the ramoops driver needs a reg (it reads the region from the "
        + "node's resource), so a ramoops node needs an address; "
        + (placed
          ? "give BASE so dtmem can place it where the arm64 model predicts the region"
          : "the model could not place the region on this base")
        + ". The region stays a plain dynamic one"
    )
  }
}

extension OverlayPlan {
  /// Turns the dynamic region `ramoops.mem_name=` names into a static `ramoops@…` node at
  /// `range`: the address the arm64 model predicts for the dynamic region on this base, so the
  /// layout stays what the dynamic region would give, and the driver gets its `reg`. False when
  /// the root's cells cannot hold that address.
  mutating func placeRamoops(at index: Int, range: PhysicalRange, settings: RamoopsSettings, base: OverlayBase) -> Bool
  {
    guard let reg = TreeProperty.reg([range], cells: cells) else { return false }
    let old = nodes[index]
    var taken = base.reservedChildNames
    for (i, node) in nodes.enumerated() where i != index && node.parent == .reservedMemory { taken.insert(node.name) }
    let name = NodeNaming.unique("ramoops", address: range.start, taken: taken)
    var properties: [TreeProperty] = [.string("compatible", "ramoops"), reg]
    for (property, value) in settings.properties { properties.append(.cells(property, [value])) }
    nodes[index] = OverlayNode(
      parent: .reservedMemory, name: name, properties: properties, effect: .staticReservation(range, noMap: false),
      sources: old.sources + settings.parameters, reserveMemName: old.reserveMemName)
    for m in mappings.indices {
      if let i = mappings[m].nodes.firstIndex(of: old.path) {
        mappings[m].nodes[i] = nodes[index].path
        mappings[m].notes.removeAll { $0.hasPrefix("a dynamic region") || $0.hasPrefix("ramoops.mem_name=") }
        mappings[m].notes.append(
          "with ramoops.mem_name=: a static ramoops node at \(range), where the arm64 model places the dynamic region "
            + "on this base (the driver needs reg); zone sizes from ramoops.* or the module's 4 KiB defaults"
        )
      }
    }
    return true
  }
}
