import BootModel
import FirmwareTables
import KernelParameters
import MemoryModel

/// Glue from an input and the boot options to the boot request and `Boot.run`: arm64 for device
/// trees, x86 for firmware tables, unless `--arch` says otherwise.
enum Simulation {
  struct Outcome {
    var request: BootRequest
    var result: BootResult
    /// Things to tell about the input (several boots in one log, …).
    var inputNotes: [String] = []

    /// The command line the model used (as the kernel keeps it), and where it came from.
    var commandLine: String { request.kernelCommandLine.text }
    var commandLineSource: String { request.commandLine.source.description }
    /// `command line (SOURCE): TEXT` for reports; `no command line` when there is none.
    var commandLineLine: String {
      if request.commandLine.source == .none && commandLine.isEmpty { return "no command line" }
      return "command line (\(commandLineSource)): \(commandLine.isEmpty ? "(empty)" : commandLine)"
    }
  }

  /// The request the options make of `input`.
  static func request(_ input: LoadedInput, _ options: BootOptions) throws(CLIError) -> BootRequest {
    switch input {
    case .deviceTree(let tree):
      let architecture = options.architecture(default: .arm64)
      try options.checkKernelImage(for: architecture)
      if architecture == .x86 { try rejectArm64Options(options, memoryAllowed: true) }
      if options.efiMemoryMap != nil && options.memoryOverride != nil {
        throw CLIError("--memory", "the UEFI memory map (--efi-memmap) states the memory; give one or the other")
      }
      return options.request(.deviceTree(tree.board), architecture: architecture)
    case .firmwareTable(let table):
      guard options.architecture(default: .x86) == .x86 else {
        throw CLIError(
          "--arch arm64",
          "an e820 table has no arm64 boot: arm64 reads memory from a device tree (use --arch x86, or give a .dtb/.dts)"
        )
      }
      try options.checkKernelImage(for: .x86)
      try rejectArm64Options(options, memoryAllowed: false)
      return options.request(table.bootInput, architecture: .x86)
    }
  }

  /// `recordsChanges`: whether the steps keep what each changed (only `--explain` shows it).
  static func run(_ input: LoadedInput, _ options: BootOptions, recordsChanges: Bool = true) throws(CLIError)
    -> Outcome
  {
    var request = try request(input, options)
    request.recordsChanges = recordsChanges
    do {
      var notes: [String] = []
      if case .firmwareTable(let table) = input { notes = table.notes }
      return Outcome(request: request, result: try Boot.run(request), inputNotes: notes)
    } catch {
      // A firmware table's errors are the command line's doing when there is one.
      let source = request.commandLine.source
      throw CLIError(request.board == nil && source != .none ? source.description : input.name, error.description)
    }
  }

  /// The e820 view of a device tree's own description (memory usable, taken reservations
  /// reserved, CMA usable, pmem-region persistent), as the arm64 model computes it with no kernel
  /// parameters applied.
  static func e820View(
    _ input: DeviceTreeInput, kernel: KernelVersion, memory banks: [PhysicalRange]?, efiMemoryMap: UEFIMemoryMap? = nil
  ) throws(CLIError) -> MemoryMap {
    do {
      return try Boot.e820View(of: input.board, kernel: kernel, memoryOverride: banks, efiMemoryMap: efiMemoryMap)
    } catch {
      throw CLIError(input.name, error.description)
    }
  }

  /// The warning for a command line longer than the kernel keeps, on standard error.
  static func warnIfTruncated(_ request: BootRequest, _ output: inout CommandOutput) {
    let kept = request.kernelCommandLine
    guard kept.wasTruncated else { return }
    let keptBytes = kept.text.utf8.count
    output.report(
      "dtmem: warning: \(request.commandLine.source): the command line is \(request.commandLine.text.utf8.count) "
        + "bytes; the kernel keeps only the first \(keptBytes) (COMMAND_LINE_SIZE \(keptBytes + 1)), so parameters "
        + "past that are not applied (--cmdline-size 0 keeps everything)"
    )
  }

  /// A predicted kernel stop as the one-line error every command reports (exit status 2).
  static func panicError(_ outcome: Outcome, input: String) -> CLIError? {
    guard let words = outcome.result.stopMessage else { return nil }
    let why = outcome.result.stopCause?.message
    return CLIError(input, "the kernel stops: \"\(words)\"" + (why.map { " — \($0)" } ?? ""))
  }

  /// Options the x86 model has no use for are errors, not silently ignored.
  static func rejectArm64Options(_ options: BootOptions, memoryAllowed: Bool) throws(CLIError) {
    if !options.loaderReservations.isEmpty {
      throw CLIError(
        "--reserve", "the x86 model does not use it (x86 reservations come from memmap=, crashkernel= and reserve_mem=)"
      )
    }
    if options.efiMemoryMap != nil {
      throw CLIError(
        "--efi-memmap",
        "the x86 model reads an e820 table: give the UEFI map as INPUT for its e820 view (do_add_efi_memmap())")
    }
    if !memoryAllowed && options.memoryOverride != nil {
      throw CLIError("--memory", "replaces a device tree's memory nodes; an e820 table states its memory itself")
    }
  }
}
