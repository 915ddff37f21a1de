import MemoryDiff
import Utilities
import Validate

struct DiffCommand: Command {
  static let name = "diff"
  static let spec = CommandSpec(
    name: name,
    abstract: "Show what changed in the memory map between two device trees.",
    discussion: """
      Compares A and B — e.g. the blob you built and /sys/firmware/fdt of the running system, or \
      a blob before and after the bootloader's fixups — and classifies every difference: memory \
      banks added, removed or resized; pmem-region nodes added, removed or changed; \
      /reserved-memory regions added, removed, moved, resized or with changed flags (no-map, \
      reusable, status, compatible); /memreserve/ entries; /chosen ranges (initrd, \
      linux,usable-memory-range, linux,elfcorehdr); memory parameters of the command line (mem=, \
      memmap=, cma=, reserve_mem=, crashkernel=, …); and what the arm64 boot model predicts for \
      each (where dynamic regions land, which reservations fail, the memory the kernel keeps, the \
      memory cma= and crashkernel= take). The boot options apply to both inputs; without --cmdline \
      each uses its own /chosen/bootargs. --memory fills in only an input that states no memory \
      (a build blob whose memory the bootloader adds), so a bank the bootloader added shows.

      Output: one change per line, CATEGORY: KIND PATH: MESSAGE; --json prints one object \
      {"a", "b", "identical", "changes": [{"category", "change", "path", "before", "after", \
      "message"}], "notes"}.

      --format svg draws A and B as one picture, lane by lane on one address axis (as show \
      --format svg draws one tree); --format map prints the same as block characters; -o FILE \
      writes either atomically.

      Exit status (like diff(1)): 0 identical, 1 different, 2 an input could not be used.
      """,
    arguments: [
      ArgumentSpec(valueName: "A", help: "The old description (.dtb, .dts, /sys/firmware/fdt, -)."),
      ArgumentSpec(valueName: "B", help: "The new description."),
    ],
    options: BootOptions.arm64Specs + [
      PictureOutput.formatOption.spec, PictureOutput.output.spec, CommonOptions.json.spec, SourceOptions.includeDirectory.spec,
    ],
    examples: ["diff board.dtb /sys/firmware/fdt", "diff old.dtb new.dtb --format svg -o diff.svg"])

  var a: String
  var b: String
  var boot: BootOptions
  var json: Bool
  var format: PictureOutput.Format
  var output: String?
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    a = arguments.positionals[0]
    b = arguments.positionals[1]
    boot = try BootOptions(arguments)
    json = try arguments[CommonOptions.json]
    format = try PictureOutput.format(arguments)
    output = try arguments[PictureOutput.output]
  }

  func run() throws(CLIError) -> CommandOutput {
    let settings = try CheckSettings(boot, environment)
    let (treeA, treeB) = (try settings.load(a), try settings.load(b))
    let (before, after) = (
      try settings.context(treeA, memoryWhereMissing: true), try settings.context(treeB, memoryWhereMissing: true)
    )
    let result = MemoryDiff.compare(before.run, after.run)
    let text: String
    if json {
      text = DiffRendering.json(result, a: treeA.name, b: treeB.name).rendered()
    } else if format == .text {
      text = DiffRendering.text(result)
    } else {
      let terminal = PictureOutput.terminal(environment, output: output)
      text = PictureOutput.beforeAndAfter((treeA.name, before), (treeB.name, after), format: format, terminal: terminal)
    }
    var written = PictureOutput.output(text, format: format, to: output, inputs: [a, b] + boot.inputFiles)
    written.status = result.isIdentical ? 0 : 1
    return written
  }
}
