internal import KernelParameters

/// The memory parameters of two kernel command lines.
enum ParameterDiff {
  /// Parameters that change the memory map or its reservations (arm64 and x86).
  static let memoryParameters = [
    "mem", "memmap", "cma", "reserve_mem", "crashkernel", "numa", "movable_node", "kernelcore", "movablecore",
    "memblock", "memtest", "hugepages", "hugepagesz", "hugetlb_cma", "swiotlb", "efi_fake_mem", "nomem",
  ]

  static func compare(_ a: KernelCommandLine, _ b: KernelCommandLine) -> [MemoryChange] {
    var changes: [MemoryChange] = []
    for name in memoryParameters {
      let before = a.parameters(named: name).map(\.text)
      let after = b.parameters(named: name).map(\.text)
      guard before != after else { continue }
      let old = before.isEmpty ? nil : before.joined(separator: " ")
      let new = after.isEmpty ? nil : after.joined(separator: " ")
      let kind = old == nil ? "added" : new == nil ? "removed" : "changed"
      changes.append(
        MemoryChange(
          .cmdline, kind, at: "cmdline", before: old, after: new,
          "\(name)= \(kind): \(MemoryChange.transition(old, new))"))
    }
    return changes
  }
}
