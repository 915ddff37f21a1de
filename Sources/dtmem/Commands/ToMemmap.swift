import BootModel
import MemoryModel
import Translate
import Utilities

struct ToMemmap: Command {
  static let name = "to-memmap"
  static let spec = CommandSpec(
    name: name,
    abstract: "Print the x86 memmap= parameters that reproduce the input's memory map.",
    discussion: """
      One line: memmap=exactmap, then one item per entry of the map's e820 form. Given to an x86 \
      kernel, it yields exactly that table (the kernel sanitizes all items at once, so their order \
      does not matter).

      How regions map (device tree inputs go through the arm64 boot model first, so dynamic \
      regions appear at their predicted addresses):
        memory                                   SIZE@START   (RAM)
        no-map and other taken reservations,
          /memreserve/, placed dynamic regions   SIZE$START   (reserved)
        pmem-region nodes                        SIZE!START   (persistent, type 12)
        e820 ACPI data                           SIZE#START
        any other e820 type N (ACPI NVS, PMEM…)  SIZE%START+N

      What memmap= cannot say is reported on stderr: CMA (reusable) regions stay RAM (use \
      cma=SIZE@START), NUMA nodes and hot-pluggable memory (x86 takes them from ACPI SRAT), \
      reserve_mem= (keep the parameter itself). x86 panics on an exactmap table of fewer than two \
      entries, so a one-bank map gets an empty memmap=0@0 item.

      The line is then booted in the x86 model as it stands (exactmap: the line is the whole \
      table). Where that kernel would stop — an arm64 map has no RAM below 1 MiB, and x86 panics \
      without 28 KiB of it for the real-mode trampoline ("Real mode trampoline was not \
      allocated") — a warning on stderr says so and what to add; the line itself describes the \
      map and adds nothing (--json: "x86_boot").

      Quoting: the '$' in reserved items must reach the kernel. A shell expands "$0x…" inside \
      double quotes and GRUB expands it in grub.cfg, and an eaten '$' turns memmap=64M$0x90000000 \
      into memmap=64M, which removes all RAM above 64 MiB. --quote shell prints one single-quoted \
      word, --quote grub writes \\$ for a grub.cfg linux line, --quote grub-default writes \\\\\\$ \
      for GRUB_CMDLINE_LINUX in /etc/default/grub. Sizes use the most compact exact unit (K M G …), \
      never rounded; starts are hex.
      """,
    arguments: [Show.inputArgument],
    options: BootOptions.specs + [quote.spec, CommonOptions.json.spec, SourceOptions.includeDirectory.spec],
    examples: ["to-memmap dts/cma-carveouts.dts", "to-memmap board.dtb --quote grub-default"])

  static let quote = Option.choice(
    "quote", "STYLE", help: "How to write the line for where it goes:", default: CommandLineQuoting.none)

  var input: String
  var boot: BootOptions
  var quoting: CommandLineQuoting
  var json: Bool
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    input = arguments.positionals[0]
    boot = try BootOptions(arguments)
    json = try arguments[CommonOptions.json]
    quoting = try arguments[Self.quote]
  }

  /// Why an x86 kernel given only `line` (an exactmap line: the whole table) stops, or nil.
  static func x86Stop(_ line: String, kernel: KernelVersion, _ environment: Environment) -> String? {
    var request = BootRequest(
      .noFirmwareTable, kernel: kernel, commandLine: BootCommandLine(line, source: .given("the memmap= line")),
      limits: BootLimits(commandLineSize: nil))
    request.recordsChanges = false
    guard let result = try? Boot.run(request) else { return nil }
    environment.keepUntilExit(.outcome(Simulation.Outcome(request: request, result: result)))
    guard let words = result.stopMessage else { return nil }
    return "the line cannot boot x86 as it stands: " + (result.stopCause?.message ?? "the kernel stops (\"\(words)\")")
  }

  func run() throws(CLIError) -> CommandOutput {
    let loaded = try InputLoader.load(input, environment)
    let outcome = try Simulation.run(loaded, boot, recordsChanges: false)
    if let stop = Simulation.panicError(outcome, input: loaded.name) { throw stop }
    let line = MemmapLine.line(for: outcome.result, location: loaded.name)
    let text = line.text
    let x86Stop = Self.x86Stop(text, kernel: outcome.request.kernel, environment)
    environment.keepUntilExit(.outcome(outcome))
    var output = CommandOutput()
    if json {
      let document = JSONValue.object([
        ("kernel", .string(outcome.result.kernel.rawValue)), ("input", .string(loaded.name)),
        ("cmdline", .string(text)),
        ("quoted", .string(quoting.apply(text))),
        ("parameters", .array(line.parameters.map { .string($0) })),
        ("e820", MapDocument.e820(outcome.result.e820)),
        ("diagnostics", .array(line.diagnostics.map(MapDocument.diagnostic))),
        ("x86_boot", .object([("boots", .bool(x86Stop == nil)), ("stop", x86Stop.map { .string($0) } ?? .null)])),
      ])
      output.print(document.rendered())
      if let x86Stop { output.report("dtmem: warning: \(loaded.name): \(x86Stop)") }
      return output
    }
    for diagnostic in line.diagnostics { output.report(diagnostic.messageLine) }
    if let x86Stop { output.report("dtmem: warning: \(loaded.name): \(x86Stop)") }
    output.print(quoting.apply(text) + "\n")
    return output
  }
}
