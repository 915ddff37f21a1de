internal import KernelParameters
internal import MemoryModel

/// Steps 5 and 6, and what the model can tell about failures after the table is printed.
extension X86BootState {
  /// x86-64 `CRASH_ALIGN`, `CRASH_ADDR_LOW_MAX`, `CRASH_ADDR_HIGH_MAX`.
  static let crashAlignment: UInt64 = 16 << 20
  static let crashLowLimit: UInt64 = 1 << 32
  static let crashHighLimit: UInt64 = 64 << 40

  static let crashEstimate =
    "placed top-down in the memory the model sees; the kernel image (placed by physical KASLR), the initrd and early "
    + "page tables are not modelled, so the address is an estimate (the size is exact)"

  /// x86's constants for `reserve_crashkernel_generic()` (6.12) and the 6.1 tail.
  static let crashKernelPlacement = CrashKernelPlacement(
    alignment: crashAlignment, lowLimit: crashLowLimit, highLimit: crashHighLimit, pageSize: pageSize,
    defaultLowSize: CrashKernelParameter.defaultLowSize, estimateReason: crashEstimate)

  /// `arch_reserve_crashkernel()`: `reserve_crashkernel_generic()` for what `parse_crashkernel()`
  /// read from the raw command line.
  mutating func reserveCrashKernel(_ outcome: CrashKernelParameter.Outcome, _ events: inout [BootEvent]) -> [String] {
    if request.kernel == .v6_1 { return reserveCrashkernel61(outcome, &events) }
    let (allocations, notes) = Self.crashKernelPlacement.reserve(outcome, in: &memblock, events: &events)
    kernelAllocations.append(contentsOf: allocations)
    return notes
  }

  /// Failures after the tables are printed that the model can foresee from the table alone.
  /// The first of the stops, in boot order, ends the boot (a step of its own, after the map):
  /// `alloc_low_pages()` in `init_mem_mapping()` (setup_arch), the fortified `strlen()` of the
  /// command line in `start_kernel()`, `init_real_mode()` (an early initcall).
  mutating func predictLaterFailures() {
    if let (first, why) = firstLaterStop() {
      diagnostics.append(Diagnostic(.error, at: commandLineSource, why))
      step("The kernel stops after the memory map", "init_mem_mapping(), start_kernel(), init_real_mode()") {
        boot, events in
        boot.stop(first, &events)
        return []
      }
    }
    guard userDefined else { return }
    // memblock allocates top-down: the kernel's first allocations come from the top of the
    // highest memory. Where the firmware reported RAM, or reserved memory that continues its RAM,
    // memory exists; where it reported nothing (a hole), or only a detached reserved range (ROM,
    // MMIO), there probably is none.
    if let top = memblock.memory.last, top.end > 0x10_0000, !firmwareBacksMemory(at: top.end - 1) {
      diagnostics.append(
        Diagnostic(
          .warning, at: commandLineSource,
          "the highest usable RAM, ending at \(Hex.short(top.end)), lies where the firmware reported no RAM: memblock "
            + "allocates top-down, so the kernel's first allocations go there; if no memory exists there the boot "
            + "oopses (recorded under QEMU: \"BUG: kernel NULL pointer dereference\" in sparse_init)"
        ))
    }
  }

  /// The first of the foreseeable stops, in boot order, and why.
  func firstLaterStop() -> (BootStop, String)? {
    // Page tables come from memory above the first 1 MiB (which is reserved whole).
    if userDefined && !memblock.memory.contains(where: { $0.end > 0x10_0000 }) {
      return (
        BootStop(.lowPagesUnavailable),
        "no usable RAM above 1 MiB is left: the kernel panics right after printing the map (\"Kernel panic - not "
          + "syncing: alloc_low_pages: can not alloc memory\")"
      )
    }
    if commandLine.wasTruncated && request.limits.commandLineSize == KernelCommandLine.kernelLimit {
      return (
        BootStop(.commandLineOverflow),
        "the command line is longer than 2047 bytes: the kernel keeps the first 2047 (COMMAND_LINE_SIZE 2048) and, "
          + "in Debian's 6.12 (CONFIG_FORTIFY_SOURCE), then stops in start_kernel(): \"strlen: detected buffer "
          + "overflow: 2049 byte read of buffer size 2048\", \"kernel BUG at lib/string_helpers.c:1040!\""
      )
    }
    if !trampolinePlaced {
      return (
        BootStop(.realModeTrampolineNotAllocated),
        "no 28 KiB of free RAM below 1 MiB (the kernel keeps the first 64 KiB and the BIOS area from 0x9f000 for "
          + "itself): reserve_real_mode() finds no room for the real-mode trampoline, and init_real_mode() panics "
          + "(\"Kernel panic - not syncing: Real mode trampoline was not allocated\"); keep the firmware's low "
          + "RAM, e.g. memmap=0x8f000@0x10000"
      )
    }
    return nil
  }

  /// Whether the firmware table says there is memory at `address`: in a usable region, or in a
  /// run of regions that touch each other and start from a usable one.
  func firmwareBacksMemory(at address: UInt64) -> Bool {
    let regions = firmwareMap.regions
    guard var index = regions.lastIndex(where: { $0.range.start <= address }), regions[index].range.contains(address)
    else {
      return false
    }
    while true {
      let kind = regions[index].kind
      if kind == .usable || kind == .reservedKernel { return true }
      guard index > 0, regions[index - 1].range.end == UInt128(regions[index].range.start) else { return false }
      index -= 1
    }
  }
}
