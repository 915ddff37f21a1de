public import BootModel
public import KernelParameters
public import MemoryModel

/// One input, its boot as the model predicts it (run once), and the derived views every rule
/// needs.
public struct ValidationContext: Sendable {
  public let run: BootRun
  /// The device tree checked.
  public let board: BoardMemory
  /// The banks the input states (available memory nodes, or `--memory`), with where each came
  /// from, in DT order.
  public let statedBanks: [(path: String, range: PhysicalRange)]
  /// The stated banks merged and sorted.
  public let statedMemory: [PhysicalRange]
  /// The command line as the kernel keeps it.
  public let commandLine: KernelCommandLine
  /// Everything that happened during the modelled boot, in order.
  public let events: [BootEvent]
  /// The `/reserved-memory` events, by the node path they are about.
  let reservedMemoryEvents: [String: [ReservedMemoryEvent]]
  /// The model's reservations by node path, each list in kernel order: rules ask per child, so
  /// one index instead of a scan of every reservation per question.
  let reservationsByPath: [String: [Reservation]]
  /// Whether the kernel ignores `/reserved-memory` altogether (`unsupported node format`).
  public let reservedMemoryIgnored: Bool

  /// Boots a device tree request (a predicted panic is part of the result, `boot.panic`; an
  /// input without memory is booted with none, `missingMemory`). Rethrows the model's other
  /// errors; a request without a device tree is `.unsupported`.
  public init(_ request: BootRequest) throws(BootModelError) {
    try self.init(try BootRun(request))
  }

  /// The context of a boot already run.
  public init(_ run: BootRun) throws(BootModelError) {
    let request = run.request
    guard let board = request.board else { throw .unsupported("only device trees can be checked") }
    self.run = run
    self.board = board
    self.commandLine = request.kernelCommandLine
    self.events = run.result.events
    var byNode: [String: [ReservedMemoryEvent]] = [:]
    for case .reservedMemory(let event) in events {
      if let node = event.node { byNode[node.path, default: []].append(event) }
    }
    self.reservedMemoryEvents = byNode
    var reservationsByPath: [String: [Reservation]] = [:]
    for reservation in run.result.reservations { reservationsByPath[reservation.path, default: []].append(reservation) }
    self.reservationsByPath = reservationsByPath
    self.statedBanks = request.statedBanks
    self.statedMemory = PhysicalRanges.merged(statedBanks.map(\.range))
    self.reservedMemoryIgnored =
      board.reservedMemory.map { !$0.formatProblems(rootCells: board.rootCells).isEmpty } ?? false
  }

  public var request: BootRequest { run.request }
  public var boot: BootResult { run.result }
  public var pageSize: PageSize { request.pageSize }
  /// Why the input states no memory (the bootloader fills the memory node in), or nil. Without
  /// memory the model still runs — every format, property and driver check still applies — but
  /// rules about placement or about lying inside memory stay silent.
  public var missingMemory: String? { run.missingMemory }
  public var memoryIsKnown: Bool { run.memoryIsKnown }

  /// The children of `/reserved-memory`, in DT order.
  public var reservedChildren: [ReservedRegionNode] { board.reservedMemory?.children ?? [] }

  /// The model's reservations for one node path, in kernel order.
  public func reservations(at path: String) -> [Reservation] { reservationsByPath[path] ?? [] }

  /// The `/reserved-memory` events about the child at `path`, in order.
  public func reservedMemoryEvents(at path: String) -> [ReservedMemoryEvent] { reservedMemoryEvents[path] ?? [] }

  /// A reservation that holds its memory at the end of the boot.
  public static func isTaken(_ reservation: Reservation) -> Bool {
    reservation.status.holdsMemory && reservation.range.map { !$0.isEmpty } ?? false
  }
}

extension ValidationContext {
  /// The children the kernel looks at: available ones of a /reserved-memory it accepts.
  var examinedChildren: [ReservedRegionNode] {
    reservedMemoryIgnored ? [] : reservedChildren.filter(\.isAvailable)
  }

  /// The first reservation at `path` the model failed, if any.
  func failure(at path: String) -> Reservation? {
    reservations(at: path).first { $0.isFailed }
  }

  /// A dynamic region the boot placed on (part of) `range` after it had been given back, and
  /// what the kernel prints about the two when it reports them as an overlap.
  func reuse(of range: PhysicalRange?, after failed: Reservation) -> String? {
    guard let range, let index = boot.reservations.firstIndex(of: failed) else { return nil }
    guard
      let later = boot.reservations[(index + 1)...].first(where: {
        $0.origin == .dynamicRegion && Self.isTaken($0) && ($0.range?.overlaps(range) ?? false)
      })
    else { return nil }
    let pair: Set = [failed.path, later.path]
    let report = events.first { event in
      guard case .reservedMemory(.overlap(let a, let b)) = event else { return false }
      return Set([a.node.path, b.node.path]) == pair
    }
    let printed = report.flatMap(quoteFirstLine).map { " (the kernel prints \($0) for the two)" } ?? ""
    return "\(later.path) was then placed on the freed range\(printed)"
  }
}
