internal import MemoryModel

/// What Linux 6.1 on x86-64 prints differently from 6.12 (`X86KernelLog` has every other line:
/// the e820 code prints the same in both): `reserve_crashkernel()` (arch/x86/kernel/setup.c)
/// has its own messages (recorded: x86-61-rec-0007…0016): `Reserving N MB of memory at M MB for
/// crashkernel (System RAM: T MB)`, the low part before it, and its failures.
struct X86KernelLog61: KernelLogRenderer {
  let later = X86KernelLog()

  func lines(for event: BootEvent) -> [String] {
    switch event {
    case .kernelAllocation(.crashKernelReserved(let base, let size, let systemRAM)):
      ["Reserving \(size >> 20)MB of memory at \(base >> 20)MB for crashkernel (System RAM: \(systemRAM >> 20)MB)"]
    // CRASH_ADDR_LOW_MAX: 4 GiB.
    case .kernelAllocation(.crashKernelLowReserved(let base, let size)):
      ["Reserving \(size >> 20)MB of low memory at \(base >> 20)MB for crashkernel (low RAM limit: 4096MB)"]
    case .kernelAllocation(.crashKernelFailed): ["crashkernel reservation failed - No suitable area found."]
    case .kernelAllocation(.crashKernelLowFailed(let size)):
      ["Cannot reserve \(size >> 20)MB crashkernel low memory, please try smaller size."]
    default: later.lines(for: event)
    }
  }

  func message(for stop: BootStop) -> String { later.message(for: stop) }
}
