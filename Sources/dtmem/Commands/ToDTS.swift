import BootModel
import DeviceTree
import FirmwareTables
import KernelParameters
import MemoryModel
import Translate
import Utilities

struct ToDTS: Command {
  static let name = "to-dts"
  static let spec = CommandSpec(
    name: name,
    abstract: "Print device tree source (/memory, /reserved-memory, pmem-region nodes) for a memory map.",
    discussion: """
      INPUT: a UEFI memory map (efi=debug lines, UEFI Shell memmap, U-Boot efidebug \
      memmap: its e820 view, as to-e820 prints it), a kernel log with BIOS-e820 lines \
      (its final table: the user: lines when printed), \
      /proc/iomem, /sys/firmware/memmap (a directory or `grep -r .` listing), dtmem JSON, a \
      device tree (its e820 view), or a kernel command line with memmap= items — a file, or the \
      text itself ('memmap=exactmap memmap=2G@0x40000000 memmap=64M$0x90000000'). A command \
      line is applied by the x86 model to an empty table, as memmap=exactmap would; the kernel's \
      rules hold (a table of fewer than two entries panics). --cmdline applies parameters to an \
      e820 INPUT's firmware table first, as simulate --arch x86 does.

      Type mapping (root #address-cells = <2>, #size-cells = <2>):
        usable (1)       /memory@S { device_type = "memory"; reg; }
        reserved (2)     /reserved-memory/reserved@S { reg; no-map; }
        ACPI data (3)    /reserved-memory/acpi@S { reg; no-map; }      *
        ACPI NVS (4)     /reserved-memory/acpi-nvs@S { reg; no-map; }  *
        unusable (5)     /reserved-memory/unusable@S { reg; no-map; }  *
        persistent (7)   /pmem@S { compatible = "pmem-region"; reg; }  *
        persistent (12)  /pmem@S { compatible = "pmem-region"; reg; }
        soft reserved    /reserved-memory/soft-reserved@S { reg; no-map; } *
        other type N     /reserved-memory/reserved@S { reg; no-map; }  *
      (* the device tree loses the type: reported; type 7 reads back as 12)

      Non-RAM types are no-map because x86 leaves them out of memblock. What the device tree \
      cannot say is listed on stderr (and in --json): the ACPI data/NVS, unusable and \
      soft-reserved distinctions, unknown types, type 7 versus 12, and RAM that arm64 trims to \
      whole pages. Reading the result back (to-e820) gives the same map up to exactly those.

      Output: a whole .dts (compiles with dtc) on stdout, or -o FILE (source, or a blob for \
      .dtb); --fragment prints only the nodes, indented, to paste into a board's root node (which \
      must have #address-cells = <2> and #size-cells = <2>).
      """,
    arguments: [
      ArgumentSpec(
        valueName: "INPUT",
        help:
          "An e820 log, /proc/iomem, /sys/firmware/memmap, dtmem JSON, a device tree, or memmap= text (file, text or "
          + "-)."
      )
    ],
    options: [
      cmdline.spec, BootOptions.kernelOption.spec, BootOptions.kernelImageOption.spec, BootOptions.efiMemmap.spec,
    ] + BootOptions.limitSpecs + [
      fragment.spec, output.spec, CommonOptions.json.spec, SourceOptions.includeDirectory.spec,
    ],
    examples: [
      "to-dts dmesg.txt", "to-dts /sys/firmware/memmap --fragment",
      "to-dts 'memmap=exactmap memmap=2G@0x40000000 memmap=64M$0x90000000' -o board.dtb",
    ])

  static let cmdline = Option.text(
    "cmdline", "STRING", help: "x86 memmap=/mem= parameters to apply to an e820 INPUT first.")

  static let fragment = Option.flag("fragment", help: "Print only the nodes, for pasting into a board's root node.")

  static let output = Option.text(
    "output", short: "o", "FILE", help: "Write here (atomically): source, or a blob for .dtb.", kind: .file)

  var input: String
  var commandLine: String?
  var kernel: KernelVersion
  var limits: BootLimits
  var fragment: Bool
  var output: String?
  var json: Bool

