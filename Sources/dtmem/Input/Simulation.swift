import BootModel
import KernelParameters
import MemoryModel

/// Glue from an input and the boot options to the boot model that applies: arm64 for device
/// trees, x86 for firmware tables, unless `--arch` says otherwise.
enum Simulation {
  struct Outcome {
    var result: BootResult
    /// The command line the model used, and where it came from.
    var commandLine: String
    var commandLineSource: String
    /// The command line was longer than the kernel keeps; only `keptBytes` were used.
    var truncatedFrom: Int? = nil
    var keptBytes: Int = 0
    /// Things to tell about the input (several boots in one log, …).
    var inputNotes: [String] = []

    /// `command line (SOURCE): TEXT` for reports.
    var commandLineLine: String { "command line (\(commandLineSource)): \(commandLine.isEmpty ? "(empty)" : commandLine)" }
  }

  static func run(_ input: LoadedInput, _ options: BootOptions) throws(CLIError) -> Outcome {
    switch input {
    case .deviceTree(let tree):
      let architecture = try options.architecture(default: .arm64)
      switch architecture {
      case .arm64: return try arm64(tree, options)
      case .x86: return try x86(deviceTree: tree, options)
      }
    case .firmwareTable(let table):
      let architecture = try options.architecture(default: .x86)
      switch architecture {
      case .x86: return try x86(table, options)
      case .arm64:
        throw CLIError("--arch arm64", "an e820 table has no arm64 boot: arm64 reads memory from a device tree (use --arch x86, or give a .dtb/.dts)")
      }
    }
  }

  static func arm64(_ input: DeviceTreeInput, _ options: BootOptions) throws(CLIError) -> Outcome {
    let (text, source) = try commandLine(options, board: input.board)
    let commandLine = KernelCommandLine(text, limit: try options.commandLineLimit())
    let configuration = Arm64BootConfiguration(
      board: input.board, commandLine: commandLine, commandLineSource: source,
      loaderReservations: try options.loaderReservations(), pageSize: try options.pageSize(),
      memoryOverride: try options.memoryOverride())
    do {
      return Outcome(
        result: try Arm64Boot.simulate(configuration), commandLine: commandLine.text, commandLineSource: source,
        truncatedFrom: commandLine.wasTruncated ? text.utf8.count : nil, keptBytes: commandLine.text.utf8.count)
    } catch {
      throw CLIError(input.name, error.description)
    }
  }

  /// The e820 view of a device tree's own description (memory usable, taken reservations
  /// reserved, CMA usable, pmem-region persistent), as the arm64 model computes it with no kernel
  /// parameters applied.
  static func e820View(_ input: DeviceTreeInput, memory banks: [PhysicalRange]?) throws(CLIError) -> MemoryMap {
    let configuration = Arm64BootConfiguration(
      board: input.board, commandLine: KernelCommandLine(""), commandLineSource: "none", memoryOverride: banks)
    do {
      return try Arm64Boot.simulate(configuration).e820
    } catch {
      throw CLIError(input.name, error.description)
    }
  }

  /// A device tree on x86: its e820 view is the firmware table, then the x86 boot.
  static func x86(deviceTree input: DeviceTreeInput, _ options: BootOptions) throws(CLIError) -> Outcome {
    try rejectArm64Options(options, memoryAllowed: true)
    let view = try e820View(input, memory: try options.memoryOverride())
    let entries = view.regions.map { MapEntry(start: $0.range.start, size: $0.range.size, kind: $0.kind) }
    let (text, source) = try commandLine(options, board: input.board)
    return try x86(entries, label: "BIOS-e820", name: input.name, text: text, source: source, options, notes: [])
  }

  static func x86(_ table: FirmwareTableInput, _ options: BootOptions) throws(CLIError) -> Outcome {
    try rejectArm64Options(options, memoryAllowed: false)
    var (text, source) = try commandLine(options, board: nil)
    if options.givenCommandLine == nil, let logged = table.commandLine {
      (text, source) = (logged, "\(table.name): Command line")
    }
    return try x86(table.entries, label: table.label, name: table.name, text: text, source: source, options, notes: table.notes)
  }

  static func x86(
    _ entries: [MapEntry], label: String, name: String, text: String, source: String, _ options: BootOptions, notes: [String]
  ) throws(CLIError) -> Outcome {
    let commandLine = KernelCommandLine(text, limit: try options.commandLineLimit())
    let configuration = X86BootConfiguration(
      firmware: entries, firmwareLabel: label, commandLine: commandLine, commandLineSource: source,
      tableCapacity: try options.e820Capacity())
    do {
      return Outcome(
        result: try X86Boot.simulate(configuration), commandLine: commandLine.text, commandLineSource: source,
        truncatedFrom: commandLine.wasTruncated ? text.utf8.count : nil, keptBytes: commandLine.text.utf8.count,
        inputNotes: notes)
    } catch {
      throw CLIError(source == "no command line" ? name : source, error.description)
    }
  }

  /// A predicted kernel stop as the one-line error every command reports (exit status 2).
  static func panicError(_ outcome: Outcome, input: String) -> CLIError? {
    guard let panic = outcome.result.panic else { return nil }
    let why = outcome.result.panicCause?.message
    return CLIError(input, "the kernel stops: \"\(panic)\"" + (why.map { " — \($0)" } ?? ""))
  }

  /// Options the x86 model has no use for are errors, not silently ignored.
  static func rejectArm64Options(_ options: BootOptions, memoryAllowed: Bool) throws(CLIError) {
    if !options.reserve.isEmpty {
      throw CLIError("--reserve", "the x86 model does not use it (x86 reservations come from memmap=, crashkernel= and reserve_mem=)")
    }
    if !memoryAllowed && !options.memory.isEmpty {
      throw CLIError("--memory", "replaces a device tree's memory nodes; an e820 table states its memory itself")
    }
  }

  /// `--cmdline` (or `--cmdline-file`), else `/chosen/bootargs`, else empty.
  static func commandLine(_ options: BootOptions, board: BoardMemory?) throws(CLIError) -> (String, String) {
    if let given = options.givenCommandLine { return given }
    if let chosen = board?.chosen, let bootargs = chosen.bootargs { return (bootargs, "\(chosen.path)/bootargs") }
    return ("", "no command line")
  }
}
