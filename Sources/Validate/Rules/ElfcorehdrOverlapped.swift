internal import BootModel
internal import MemoryModel

/// `elfcorehdr-overlapped`: the crash-dump header overlaps an earlier reservation.
struct ElfcorehdrOverlapped: Rule {
  let id = "elfcorehdr-overlapped"
  let severity = Severity.error
  let summary = "/chosen linux,elfcorehdr overlaps memory already reserved; the kernel does not reserve it."
  var documentation: String {
    """
    fdt_reserve_elfcorehdr() (drivers/of/fdt.c) reserves the crash-dump ELF header only if no part \
    of it is reserved yet; otherwise it prints \
    \(KernelWords.example(.elfCoreHeaderOverlapped(RegTuple(address: KernelWords.sampleBase, size: 0x1000)))) and \
    leaves it unreserved, so the capture kernel may overwrite the header of the dump it is meant to save. \
    Recorded 6.12.100 boots reserve it first in early_init_fdt_scan_reserved_mem(), before any \
    /reserved-memory region (docs/kernel-findings-arm64.md §1.1), so it can only collide with what \
    arm64_memblock_init() reserved before: the blob, the initrd, the kernel image; a \
    /reserved-memory region on top of it is reserved anyway (reserved-overlap).
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    context.boot.reservations.compactMap { r in
      guard r.origin == .elfCoreHeader, case .failed(let reason) = r.status, let range = r.range else { return nil }
      let earlier = context.boot.reservations.prefix { $0 != r }
      let culprit = earlier.first { ValidationContext.isTaken($0) && ($0.range?.overlaps(range) ?? false) }
      let with = culprit.map { " (\(Describe.reservation($0)) \(Describe.range($0.range!)))" } ?? ""
      let overlapped = context.events.first {
        if case .reservedMemory(.elfCoreHeaderOverlapped) = $0 { true } else { false }
      }
      let printed = overlapped.map { ": \(context.quote($0))" } ?? ""
      return finding(at: r.path, "linux,elfcorehdr \(Describe.sized(range)) \(reason)\(with)\(printed)")
    }
  }
}
