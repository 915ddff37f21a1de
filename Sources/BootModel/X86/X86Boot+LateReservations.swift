internal import Firmware
internal import MemoryModel

/// Steps 5 and 6, and what the model can tell about failures after the table is printed.
extension X86BootState {
  /// x86-64 `CRASH_ALIGN`, `CRASH_ADDR_LOW_MAX`, `CRASH_ADDR_HIGH_MAX`.
  static let crashAlignment: UInt64 = 16 << 20
  static let crashLowLimit: UInt64 = 1 << 32
  static let crashHighLimit: UInt64 = 64 << 40

  static let crashEstimate =
    "placed top-down in the memory the model sees; the kernel image (placed by physical KASLR), the initrd and early page tables are not modelled, so the address is an estimate (the size is exact)"

  /// `arch_reserve_crashkernel()`: `parse_crashkernel()` on the raw command line, sized by
  /// `memblock_phys_mem_size()`, then `reserve_crashkernel_generic()`.
  mutating func reserveCrashKernel(_ log: inout [String]) -> [String] {
    let systemRAM = memblockMemorySize
    guard let outcome = CrashKernelParameter.parse(configuration.commandLine.text, systemRAM: systemRAM) else { return [] }
    log.append(contentsOf: outcome.kernelMessages)
    guard let request = outcome.request else {
      let why = outcome.refusal ?? "nothing to reserve"
      kernelAllocations.append(
        Reservation(name: "crashkernel", path: "cmdline", origin: .crashKernel, status: .failed(reason: "the kernel reserves nothing: \(why)")))
      return ["nothing reserved: \(why)"]
    }
    var notes = ["\(request.text): \(ByteCount.human(request.size))"]
    var searchBase: UInt64 = 0
    var searchEnd = Self.crashLowLimit
    var lowSize = request.lowSize
    let high = request.form == .high
    if let base = request.base {
      searchBase = base
      searchEnd = base &+ request.size
    } else if high {
      searchBase = Self.crashLowLimit
      searchEnd = Self.crashHighLimit
    }
    var placed: UInt64? = nil
    while true {
      placed = memblock.allocate(size: request.size, align: Self.crashAlignment, start: searchBase, end: searchEnd, pageSize: Self.pageSize)
      if placed != nil { break }
      if request.base != nil {
        log.append("crashkernel reservation failed - memory is in use.")
        kernelAllocations.append(
          Reservation(
            name: "crashkernel", path: "cmdline", origin: .crashKernel, requestedSize: request.size, alignment: Self.crashAlignment,
            status: .failed(reason: "[\(Hex.short(searchBase)), \(Hex.short(searchEnd))) holds no free, 16 MiB-aligned \(ByteCount.human(request.size)) of memory")))
        return notes + ["the fixed base cannot be used"]
      }
      if !high && searchEnd == Self.crashLowLimit {
        searchBase = Self.crashLowLimit
        searchEnd = Self.crashHighLimit
        lowSize = CrashKernelParameter.defaultLowSize
        continue
      }
      if high && searchEnd == Self.crashHighLimit {
        searchBase = 0
        searchEnd = Self.crashLowLimit
        continue
      }
      log.append("cannot allocate crashkernel (size:\(Hex.short(request.size)))")
      kernelAllocations.append(
        Reservation(
          name: "crashkernel", path: "cmdline", origin: .crashKernel, requestedSize: request.size, alignment: Self.crashAlignment,
          status: .failed(reason: "no free, 16 MiB-aligned \(ByteCount.human(request.size)) of memory below 64 TiB")))
      return notes + ["no room"]
    }
    let base = placed!
    if base >= Self.crashLowLimit && lowSize != 0 {
      guard let low = memblock.allocate(size: lowSize, align: Self.crashAlignment, start: 0, end: Self.crashLowLimit, pageSize: Self.pageSize) else {
        log.append("cannot allocate crashkernel low memory (size:\(Hex.short(lowSize))).")
        memblock.freeReserved(base, request.size)
        kernelAllocations.append(
          Reservation(
            name: "crashkernel", path: "cmdline", origin: .crashKernel, requestedSize: request.size, alignment: Self.crashAlignment,
            status: .failed(reason: "the \(ByteCount.human(lowSize)) of low memory it needs below 4 GiB do not fit")))
        return notes + ["no room for the low part"]
      }
      kernelAllocations.append(
        Reservation(
          name: "crashkernel (low)", path: "cmdline", origin: .crashKernel, range: PhysicalRange(start: low, size: lowSize),
          requestedSize: lowSize, alignment: Self.crashAlignment, status: .estimated(reason: Self.crashEstimate)))
      notes.append("crashkernel low memory reserved: \(Hex.padded(low, width: 8)) - \(Hex.padded(low &+ lowSize, width: 8)) (\(lowSize >> 20) MB) (address estimated)")
    }
    kernelAllocations.append(
      Reservation(
        name: "crashkernel", path: "cmdline", origin: .crashKernel, range: PhysicalRange(start: base, size: request.size),
        requestedSize: request.size, alignment: Self.crashAlignment, status: .estimated(reason: Self.crashEstimate)))
    notes.append("crashkernel reserved: \(Hex.padded(base)) - \(Hex.padded(base &+ request.size)) (\(request.size >> 20) MB) (address estimated)")
    return notes
  }

  /// Failures after the tables are printed that the model can foresee from the table alone.
  mutating func predictLaterFailures() {
    let commandLine = configuration.commandLine
    if commandLine.wasTruncated {
      diagnostics.append(
        Diagnostic(
          .warning, at: configuration.commandLineSource,
          "the command line is longer than 2047 bytes: the kernel keeps the first 2047 (COMMAND_LINE_SIZE 2048) and, in Debian's 6.12 (CONFIG_FORTIFY_SOURCE), then stops in start_kernel(): \"strlen: detected buffer overflow: 2049 byte read of buffer size 2048\", \"kernel BUG at lib/string_helpers.c:1040!\""
        ))
    }
    guard userDefined else { return }
    // Page tables come from memory above the first 1 MiB (which is reserved whole).
    if !memblock.memory.contains(where: { $0.end > 0x10_0000 }) {
      diagnostics.append(
        Diagnostic(
          .error, at: configuration.commandLineSource,
          "no usable RAM above 1 MiB is left: the kernel panics right after printing the map (\"Kernel panic - not syncing: alloc_low_pages: can not alloc memory\")"
        ))
    }
    // memblock allocates top-down: the kernel's first allocations come from the top of the
    // highest memory. Where the firmware reported RAM, or reserved memory that continues its RAM,
    // memory exists; where it reported nothing (a hole), or only a detached reserved range (ROM,
    // MMIO), there probably is none.
    if let top = memblock.memory.last, top.end > 0x10_0000, !firmwareBacksMemory(at: top.end - 1) {
      diagnostics.append(
        Diagnostic(
          .warning, at: configuration.commandLineSource,
          "the highest usable RAM, ending at \(Hex.short(top.end)), lies where the firmware reported no RAM: memblock allocates top-down, so the kernel's first allocations go there; if no memory exists there the boot oopses (recorded under QEMU: \"BUG: kernel NULL pointer dereference\" in sparse_init)"
        ))
    }
  }

  /// Whether the firmware table says there is memory at `address`: in a usable region, or in a
  /// run of regions that touch each other and start from a usable one.
  func firmwareBacksMemory(at address: UInt64) -> Bool {
    let regions = firmwareMap.regions
    guard var index = regions.lastIndex(where: { $0.range.start <= address }), regions[index].range.contains(address) else {
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
