import BootModel
import FirmwareTables
import Utilities

struct Simulate: Command {
  static let name = "simulate"
  static let spec = CommandSpec(
    name: name,
    abstract: "Run a kernel's boot model over the input and print the final memory map.",
    discussion: """
      arm64 (default for device trees), Linux 6.12 order: DT memory nodes → linux,usable-memory-range \
      → early parameters (mem=, cma=; memmap= does not exist on arm64) → kernel image, initrd and \
      --reserve regions → static /reserved-memory regions → dynamic regions placed top-down (alignment, \
      alloc-ranges, CMA minimum) and handed to their drivers → elfcorehdr → /memreserve/ → NUMA nodes \
      → reserve_mem= (estimated: placed after the kernel's own early allocations).

      x86 (default for e820 inputs), Linux 6.12 as Debian builds it: the firmware e820 table \
      (sanitized) → each memmap= item and mem= in command-line order, editing the unsorted table \
      exactly as e820.c does (appends, retypes, removals; table capacity 3200) → one sanitize \
      (the highest type wins overlaps) printed as the user-defined map, or the kernel's panic \
      ("Invalid user supplied memory map") or BUG (memmap=…%…-T+T) as an error → memblock \
      (page 0 and 640K–1M trimmed, pages trimmed) → crashkernel= and reserve_mem= (estimated).
      The firmware table comes from INPUT or --e820: a kernel log (its BIOS-e820 table, or its \
      extended: table when printed; a user: table in the log is not used), /sys/firmware/memmap \
      (a directory or `grep -r .` output), /proc/iomem (the final table of that boot), dtmem JSON, \
      or a device tree (its e820 view: memory usable, no-map and other taken reservations \
      reserved, CMA usable, pmem-region persistent (type 12)). The command line defaults to the \
      log's "Command line:" line, or a device tree's /chosen/bootargs.

      The kernel keeps at most 2047 bytes of command line (COMMAND_LINE_SIZE 2048): dtmem does \
      the same and warns on standard error; --cmdline-size 0 lifts the limit for what-if runs.

      Output: a summary (default), --json (the contract's map document), --format dmesg (the final \
      e820 table, one [mem …] line per entry as the kernel prints it), --format kernel-log (the lines \
      the kernel prints while doing this). --explain shows every step, what it changed and what the \
      kernel prints.
      """,
    arguments: [
      ArgumentSpec(
        valueName: "INPUT",
        help:
          "A .dtb/.dts, an e820 log, /proc/iomem, a /sys/firmware/memmap directory, dtmem JSON, or - (optional with "
          + "--e820).",
        isOptional: true)
    ],
    options: [e820Option.spec] + BootOptions.specs + [
      formatOption.spec, CommonOptions.json.spec, SourceOptions.includeDirectory.spec, explainOption.spec,
    ],
    examples: [
      "simulate dts/cma-carveouts.dts --explain", "simulate dmesg.txt --cmdline 'memmap=64M$0x90000000' --format dmesg",
      "simulate --e820 /sys/firmware/memmap --cmdline 'mem=4G' --json",
    ])

  /// What `simulate` prints.
  enum Format: String, OptionChoice {
    case text, json, dmesg
    case kernelLog = "kernel-log"

    var meaning: String {
      switch self {
      case .text: "a summary"
      case .json: "the map document, as --json"
      case .dmesg: "the final e820 table as the kernel prints it"
      case .kernelLog: "the lines the kernel prints while doing this"
      }
    }
  }

  static let e820Option = Option.text(
    "e820", "TABLE",
    help:
      "The x86 firmware table: a kernel log with BIOS-e820 lines, /sys/firmware/memmap, /proc/iomem or dtmem JSON "
      + "(instead of INPUT).",
    kind: .file)

  static let formatOption = Option.choice("format", "FORMAT", help: "", default: Format.text)

  static let explainOption = Option.flag(
    "explain", help: "Show each boot step, what it changed, and the kernel message it corresponds to.")

  var input: String?
  var e820: String?
  var boot: BootOptions
  var format: Format
  var explain: Bool
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    input = arguments.positionals.first
    e820 = try arguments[Self.e820Option]
    boot = try BootOptions(arguments)
    format = try CommonOptions.format(arguments, Self.formatOption, json: .json)
    explain = try arguments[Self.explainOption]
    // --explain adds the steps to the summary and to --json; the other formats have no room
    // for them.
    if explain, format == .dmesg || format == .kernelLog {
      throw CLIError(
        "--explain", "--format \(format.name) prints only \(format.meaning); use --explain with text or --json")
    }
    if input != nil && e820 != nil {
      throw CLIError("simulate", "give the firmware table either as INPUT or with --e820, not both")
    }
    if input == nil && e820 == nil { throw CLIError("simulate", "missing INPUT (or --e820 TABLE)") }
  }

  func run() throws(CLIError) -> CommandOutput {
    let loaded: LoadedInput
    if let e820 {
      loaded = try InputLoader.load(e820, environment)
      guard case .firmwareTable = loaded else {
        throw CLIError(
          e820,
          "--e820 takes a firmware table (kernel log, /sys/firmware/memmap, /proc/iomem, dtmem JSON); give a device "
            + "tree as INPUT"
        )
      }
    } else {
      loaded = try InputLoader.load(input!, environment)
    }
    let outcome = try Simulation.run(loaded, boot, recordsChanges: explain)
    var output = CommandOutput()
    Simulation.warnIfTruncated(outcome.request, &output)
    for note in outcome.inputNotes { output.report("dtmem: note: \(loaded.name): \(note)") }
    let stop = Simulation.panicError(outcome, input: loaded.name)
    if format != .kernelLog && !explain, let stop {
      output.fail(stop)
      return output
    }
    switch format {
    case .json:
      output.print(
        MapDocument.render(outcome.result, input: loaded.name, commandLine: outcome.commandLine, explain: explain)
          .rendered())
    case .dmesg:
      // x86: the table the kernel ends with (after trim_bios_range()), and which one it is.
      if outcome.result.architecture == .x86, let final = outcome.result.finalE820 {
        output.print(E820Dmesg.render(final))
        output.report(
          "dtmem: note: the final e820 table, after trim_bios_range() (page 0 reserved, RAM in 640 KiB-1 MiB "
            + "removed), as /proc/iomem shows it; the table the kernel prints "
            + "(\(outcome.result.e820Label) lines) is in --format kernel-log and --json's \"e820\"")
      } else {
        output.print(E820Dmesg.render(outcome.result.e820))
      }
    case .kernelLog:
      output.print(outcome.result.kernelLog.map { $0 + "\n" }.joined())
    case .text:
      output.print(BootReport.text(outcome, input: loaded.name, explain: explain))
    }
    // The steps up to a predicted panic are shown (kernel-log, --explain); the run still fails.
    if let stop { output.fail(stop) }
    return output
  }
}
