import BootModel
import DeviceTree
import KernelParameters
import MemoryModel
import Translate
import Utilities

struct ToOverlay: Command {
  static let name = "to-overlay"
  static let spec = CommandSpec(
    name: name,
    abstract: "Turn x86 memmap=, mem= and reserve_mem= parameters into an arm64 device tree overlay.",
    discussion: """
      arm64 has no memmap=, and reads mem= as an amount of memory rather than an address limit: \
      the device tree is where it learns about memory. to-overlay writes the overlay that gives \
      Linux 6.12 on arm64 the same memory map as the parameters give x86, item by item in \
      command-line order (a later memmap=exactmap throws earlier items away; RAM added after a \
      mem= limit stays, as on x86).

      Mapping (ss = start, nn = size; one row per parameter form):
        memmap=nn$ss     /reserved-memory/memmap@ss { reg; no-map; }
                         (x86 leaves reserved ranges out of memblock)
        memmap=nn#ss     the same: ACPI data has no device tree meaning
        memmap=nn!ss     /pmem@ss { compatible = "pmem-region"; reg; }
                         (a /dev/pmem region), plus
                         /reserved-memory/pmem@ss { reg; no-map; } over
                         its RAM part, so the kernel does not use it as RAM
        memmap=nn@ss     /memory@ss { device_type = "memory"; reg; }
                         (a base node of that name gets the bank added)
        memmap=exactmap  status = "disabled" on every base memory node
                         (overlays cannot delete); needs BASE and a later
                         memmap=nn@ss; base reservations stay
        memmap=nn        /chosen/linux,usable-memory-range = <lo nn-lo>:
        mem=nn           the kernel caps memory to it (an address limit,
                         as on x86); intersected with the base's; RAM a
                         later memmap=nn@ss adds above it goes in its
                         second entry (at most one such range)
        memmap=nn%ss+t   as the form of type t: 1 @, 2 $, 3 #, 7 and 12 !,
                         4, 5 and others like $
        memmap=nn%ss-1+t the same over the RAM parts of the range (BASE)
        memmap=nn%ss-1   the base's memory nodes rewritten without the
        memmap=nn%ss     range (BASE); refused over base reservations
        memmap=nn%ss-t…  t = 2 or 12: refused where the base has such
                         memory; other types do not exist in a device
                         tree: no effect
        reserve_mem=nn:align:name
                         /reserved-memory/name { size; alignment; }: a
                         dynamic region, placed with /reserved-memory
                         (earlier than reserve_mem=), found by phandle
        reserve_mem=nn:align:name ramoops.mem_name=name
                         /reserved-memory/ramoops@a { compatible =
                         "ramoops"; reg; record-size; console-size;
                         ftrace-size; pmsg-size; flags; … }: the driver
                         needs reg, so the region is static at the address
                         a the arm64 model predicts for it on BASE; sizes
                         from ramoops.record_size= etc., else the module's
                         4 KiB defaults
      Items the kernel ignores (malformed, mem=0, size 0) have no effect. \
      Parameters arm64 understands itself (cma=, crashkernel=) are kept.

      Without BASE the root is assumed to have #address-cells = <2> and #size-cells = <2> (said \
      on stderr) and the overlay always states /reserved-memory's cells and ranges. With BASE its \
      root cells are used, /reserved-memory is created only if missing (an existing one keeps its \
      cells), node names are made unique against it, and the base is booted with and without the \
      overlay in the arm64 model (/chosen/bootargs, --reserve, --memory, --page-size): regions \
      that fail, collide with the base's memory or reservations or with each other, and base \
      dynamic regions the overlay moves are reported.

      The overlay is one fragment with target-path = "/", so dtc's fdtoverlay and libfdt's \
      fdt_overlay_apply() apply it to bases without __symbols__. Output: dtc source (/plugin/;) \
      on stdout, or -o FILE: source for .dtso/.dts, a blob written by libfdt for .dtbo/.dtb; \
      --json prints one object (mappings, nodes with the model's verdicts, diagnostics, the \
      source). Refusals and notes go to stderr (dtmem: refused: / warning: / note:).

      Exit status: 0 when the overlay holds at least one change (refusals are still printed); 2 \
      when nothing could be translated, or the input or parameters could not be used.
      """,
    arguments: [
      ArgumentSpec(
        valueName: "BASE", help: "The base device tree (.dtb, .dts, -): its cells, memory and reservations.",
        isOptional: true)
    ],
    options: [BootOptions.cmdlineToTranslate.spec]
      + BootOptions.arm64Specs.filter { $0.name != BootOptions.cmdline.name } + [
        bootCmdline.spec, output.spec, CommonOptions.json.spec, SourceOptions.includeDirectory.spec,
      ],
    examples: [
      "to-overlay --cmdline 'memmap=64M$0x90000000 reserve_mem=2M:4K:oops' -o memmap.dtso",
      "to-overlay board.dtb --cmdline 'reserve_mem=1M:4K:oops ramoops.mem_name=oops' -o ramoops.dtbo",
    ])

