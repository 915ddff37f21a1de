internal import KernelParameters
internal import MemoryModel

/// The x86-64 boot model: Linux 6.12's `setup_arch()` as far as the e820 table goes, one named
/// step per kernel phase, each following the kernel function it names.
///
///  1. Firmware table (`e820__memory_setup_default`): the entries are appended and sanitized;
///     `BIOS-provided physical RAM map:` and one `BIOS-e820:` line each.
///  2. Early parameters (`parse_early_param`), in command-line order, one step per `memmap=`
///     and `mem=` occurrence: appends, retypes and removals on the unsorted table, no sanitize
///     in between (`parse_memmap_one`, `parse_memopt`, `e820__range_*`).
///  3. User-defined map (`e820__finish_early_params`): when any parameter set `userdef`, one
///     sanitize — or the panic `Invalid user supplied memory map` — and the `user:` lines.
///  4. Memory handed to memblock (`trim_bios_range`, `e820__memblock_setup`): page 0 reserved,
///     RAM in 640 KiB–1 MiB removed, usable entries added and trimmed to pages. These edits are
///     in `memory` only; `e820` is the table step 3 printed.
///  5. `crashkernel=` (`arch_reserve_crashkernel`): parsed exactly; placed top-down (estimated:
///     the kernel image and early allocations, whose places depend on KASLR, are not modelled).
///  6. `reserve_mem=` (`reserve_mem`, after `setup_arch`): estimated, as on arm64.
///
/// Not modelled: physical KASLR (the decompressor reads `memmap=`/`mem=` itself),
/// `e820_add_kernel_range()` (re-adds the kernel image as RAM when the edits removed it; it
/// prints `.text .data .bss are not marked as E820_TYPE_RAM!`), EFI, MTRR trimming, NUMA.
public enum X86Boot {
  /// Runs the boot (`Boot.run`). Where the kernel stops — `BUG()` in `__e820__range_update` for
  /// `memmap=…%…-T+T`, the panic `Invalid user supplied memory map` when the user-defined table
  /// cannot be sanitized — the result's `stop` says where and why, its steps and log end
  /// there, and memory is as far as the boot got (its `stopMessage` is the kernel's words).
  /// Throws `.noMemory` for an empty firmware table.
  static func run(_ request: BootRequest, firmware: E820Firmware) throws(BootModelError) -> BootResult {
    guard !firmware.entries.isEmpty else {
      throw .noMemory("the firmware e820 table is empty")
    }
    var boot = X86BootState(request, firmware: firmware)
    boot.run()
    return boot.result()
  }
}

/// The mutable state of one simulated x86 boot.
struct X86BootState {
  let request: BootRequest
  let firmware: E820Firmware
  /// The command line as the kernel keeps it, and where it came from (for messages).
  let commandLine: KernelCommandLine
  let commandLineSource: String
  /// `e820_table`.
  var table: E820Table
  /// `userdef` (arch/x86/kernel/e820.c): a parameter asked for a user-defined map.
  var userDefined = false
  /// The table as the firmware step left it.
  var firmwareMap = MemoryMap.empty
  /// The table the parameters produced (the `user:` lines), or the firmware map.
  var finalMap = MemoryMap.empty
  var memblock = Memblock()
  var steps: [BootStep] = []
  var diagnostics: [Diagnostic] = []
  var reservations: [Reservation] = []
  /// What the kernel takes for itself that the model predicts (the crash kernel).
  var kernelAllocations: [Reservation] = []
  /// Where the kernel stopped, once it has.
  var stopped: BootStop? = nil
  /// The table after `trim_bios_range()`: what the kernel keeps in `e820_table` (/proc/iomem).
  var trimmedMap: MemoryMap? = nil
  /// `reserve_real_mode()` found room below 1 MiB.
  var trampolinePlaced = true

  static let pageSize: UInt64 = 0x1000

  init(_ request: BootRequest, firmware: E820Firmware) {
    self.request = request
    self.firmware = firmware
    self.commandLine = request.kernelCommandLine
    self.commandLineSource = request.commandLine.source.description
    self.table = E820Table(capacity: request.limits.e820MaxEntries)
    // A step per memmap= and mem= occurrence, and at most six others: grown once.
    steps.reserveCapacity(commandLine.parameters.count + 6)
  }

  mutating func step(_ title: String, _ function: String, _ body: (inout X86BootState, inout [BootEvent]) -> [String]) {
    var events: [BootEvent] = []
    let changes = body(&self, &events)
    steps.append(
      BootStep(title: title, kernelFunction: function, changes: request.recordsChanges ? changes : [], events: events))
  }

  /// The kernel stops: `stop` is the step's last event and the boot ends at this step.
  mutating func stop(_ stop: BootStop, _ events: inout [BootEvent]) {
    events.append(.stop(stop))
    stopped = stop
  }

  mutating func run() {
    step("Firmware e820 table", "e820__memory_setup_default() (arch/x86/kernel/e820.c)") { boot, events in
      boot.loadFirmwareTable(&events)
    }
    applyEarlyParameters()
    guard stopped == nil else { return }
    step("User-defined map", "e820__finish_early_params() (arch/x86/kernel/e820.c)") { boot, events in
      boot.finishEarlyParameters(&events)
    }
    guard stopped == nil else { return }
    step("Memory handed to memblock", "trim_bios_range(), e820__memblock_setup() (arch/x86/kernel/setup.c, e820.c)") {
      boot, events in
      boot.setUpMemblock(&events)
    }
    // parse_crashkernel() sizes the ranges form by memblock_phys_mem_size().
    // (6.1's parse tries a size not below the memory size: reserveCrashkernel61() parses again.)
    if let crashKernel = CrashKernelParameter.parse(
      commandLine.text, systemRAM: memblock.memorySize, refusesSizeOfAllMemory: request.kernel != .v6_1)
    {
      step("crashkernel=", "arch_reserve_crashkernel() → reserve_crashkernel_generic() (kernel/crash_reserve.c)") {
        boot, events in
        boot.reserveCrashKernel(crashKernel, &events)
      }
    }
    if request.kernel == .v6_1 {
      if commandLine.parameters.contains(where: { $0.isNamed("reserve_mem") }) {
        step("reserve_mem= (not in Linux 6.1)", "unknown_bootoption() (init/main.c): passed to init") {
          boot, events in
          UnknownBootOption61.reserveMem(boot.commandLine, reservations: &boot.reservations, events: &events)
        }
      }
    } else if !ReserveMemPlacement.requests(in: commandLine).isEmpty {
      step("reserve_mem=", "reserve_mem() (mm/memblock.c), after setup_arch()") { boot, events in
        ReserveMemPlacement.place(
          boot.commandLine, memblock: &boot.memblock, pageSize: X86BootState.pageSize, reservations: &boot.reservations,
          events: &events)
      }
    }
    predictLaterFailures()
  }

  func result() -> BootResult {
    BootResult(
      architecture: .x86, kernel: request.kernel, memory: memoryBlocks(), reservations: reservations,
      kernelAllocations: kernelAllocations,
      e820: finalMap, finalE820: trimmedMap, steps: steps, diagnostics: diagnostics, stop: stopped)
  }

  /// memblock.memory as the kernel prints its "Early memory node ranges" (one node: NUMA is not
  /// modelled).
  func memoryBlocks() -> [MemoryBlock] { memblock.printedRanges(pageSize: Self.pageSize) }
}
