public import BootModel
public import KernelParameters
public import MemoryModel
public import Utilities

/// One input, its boot as the arm64 model predicts it (run once), and the derived views every
/// rule needs.
public struct ValidationContext: Sendable {
  public let input: ValidationInput
  public let configuration: Arm64BootConfiguration
  public let boot: BootResult
  /// Why the model found no memory (the bootloader fills the memory node in), or nil. Without
  /// memory the model still runs — every format, property and driver check still applies — but
  /// rules about placement or about lying inside memory stay silent.
  public let missingMemory: String?
  /// The banks the input states (available memory nodes, or `--memory`), with where each came
  /// from, in DT order.
  public let statedBanks: [(path: String, range: PhysicalRange)]
  /// The stated banks merged and sorted.
  public let statedMemory: [PhysicalRange]
  /// Every line the kernel would print during the modelled steps.
  public let kernelLog: [String]
  /// Whether the kernel ignores `/reserved-memory` altogether (`unsupported node format`).
  public let reservedMemoryIgnored: Bool

  /// Runs the boot model (a predicted panic is part of the result, `boot.panic`). Rethrows the
  /// model's errors other than missing memory, which the arm64 model does not raise today.
  public init(_ input: ValidationInput) throws(BootModelError) {
    self.input = input
    var configuration = Arm64BootConfiguration(
      board: input.board, commandLine: KernelCommandLine(input.commandLine, limit: input.commandLineLimit),
      commandLineSource: input.commandLineSource, loaderReservations: input.loaderReservations,
      pageSize: input.pageSize, memoryOverride: input.memoryOverride)
    var missing: String? = nil
    let boot: BootResult
    do {
      boot = try Arm64Boot.simulate(configuration)
    } catch .noMemory(let why) {
      missing = why
      configuration.memoryOverride = []
      boot = try Arm64Boot.simulate(configuration)
    }
    self.configuration = configuration
    self.boot = boot
    self.missingMemory = missing
    self.kernelLog = boot.kernelLog
    if let banks = input.memoryOverride {
      self.statedBanks = banks.map { ("--memory", $0) }
    } else {
      self.statedBanks = input.board.memoryNodes.filter(\.isAvailable).flatMap { node in node.banks.map { (node.path, $0) } }
    }
    self.statedMemory = PhysicalRanges.merged(statedBanks.map(\.range))
    self.reservedMemoryIgnored =
      input.board.reservedMemory.map { !$0.formatProblems(rootCells: input.board.rootCells).isEmpty } ?? false
  }

  public var board: BoardMemory { input.board }
  public var commandLine: KernelCommandLine { configuration.commandLine }
  public var pageSize: PageSize { input.pageSize }
  public var memoryIsKnown: Bool { missingMemory == nil }

  /// The children of `/reserved-memory`, in DT order.
  public var reservedChildren: [ReservedRegionNode] { board.reservedMemory?.children ?? [] }

  /// The model's reservations for one node path, in kernel order.
  public func reservations(at path: String) -> [Reservation] {
    boot.reservations.filter { $0.path == path }
  }

  /// Whether some kernel line contains `text`.
  public func logContains(_ text: String) -> Bool {
    let needle = Array(text.utf8)
    return kernelLog.contains { ByteSearch.contains(needle, in: $0[...]) }
  }

  /// A reservation that holds its memory at the end of the boot.
  public static func isTaken(_ reservation: Reservation) -> Bool {
    reservation.status.holdsMemory && reservation.range.map { !$0.isEmpty } ?? false
  }
}

extension Reservation {
  /// The kernel refuses or fails it.
  var isFailed: Bool {
    if case .failed = status { return true }
    return false
  }
}

extension ValidationContext {
  /// The children the kernel looks at: available ones of a /reserved-memory it accepts.
  var examinedChildren: [ReservedRegionNode] {
    reservedMemoryIgnored ? [] : reservedChildren.filter(\.isAvailable)
  }

  /// The first reservation at `path` the model failed, if any.
  func failure(at path: String) -> Reservation? {
    boot.reservations.first { $0.path == path && $0.isFailed }
  }

  /// A dynamic region the boot placed on (part of) `range` after it had been given back, which
  /// the kernel then reports as an overlap.
  func reuse(of range: PhysicalRange?, after failed: Reservation) -> String? {
    guard let range, let index = boot.reservations.firstIndex(of: failed) else { return nil }
    guard let later = boot.reservations[(index + 1)...].first(where: {
      $0.origin == .dynamicRegion && Self.isTaken($0) && ($0.range?.overlaps(range) ?? false)
    }) else { return nil }
    return "\(later.path) was then placed on the freed range (the kernel prints OVERLAP DETECTED for the two)"
  }
}
