import ArgumentParser
import BootModel
import Firmware

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Run a kernel's boot model over the input and print the final memory map.",
    discussion: """
      arm64 (default for device trees), Linux 6.12 order: DT memory nodes → linux,usable-memory-range \
      → early parameters (mem=, cma=; memmap= does not exist on arm64) → kernel image, initrd and \
      --reserve regions → static /reserved-memory regions → dynamic regions placed top-down (alignment, \
      alloc-ranges, CMA minimum) and handed to their drivers → elfcorehdr → /memreserve/ → NUMA nodes \
      → reserve_mem= (estimated: placed after the kernel's own early allocations).

      x86 (default for e820 inputs): firmware e820 → each memmap=/mem= in command-line order → one \
      sanitize (the highest type wins overlaps).

      Output: a summary (default), --json (the contract's map document), --format dmesg (the final \
      e820 table, one [mem …] line per entry as the kernel prints it), --format kernel-log (the lines \
      the kernel prints while doing this). --explain shows every step, what it changed and what the \
      kernel prints.
      """)

  @Argument(help: ArgumentHelp("A .dtb/.dts, an e820 log, /proc/iomem, a /sys/firmware/memmap directory, dtmem JSON, or -.", valueName: "INPUT"))
  var input: String

  @OptionGroup var boot: BootOptions

  @Option(name: .customLong("format"), help: ArgumentHelp("text, json, dmesg or kernel-log.", valueName: "FORMAT"))
  var format: String = "text"

  @OptionGroup var json: JSONOption

  @Flag(name: .customLong("explain"), help: "Show each boot step, what it changed, and the kernel message it corresponds to.")
  var explain = false

  func run() throws {
    let loaded = try InputLoader.load(input)
    let outcome = try Simulation.run(loaded, boot)
    let chosenFormat = json.json ? "json" : format
    if chosenFormat != "kernel-log" && !explain, let stop = Simulation.panicError(outcome, input: loaded.name) { throw stop }
    switch chosenFormat {
    case "json":
      FileIO.writeStandardOutput(
        MapDocument.render(outcome.result, input: loaded.name, commandLine: outcome.commandLine, explain: explain).rendered())
    case "dmesg":
      FileIO.writeStandardOutput(E820Lines.render(outcome.result.e820))
    case "kernel-log":
      FileIO.writeStandardOutput(outcome.result.kernelLog.map { $0 + "\n" }.joined())
    case "text":
      FileIO.writeStandardOutput(BootReport.text(outcome, input: loaded.name, explain: explain))
    default:
      throw CLIError("--format", "'\(format)' is not one of text, json, dmesg, kernel-log")
    }
    // The steps up to a predicted panic are shown (kernel-log, --explain); the run still fails.
    if let stop = Simulation.panicError(outcome, input: loaded.name) { throw stop }
  }
}
