import BootModel
import FirmwareTables
import MemoryModel
import Utilities

struct ToE820: Command {
  static let name = "to-e820"
  static let spec = CommandSpec(
    name: name,
    abstract: "Print the e820 table a memory map corresponds to.",
    discussion: """
      Any input: a device tree, a kernel log, /proc/iomem, /sys/firmware/memmap \
      (directory or `grep -r .` listing), dtmem JSON. The table is sanitized as the \
      kernel sanitizes it (e820__update_table: sorted, overlaps resolved by the \
      highest type, equal neighbours merged).

      Device trees: their own description, no kernel parameters applied (for those, \
      use `dtmem simulate --arch x86 --format dmesg`):
        memory nodes                          → usable
        no-map and other taken reservations,
        /memreserve/ entries, elfcorehdr      → reserved
        CMA (reusable) regions                → usable (the kernel lends them out)
        pmem-region nodes                     → persistent (type 12)

      Device trees booted through UEFI (--efi-memmap FILE): memory from the UEFI \
      map as arm64 efi_init() takes it (no-map firmware regions reserved). A UEFI \
      map as INPUT (efi=debug lines, UEFI Shell memmap, U-Boot efidebug memmap): \
      its e820 view as x86 do_add_efi_memmap() builds it (Conventional, Boot and \
      Loader memory usable if WB, ACPI Reclaim ACPI data, ACPI NVS, Unusable, \
      Persistent type 7, EFI_MEMORY_SP soft reserved, the rest reserved).

      Kernel logs: the table the boot ended with (user: lines when printed), or with \
      --table firmware the firmware table (extended: if printed, else BIOS-e820). \
      /proc/iomem: its e820 entries, i.e. the final table of that boot. \
      /sys/firmware/memmap: the firmware table (6.12 fills it before memmap=/mem=).

      Formats (every one reads back as input):
        dmesg  [mem 0x%016llx-0x%016llx] TYPE per entry, END inclusive, with the
               kernel's names: usable, reserved, ACPI data, ACPI NVS, unusable,
               persistent (type 12), soft reserved, type N.
        sysfs  N/start:0x…, N/end:0x… (inclusive), N/type:NAME lines, as
               `cd /sys/firmware/memmap && grep -r .` prints them (System RAM,
               Reserved, ACPI Tables, …). With -o DIR, the directory itself:
               DIR/N/start, DIR/N/end, DIR/N/type, written atomically (DIR must
               not exist or be empty), to read back or diff with a live system.
        json   {"e820": [{"start": "0x…", "size": "0x…", "type": NAME}]}, the e820
               array of simulate --json.
      """,
    arguments: [Show.inputArgument],
    options: [
      formatOption.spec, CommonOptions.json.spec, SourceOptions.includeDirectory.spec, output.spec, tableOption.spec,
      BootOptions.memory.spec,
      BootOptions.kernelOption.spec, BootOptions.kernelImageOption.spec, BootOptions.efiMemmap.spec,
    ],
    examples: [
      "to-e820 dts/cma-carveouts.dts", "to-e820 dmesg.txt --table firmware --format sysfs -o memmap.d",
      "to-e820 memmap.txt", "to-e820 board.dtb --efi-memmap dmesg.txt",
    ])

  /// How `to-e820` writes the table.
  enum Format: String, OptionChoice {
    case dmesg, sysfs, json

    var meaning: String {
      switch self {
      case .dmesg: "[mem …] lines as the kernel prints them"
      case .sysfs: "/sys/firmware/memmap's files"
      case .json: "as simulate --json"
      }
    }
  }

  /// Which table of a kernel log.
  enum Table: String, OptionChoice {
    case final, firmware

    var meaning: String {
      switch self {
      case .final: "the user: table when printed"
      case .firmware: "extended: if printed, else BIOS-e820"
      }
    }
  }

  static let formatOption = Option.choice("format", "FORMAT", help: "", default: Format.dmesg)

  static let output = Option.text(
    "output", short: "o", "FILE",
    help: "Write here (atomically) instead of standard output; a directory for --format sysfs.", kind: .file)

  static let tableOption = Option.choice("table", "WHICH", help: "For kernel logs:", default: Table.final)

  var input: String
  var format: Format
  var output: String?
  var table: Table
  var memory: [PhysicalRange]
  var kernel: KernelVersion
  var efiMemoryMap: UEFIMemoryMap?
  var efiMemoryMapFile: String?
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    input = arguments.positionals[0]
    kernel = try BootOptions.kernelChoice(arguments).0
    format = try CommonOptions.format(arguments, Self.formatOption, json: .json)
    output = try arguments[Self.output]
    table = try arguments[Self.tableOption]
    memory = try arguments[BootOptions.memory]
    efiMemoryMapFile = try arguments[BootOptions.efiMemmap]
    efiMemoryMap = try BootOptions.efiMemoryMap(efiMemoryMapFile, environment)
  }

  func run() throws(CLIError) -> CommandOutput {
    let loaded = try InputLoader.load(input, environment)
    var result = CommandOutput()
    let map: MemoryMap
    switch loaded {
    case .deviceTree(let tree):
      if efiMemoryMap != nil && !memory.isEmpty {
        throw CLIError("--memory", "the UEFI memory map (--efi-memmap) states the memory; give one or the other")
      }
      map = try Simulation.e820View(
        tree, kernel: kernel, memory: memory.isEmpty ? nil : memory, efiMemoryMap: efiMemoryMap)
    case .firmwareTable(let firmware):
      if efiMemoryMap != nil {
        throw CLIError("--efi-memmap", "goes with a device tree INPUT; give the UEFI map itself as INPUT")
      }
      map = try firmware.sanitizedMap(final: table == .final)
      for note in firmware.notes { result.report("dtmem: note: \(loaded.name): \(note)") }
    }
    // To -o (a directory for sysfs; never the input), else standard output.
    switch format {
    case .sysfs:
      if let output, output != "-" {
        result.writeDirectory(E820Sysfs.files(map), to: output)
      } else {
        result.print(E820Sysfs.renderText(map))
      }
    case .json:
      let document = JSONValue.object([("kernel", .string(kernel.rawValue)), ("e820", E820JSON.array(map))])
      result.write(text: document.rendered(), to: output ?? "-", inputs: [input])
    case .dmesg:
      result.write(text: E820Dmesg.render(map), to: output ?? "-", inputs: [input])
    }
    return result
  }
}
