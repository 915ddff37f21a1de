import BootModel
import Utilities

struct Show: Command {
  static let spec = CommandSpec(
    name: "show",
    abstract: "Show the input's memory map: banks, holes, reservations, /memreserve/, /chosen.",
    discussion: """
      For a device tree: the memory banks it states, the /chosen ranges (initrd, \
      linux,usable-memory-range, linux,elfcorehdr), then what the arm64 boot model makes of them — \
      the memory the kernel keeps (split where no-map regions or NUMA nodes split it), the holes, \
      every reservation in the kernel's order with its status (reserved, allocated at its predicted \
      address, failed with the reason, disabled, estimated), and the e820 view.

      A blob whose memory node is missing or empty (the bootloader fills it in) needs its banks: \
      --memory START:SIZE, repeatable.
      """,
    arguments: [inputArgument],
    options: BootOptions.specs + [.json])

  static let inputArgument = ArgumentSpec(
    valueName: "INPUT",
    help: "A .dtb/.dts, an e820 log, /proc/iomem, a /sys/firmware/memmap directory, dtmem JSON, or -.")

  var input: String
  var boot: BootOptions
  var json: Bool
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = arguments.environment
    input = arguments.positionals[0]
    boot = try BootOptions(arguments)
    json = arguments.flag("json")
  }

  func run() throws(CLIError) -> CommandOutput {
    let loaded = try InputLoader.load(input, environment)
    let outcome = try Simulation.run(loaded, boot)
    if let stop = Simulation.panicError(outcome, input: loaded.name) { throw stop }
    var output = CommandOutput()
    output.print(json ? ShowReport.json(loaded, outcome).rendered() : ShowReport.text(loaded, outcome))
    return output
  }
}
