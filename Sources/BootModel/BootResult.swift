public import MemoryModel

/// A range of memory as the memory allocator holds it at the end of the boot steps.
public struct MemoryBlock: Hashable, Sendable {
  public var range: PhysicalRange
  /// The NUMA node (0 when the kernel fakes a single node).
  public var node: Int
  /// Marked `MEMBLOCK_NOMAP`: memory, but not in the linear map (no-map reservations).
  public var noMap: Bool
  /// Marked hot-pluggable (`hotpluggable` memory node).
  public var hotpluggable: Bool

  public init(range: PhysicalRange, node: Int = 0, noMap: Bool = false, hotpluggable: Bool = false) {
    self.range = range
    self.node = node
    self.noMap = noMap
    self.hotpluggable = hotpluggable
  }
}

/// What a boot model predicts: the final memory, every reservation, the e820 view, and the
/// steps that led there. The same shape for every architecture, so every output format and the
/// validator read one thing.
public struct BootResult: Hashable, Sendable {
  public var architecture: Architecture
  /// The kernel whose boot this is.
  public var kernel: KernelVersion
  /// Memory at the end, one block per allocator region (split where flags or nodes differ),
  /// page-rounded as the kernel prints its "Early memory node ranges".
  public var memory: [MemoryBlock]
  /// Every reservation the description or the parameters ask for, in the kernel's processing
  /// order (the contract's `reserved` list).
  public var reservations: [Reservation]
  /// Memory the kernel takes for itself that the model predicts (default CMA area, crash
  /// kernel): kept apart because nothing in the input names it.
  public var kernelAllocations: [Reservation]
  /// The table the kernel prints last (x86: `user:`, else `BIOS-e820:`), or the e820 view of
  /// the final map (arm64).
  public var e820: MemoryMap
  /// x86: the table the kernel ends with, after `trim_bios_range()` (page 0 reserved, RAM in
  /// 640 KiB–1 MiB removed): what /proc/iomem shows. nil when the boot stopped before it (and on
  /// arm64, whose view is `e820`).
  public var finalE820: MemoryMap?
  /// The boot steps in order, for `--explain`.
  public var steps: [BootStep]
  /// Things worth telling: ignored parameters, assumptions, losses.
  public var diagnostics: [Diagnostic]
  /// Set when the kernel stops during the modelled steps (panic, BUG). The steps after that
  /// point did not run; memory and reservations are as far as it got.
  public var stop: BootStop?

  public init(
    architecture: Architecture, kernel: KernelVersion, memory: [MemoryBlock] = [], reservations: [Reservation] = [],
    kernelAllocations: [Reservation] = [],
    e820: MemoryMap = .empty, finalE820: MemoryMap? = nil, steps: [BootStep] = [], diagnostics: [Diagnostic] = [],
    stop: BootStop? = nil
  ) {
    self.finalE820 = finalE820
    self.stop = stop
    self.architecture = architecture
    self.kernel = kernel
    self.memory = memory
    self.reservations = reservations
    self.kernelAllocations = kernelAllocations
    self.e820 = e820
    self.steps = steps
    self.diagnostics = diagnostics
  }

  /// The name of the table in `e820` as the kernel's log calls it: `user:` when a parameter made
  /// a user-defined map, else the firmware's (`BIOS-e820:`); arm64: the e820 view.
  public var e820Label: String {
    guard architecture == .x86 else { return "e820 view" }
    for event in events.reversed() {
      switch event {
      case .e820(.userDefinedMap): return "user:"
      case .e820(.firmwareTable(let label, _)): return "\(label):"
      default: continue
      }
    }
    return "e820"
  }

  /// Everything that happened during the modelled steps, in order.
  public var events: [BootEvent] { steps.flatMap(\.events) }

  /// How this boot's kernel prints its events.
  public var log: any KernelLogRenderer { KernelLog.renderer(architecture, kernel) }

  /// Every line the kernel prints during the modelled steps, in order.
  public var kernelLog: [String] { log.lines(for: events) }

  /// The lines the kernel prints during one step.
  public func kernelMessages(of step: BootStep) -> [String] { log.lines(for: step.events) }

  /// What the kernel says when it stops (`Invalid user supplied memory map`, `kernel BUG at …`).
  public var stopMessage: String? { stop.map(log.message(for:)) }

  /// What made the kernel stop, in dtmem's words: the last error diagnostic of a boot that stops.
  public var stopCause: Diagnostic? { stop == nil ? nil : diagnostics.last { $0.severity == .error } }
}
