internal import MemoryModel

/// What Linux 6.1 on x86-64 prints differently from 6.12 (`X86KernelLog` has every other line:
/// the e820 code prints the same in both): `reserve_crashkernel()` (arch/x86/kernel/setup.c)
/// has its own failure messages (recorded: x86-61-rec-0015).
struct X86KernelLog61: KernelLogRenderer {
  let later = X86KernelLog()

  func lines(for event: BootEvent) -> [String] {
    switch event {
    case .kernelAllocation(.crashKernelFailed): ["crashkernel reservation failed - No suitable area found."]
    case .kernelAllocation(.crashKernelLowFailed(let size)):
      ["Cannot reserve \(size >> 20)MB crashkernel low memory, please try smaller size."]
    default: later.lines(for: event)
    }
  }

  func message(for stop: BootStop) -> String { later.message(for: stop) }
}
