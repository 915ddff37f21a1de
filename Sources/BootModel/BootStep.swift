public import MemoryModel

/// One step of a boot model, for `--explain`: what the kernel does at this point, what changed,
/// and what happened (the events, from which the kernel's lines are rendered).
public struct BootStep: Hashable, Sendable {
  /// A short title (`DT memory nodes`, `memmap=64M$0x90000000`).
  public var title: String
  /// The kernel function (and version) the step follows.
  public var kernelFunction: String
  /// What the step added, removed, placed or refused, one line each; empty if nothing changed.
  public var changes: [String]
  /// What happened during the step, in order.
  public var events: [BootEvent]
  /// Memory (memblock.memory) the step removed, merged and sorted; for rules and tools that
  /// need the fact rather than its `changes` line.
  public var memoryRemoved: [PhysicalRange]

  public init(
    title: String, kernelFunction: String, changes: [String] = [], events: [BootEvent] = [],
    memoryRemoved: [PhysicalRange] = []
  ) {
    self.title = title
    self.kernelFunction = kernelFunction
    self.changes = changes
    self.events = events
    self.memoryRemoved = memoryRemoved
  }
}
