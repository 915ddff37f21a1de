import ArgumentParser
import BootModel
import DeviceTree
import Firmware
import MemoryModel
import Translate

struct ToOverlay: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "to-overlay",
    abstract: "Turn x86 memmap=, mem= and reserve_mem= parameters into an arm64 device tree overlay.",
    discussion: """
      arm64 has no memmap=, and reads mem= as an amount of memory rather than an address limit: \
      the device tree is where it learns about memory. to-overlay writes the overlay that gives \
      Linux 6.12 on arm64 the same memory map as the parameters give x86, item by item in \
      command-line order (a later memmap=exactmap throws earlier items away; RAM added after a \
      mem= limit stays, as on x86).

      Mapping (ss = start, nn = size):
        memmap=nn$ss      /reserved-memory/memmap@ss { reg; no-map; }  (x86 makes it a memblock hole)
        memmap=nn#ss      the same; ACPI data has no device tree meaning
        memmap=nn!ss      /pmem@ss { compatible = "pmem-region"; reg; } (a /dev/pmem region),
                          plus /reserved-memory/pmem@ss { reg; no-map; } when it lies in RAM
        memmap=nn@ss      /memory@ss { device_type = "memory"; reg; } (a base node of that name
                          gets the bank added to its reg)
        memmap=exactmap   status = "disabled" on every base memory node (overlays cannot
                          delete); needs BASE. Base reservations stay.
        memmap=nn, mem=nn /chosen/linux,usable-memory-range = <0 nn> (the kernel caps memory to
                          it), intersected with the base's; RAM added by a later memmap=…@… goes
                          in its second entry
        memmap=nn%ss+t    as the form of type t (1 @, 2 $, 3 #, 12 and 7 !, 4/5/other like $)
        memmap=nn%ss-1+t  the same over the RAM parts of the range (needs BASE)
        memmap=nn%ss-1    base memory nodes rewritten without the range (needs BASE);
        memmap=nn%ss        refused over base reservations (an overlay cannot shrink them)
        memmap=nn%ss-t…   t = 2 or 12: refused where the base has such memory; other types do
                          not exist in a device tree: no effect
        reserve_mem=nn:align:name
                          /reserved-memory/name { size; alignment; } (placed with
                          /reserved-memory, earlier than reserve_mem=, and found by phandle,
                          not by name)
        … with ramoops.mem_name=name (and ramoops.record_size=, console_size=, ftrace_size=,
                          pmsg_size=, ecc=, mem_type=, max_reason=)
                          /reserved-memory/ramoops@a { compatible = "ramoops"; reg; record-size;
                          … }: the driver needs reg, so the region is made static at the address
                          a the arm64 model predicts for it on BASE (needs BASE); zone sizes
                          default to the module's 4 KiB as with the parameters

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
      """)

  @Argument(help: ArgumentHelp("The base device tree (.dtb, .dts, -): its cells, memory and reservations.", valueName: "BASE"))
  var base: String?

  @OptionGroup var boot: BootOptions

  @Option(
    name: .customLong("boot-cmdline"),
    help: ArgumentHelp("The arm64 command line the base boots with, for the model (default: its /chosen/bootargs).", valueName: "STRING"))
  var bootCommandLine: String?

  @Option(
    name: [.customShort("o"), .customLong("output")],
    help: ArgumentHelp("Write the overlay here (atomically): source for .dtso/.dts, a blob for .dtbo/.dtb.", valueName: "FILE"))
  var output: String?

  @OptionGroup var json: JSONOption

  func run() throws {
    guard try boot.architecture(default: .arm64) == .arm64 else {
      throw CLIError("--arch", "an overlay is for an arm64 device tree; the parameters are read with their x86 meaning anyway")
    }
    guard let (text, source) = try boot.givenCommandLine() else {
      throw CLIError("--cmdline", "give the parameters to translate (e.g. --cmdline 'memmap=64M$0x90000000 reserve_mem=2M:4K:oops')")
    }
    let parameters = OverlayParameters(KernelCommandLine(text, limit: nil))
    guard !parameters.entries.isEmpty else {
      throw CLIError(source, "no memmap=, mem= or reserve_mem= parameter to translate")
    }
    var tree: DeviceTreeInput? = nil
    if let base {
      let loaded = try InputLoader.load(base)
      guard case .deviceTree(let input) = loaded else {
        throw CLIError(loaded.name, "is a firmware memory table; BASE must be a device tree (use to-dts to make one)")
      }
      tree = input
    }
    let simulation = OverlaySimulation(
      commandLine: bootCommandLine,
      loaderReservations: try boot.reservations().map { LoaderReservation(range: $0.range, label: $0.label) },
      pageSize: try boot.pageSize(), memoryOverride: try boot.memoryBanks().map(\.range).nilIfEmpty)
    let result: OverlayResult
    do {
      result = try OverlayBuilder.build(parameters, base: tree?.tree, simulation: simulation)
    } catch {
      throw CLIError(tree?.name ?? source, error.description)
    }
    let plan = result.plan
    let sourceText = plan.source(commandLine: text, base: tree?.name)
    guard !plan.isEmpty else {
      let reasons = plan.mappings.map { "\($0.item): \($0.outcome.rawValue): \($0.notes.first ?? "")" }
      throw CLIError(source, "nothing to translate (\(reasons.joined(separator: "; ")))")
    }
    if let output {
      let blobOutput = output.hasSuffix(".dtbo") || output.hasSuffix(".dtb")
      try FileIO.writeAtomically(blobOutput ? result.blob : Array(sourceText.utf8), to: output)
    }
    if json.json {
      let document = OverlayDocument.render(result, source: sourceText, base: tree?.name, output: output)
      FileIO.writeStandardOutput(document.rendered())
    } else if output == nil {
      FileIO.writeStandardOutput(sourceText)
    }
    FileIO.writeStandardError(OverlayDocument.messages(result))
  }
}

extension Array {
  var nilIfEmpty: Self? { isEmpty ? nil : self }
}
