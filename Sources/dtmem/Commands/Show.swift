import BootModel
import Utilities

struct Show: Command {
  static let name = "show"
  static let spec = CommandSpec(
    name: name,
    abstract: "Show the input's memory map: banks, holes, reservations, /memreserve/, /chosen.",
    discussion: """
      For a device tree: the memory banks it states, the /chosen ranges (initrd, \
      linux,usable-memory-range, linux,elfcorehdr), then what the arm64 boot model makes of them — \
      the memory the kernel keeps (split where no-map regions or NUMA nodes split it), the holes, \
      every reservation in the kernel's order with its status (reserved, allocated at its predicted \
      address, failed with the reason, disabled, estimated), and the e820 view.

      Costs: what the memory map (struct page, 64 bytes per page) costs under sparsemem-vmemmap — \
      whole sections (128 MiB with 4K and 16K pages, 512 MiB with 64K; 128 MiB on x86) for every \
      section holding any memory, no-map included, holes too — how much of it holes take, what \
      flatmem would take (lowest to highest page), how much of each pmem-region range dax/kmem can \
      hot-add as RAM (whole memory blocks) and what alignment loses; then what aligning each \
      offending memory run or pmem range would save. --json has them as "costs".

      --format svg prints a standalone SVG 1.1 picture: lanes for the banks, the memory the kernel \
      keeps (no-map hatched), the reservations by kind and status, the kernel's own allocations, \
      pmem and the present sections, on one address axis whose large holes are compressed and \
      marked; hover a region for its name, range, size, status and why. --format map prints the \
      same lanes as block characters, as wide as the terminal (80 columns when standard output is \
      not one), coloured on a terminal unless NO_COLOR is set. -o FILE writes either atomically.

      A blob whose memory node is missing or empty (the bootloader fills it in) needs its banks: \
      --memory START:SIZE, repeatable.
      """,
    arguments: [inputArgument],
    options: BootOptions.specs + [
      PictureOutput.formatOption.spec, PictureOutput.output.spec, CommonOptions.json.spec,
      SourceOptions.includeDirectory.spec,
    ],
    examples: ["show dts/cma-carveouts.dts", "show board.dtb --format svg -o map.svg", "show board.dtb --json"])

  static let inputArgument = ArgumentSpec(
    valueName: "INPUT",
    help: "A .dtb/.dts, an e820 log, /proc/iomem, a /sys/firmware/memmap directory, dtmem JSON, or -.")

  var input: String
  var boot: BootOptions
  var json: Bool
  var format: PictureOutput.Format
  var output: String?
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    input = arguments.positionals[0]
    boot = try BootOptions(arguments)
    json = try arguments[CommonOptions.json]
    format = try PictureOutput.format(arguments)
    output = try arguments[PictureOutput.output]
  }

  func run() throws(CLIError) -> CommandOutput {
    let loaded = try InputLoader.load(input, environment)
    let outcome = try Simulation.run(loaded, boot, recordsChanges: false)
    if let stop = Simulation.panicError(outcome, input: loaded.name) { throw stop }
    let text: String
    if json {
      text = ShowReport.json(loaded, outcome).rendered()
    } else if format == .text {
      text = ShowReport.text(loaded, outcome)
    } else {
      let terminal = PictureOutput.terminal(environment, output: output)
      text = PictureOutput.render([PictureOutput.scene(loaded, outcome)], format: format, terminal: terminal)
    }
    return PictureOutput.output(text, format: format, to: output, inputs: [input] + boot.inputFiles)
  }
}