  var environment: Environment
  var efiMemoryMap: UEFIMemoryMap?

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    efiMemoryMap = try BootOptions.efiMemoryMap(try arguments[BootOptions.efiMemmap], environment)
    input = arguments.positionals[0]
    commandLine = try arguments[Self.cmdline]
    kernel = try BootOptions.kernelChoice(arguments).0
    limits = try BootOptions.limits(arguments)
    fragment = try arguments[Self.fragment]
    output = try arguments[Self.output]
    json = try arguments[CommonOptions.json]
  }

  func run() throws(CLIError) -> CommandOutput {
    var result = CommandOutput()
    let (map, description) = try Self.map(
      input, commandLine: commandLine, kernel, limits, environment, &result, efiMemoryMap: efiMemoryMap)
    let tree = E820DeviceTree(map)
    let header = [
      "dtmem to-dts: the memory map of \(description), as Linux \(kernel) reads it.",
      "usable -> /memory; reserved, ACPI, NVS, unusable, soft reserved, other types -> /reserved-memory (no-map);",
      "persistent (7, 12) -> pmem-region. Root cells: #address-cells = <2>, #size-cells = <2>.",
    ]
    let text = fragment ? tree.fragment(header: header) : tree.source(header: header)
    if let output {
      if output.hasSuffix(".dtb") {
        let blob: [UInt8]
        do {
          blob = try tree.root.blob()
        } catch {
          throw CLIError(output, error.description)
        }
        result.write(blob, to: output, inputs: [input])
      } else {
        result.write(text: text, to: output, inputs: [input])
      }
    }
    if json {
      result.print(
        JSONValue.object([
          ("kernel", .string(kernel.rawValue)), ("input", .string(description)),
          ("e820", MapDocument.e820(map)),
          ("losses", .array(tree.losses.map(MapDocument.diagnostic))), ("dts", .string(text)),
        ]).rendered())
    } else if output == nil {
      result.print(text)
    }
    for loss in tree.losses { result.report(loss.messageLine) }
    return result
  }

  /// The map an input describes, and how to name it in the header; warnings go to `output`.
  static func map(
    _ input: String, commandLine: String?, _ kernel: KernelVersion, _ limits: BootLimits, _ environment: Environment,
    _ output: inout CommandOutput, efiMemoryMap: UEFIMemoryMap? = nil
  ) throws(CLIError) -> (MemoryMap, String) {
    if input != "-" && !FileIO.exists(input) && (input.contains("memmap=") || input.contains("mem=")) {
      if commandLine != nil { throw CLIError("--cmdline", "INPUT is already a command line") }
      let text = BootCommandLine(input, source: .given("the command line"))
      return (try fromCommandLine(text, kernel, limits, &output), "'\(input)' applied to an empty e820 table")
    }
    let bytes: [UInt8]? = FileIO.isDirectory(input) ? nil : try environment.read(input)
    if let bytes, InputFormat.detect(bytes) == .commandLine {
      if commandLine != nil { throw CLIError("--cmdline", "INPUT is already a command line") }
      let name = input == "-" ? "<stdin>" : input
      var text = String(decoding: bytes, as: UTF8.self)
      if text.hasSuffix("\n") { text.removeLast() }
      return (
        try fromCommandLine(BootCommandLine(text, source: .file(name)), kernel, limits, &output),
        "\(name) applied to an empty e820 table"
      )
    }
    let loaded: LoadedInput
    if let bytes {
      loaded = try InputLoader.decode(bytes, path: input, includeDirectories: environment.includeDirectories)
    } else {
      loaded = try InputLoader.load(input, environment)
    }
    switch loaded {
    case .deviceTree(let tree):
      if commandLine != nil {
        throw CLIError("--cmdline", "applies to e820 inputs; a device tree's map is its own (see to-overlay)")
      }
      if efiMemoryMap != nil {
        return (
          try Simulation.e820View(tree, kernel: kernel, memory: nil, efiMemoryMap: efiMemoryMap),
          "\(tree.name) booted through UEFI (its e820 view)"
        )
      }
      return (try Simulation.e820View(tree, kernel: kernel, memory: nil), "\(tree.name) (its e820 view)")
    case .firmwareTable(let table):
      if efiMemoryMap != nil {
        throw CLIError("--efi-memmap", "goes with a device tree INPUT; give the UEFI map itself as INPUT")
      }
      guard let commandLine else {
        return (
          try table.sanitizedMap(final: true),
          "\(table.name) (\(table.finalEntries != nil ? "its user: table" : table.format.rawValue))"
        )
      }
      let request = BootRequest(
        .e820(E820Firmware(table.entries, label: table.label)), kernel: kernel,
        commandLine: BootCommandLine(commandLine, source: .given("--cmdline")), limits: limits)
      Simulation.warnIfTruncated(request, &output)
      let result: BootResult
      do {
        result = try Boot.run(request)
      } catch {
        throw CLIError(table.name, error.description)
      }
      // A stop after the map (no RAM below 1 MiB for x86's trampoline) leaves the whole map,
      // which is what a device tree describes.
      if let words = result.stopMessage, result.stop?.isAfterMemoryMap == false {
        throw CLIError("--cmdline", "the x86 kernel stops: \"\(words)\"")
      }
      return (result.e820, "\(table.name) with \(commandLine)")
    }
  }

  static func fromCommandLine(
    _ commandLine: BootCommandLine, _ kernel: KernelVersion, _ limits: BootLimits, _ output: inout CommandOutput
  ) throws(CLIError) -> MemoryMap {
    let request = BootRequest(
      .noFirmwareTable, kernel: kernel, commandLine: commandLine, limits: limits)
    Simulation.warnIfTruncated(request, &output)
    let source = commandLine.source.description
    let result: BootResult
    do {
      result = try Boot.run(request)
    } catch {
      throw CLIError(source, error.description)
    }
    if let words = result.stopMessage, result.stop?.isAfterMemoryMap == false {
      let why = result.stopCause?.message
      var hint = ""
      if case .invalidUserMemoryMap(.fewerThanTwoEntries) = result.stop?.cause {
        hint = " (a one-range map needs a second item: memmap=0@0 counts and vanishes)"
      }
      throw CLIError(source, "the x86 kernel stops: \"\(words)\"" + (why.map { " — \($0)" } ?? "") + hint)
    }
    guard !result.e820.regions.isEmpty else {
      throw CLIError(source, "no memmap= item adds anything to an empty table")
    }
    return result.e820
  }
}
