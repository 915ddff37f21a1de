internal import FirmwareTables
internal import MemoryModel

/// What Linux 6.12 on x86-64 prints for the boot events (arch/x86/kernel/e820.c, and the shared
/// code's lines).
struct X86KernelLog: KernelLogRenderer {
  let generic = GenericKernelLog()

  func lines(for event: BootEvent) -> [String] {
    switch event {
    case .e820(let event): e820(event)
    case .parameter(let event): generic.parameter(event)
    case .kernelAllocation(let event): generic.kernelAllocation(event)
    case .memory, .reservedMemory, .numa: []
    case .stop(let stop):
      switch stop.kind {
      // early_panic(): the message, then the panic.
      case .panic: ["Kernel panic - not syncing: \(message(for: stop))"]
      // BUG_ON() in the early exception handler: the BUG line is the last one.
      case .bug: [message(for: stop)]
      }
    }
  }

  func message(for stop: BootStop) -> String {
    switch stop.cause {
    case .invalidUserMemoryMap: "Invalid user supplied memory map"
    // What Debian's 6.12 prints for BUG_ON(old_type == new_type) (recorded: x86-rec-0029).
    case .rangeUpdateToSameType: "kernel BUG at arch/x86/kernel/e820.c:469!"
    // init_real_mode() (arch/x86/realmode/init.c; recorded: x86-fix-trampoline-none).
    case .realModeTrampolineNotAllocated: "Real mode trampoline was not allocated"
    case .lowPagesUnavailable: "alloc_low_pages: can not alloc memory"
    // The fortified strlen() in start_kernel() (recorded: x86-rec-0287).
    case .commandLineOverflow: "kernel BUG at lib/string_helpers.c:1040!"
    case .reservedMemoryArrayOverflow: Arm64KernelLog().message(for: stop)
    }
  }

  func e820(_ event: E820Event) -> [String] {
    switch event {
    case .tableFull(let start, let size): ["too many entries; ignoring \(E820Table.describe(start, size))"]
    case .update(let start, let size, let from, let to):
      ["e820: update \(E820Table.describe(start, size)) \(from.dmesgName) ==> \(to.dmesgName)"]
    case .remove(let start, let size, let kind):
      // With no type filter the line ends in the space before the (absent) type.
      ["e820: remove \(E820Table.describe(start, size)) \(kind?.dmesgName ?? "")"]
    case .firmwareTable(let label, let entries):
      [label == "extended" ? "extended physical RAM map:" : "BIOS-provided physical RAM map:"]
        + entries.map { "\(label): " + E820Dmesg.line($0) }
    case .userDefinedMap(let map):
      ["user-defined physical RAM map:"] + map.regions.map { "user: " + E820Dmesg.line($0.range, $0.kind) }
    }
  }
}