  static let bootCmdline = Option.text(
    "boot-cmdline", "STRING",
    help: "The arm64 command line the base boots with, for the model (default: its /chosen/bootargs).")

  static let output = Option.text(
    "output", short: "o", "FILE",
    help: "Write the overlay here (atomically): source for .dtso/.dts, a blob for .dtbo/.dtb.", kind: .file)

  var base: String?
  var boot: BootOptions
  var bootCommandLine: String?
  var output: String?
  var json: Bool
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    base = arguments.positionals.first
    boot = try BootOptions(arguments)
    bootCommandLine = try arguments[Self.bootCmdline]
    output = try arguments[Self.output]
    json = try arguments[CommonOptions.json]
  }

  func run() throws(CLIError) -> CommandOutput {
    guard boot.architecture(default: .arm64) == .arm64 else {
      throw CLIError(
        "--arch", "an overlay is for an arm64 device tree; the parameters are read with their x86 meaning anyway")
    }
    guard let given = boot.givenCommandLine else {
      throw CLIError(
        "--cmdline", "give the parameters to translate (e.g. --cmdline 'memmap=64M$0x90000000 reserve_mem=2M:4K:oops')")
    }
    let (text, source) = (given.text, given.source.description)
    // x86 applies only what it keeps of the command line (COMMAND_LINE_SIZE; --cmdline-size 0
    // keeps everything): the rest is not translated either, and one line says so.
    let kept = KernelCommandLine(text, limit: boot.limits.commandLineSize)
    let parameters = OverlayParameters(kept)
    var written = CommandOutput()
    if kept.wasTruncated {
      written.report(
        "dtmem: warning: \(source): the command line is \(text.utf8.count) bytes; x86 keeps only the first "
          + "\(kept.text.utf8.count), so only those are translated (--cmdline-size 0 translates everything)")
    }
    guard !parameters.entries.isEmpty else {
      throw CLIError(source, "no memmap=, mem= or reserve_mem= parameter to translate")
    }
    var tree: DeviceTreeInput? = nil
    if let base {
      let loaded = try InputLoader.load(base, environment)
      guard case .deviceTree(let input) = loaded else {
        throw CLIError(loaded.name, "is a firmware memory table; BASE must be a device tree (use to-dts to make one)")
      }
      tree = input
    }
    // The base boots with --boot-cmdline, else its own /chosen/bootargs (not the parameters).
    var request: BootRequest? = nil
    if let tree {
      request = boot.request(.deviceTree(tree.board), architecture: .arm64)
      request?.commandLine =
        bootCommandLine.map { BootCommandLine($0, source: .given("--boot-cmdline")) }
        ?? BootCommandLine.bootargs(of: tree.board) ?? .empty
    }
    let result: OverlayResult
    do {
      result = try OverlayBuilder.build(parameters, base: tree?.tree, boot: request)
    } catch {
      throw CLIError(tree?.name ?? source, error.description)
    }
    let plan = result.plan
    let sourceText = plan.source(commandLine: text, base: tree?.name, kernel: boot.kernel)
    guard !plan.isEmpty else {
      let reasons = plan.mappings.map { "\($0.item): \($0.outcome.rawValue): \($0.notes.first ?? "")" }
      throw CLIError(source, "nothing to translate (\(reasons.joined(separator: "; ")))")
    }
    if let output {
      let blobOutput = output.hasSuffix(".dtbo") || output.hasSuffix(".dtb")
      let inputs = (base.map { [$0] } ?? []) + boot.inputFiles
      if blobOutput {
        written.write(result.blob, to: output, inputs: inputs)
      } else {
        written.write(text: sourceText, to: output, inputs: inputs)
      }
    }
    if json {
      let document = OverlayDocument.render(
        result, kernel: boot.kernel, source: sourceText, base: tree?.name, output: output)
      written.print(document.rendered())
    } else if output == nil {
      written.print(sourceText)
    }
    for line in OverlayDocument.messages(result) { written.report(line) }
    return written
  }
}
