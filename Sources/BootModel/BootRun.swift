public import MemoryModel

/// A request and what the model made of it — also for an input that states no memory (the
/// bootloader fills it in), which is then booted with none so that everything that does not
/// need memory can still be read. What validation, diff and reports read.
public struct BootRun: Sendable {
  public let request: BootRequest
  public let result: BootResult
  /// Why the input states no memory, or nil. Without memory the boot still ran (with no
  /// memory), but placements and "lies inside memory" mean nothing.
  public let missingMemory: String?

  /// Runs `request` through `Boot.run`; rethrows the model's errors other than missing memory.
  public init(_ request: BootRequest) throws(BootModelError) {
    self.request = request
    do {
      result = try Boot.run(request)
      missingMemory = nil
    } catch .noMemory(let why) {
      var empty = request
      empty.memoryOverride = []
      result = try Boot.run(empty)
      missingMemory = why
    }
  }

  public var memoryIsKnown: Bool { missingMemory == nil }
}

extension BootRequest {
  /// The memory banks the input states, in order, with where each comes from: `--memory` when
  /// given, else (booted through UEFI) the memory the UEFI map gives, else the available memory
  /// nodes' banks.
  public var statedBanks: [(path: String, range: PhysicalRange)] {
    if let banks = memoryOverride { return banks.map { ("--memory", $0) } }
    if let map = efiMemoryMap { return map.kernelMemoryRanges.map { ("--efi-memmap", $0) } }
    return (board?.memoryNodes ?? []).filter(\.isAvailable).flatMap { node in node.banks.map { (node.path, $0) } }
  }
}
