internal import BootModel
internal import MemoryModel

/// The kernel's words in rule messages and documentation, always rendered from events by a
/// kernel log renderer — never written here, so a reworded line or another kernel version
/// changes what rules quote, not whether they fire.
extension ValidationContext {
  /// What this boot's kernel prints for `event`, in quotes.
  func quote(_ event: BootEvent) -> String { "\"\(boot.log.line(for: event))\"" }

  /// The first line this boot's kernel prints for `event`, in quotes.
  func quoteFirstLine(_ event: BootEvent) -> String? { boot.log.lines(for: event).first.map { "\"\($0)\"" } }
}

/// Examples for documentation: what Linux 6.12 on arm64 prints for a sample event.
enum KernelWords {
  static let renderer = KernelLog.renderer(.arm64, .default)
  /// A region as the kernel's messages name it, standing for any.
  static let node = ReservedNode(name: "<name>", path: "/reserved-memory/<name>")
  static let sampleBase: UInt64 = 0x8000_0000
  static let sampleSize: UInt64 = 64 << 20
  /// A 64 MiB tuple at 2 GiB.
  static let tuple = RegTuple(address: sampleBase, size: sampleSize)
  /// A size-0 tuple at 2 GiB.
  static let emptyTuple = RegTuple(address: sampleBase, size: 0)
  /// 64 MiB, default alignment, anywhere.
  static let allocation = AllocationRequest(size: sampleSize, alignment: 64)

  /// The line(s) of `event`, quoted.
  static func example(_ event: BootEvent) -> String { "\"\(renderer.line(for: event))\"" }

  static func example(_ event: ReservedMemoryEvent) -> String { example(.reservedMemory(event)) }
}
