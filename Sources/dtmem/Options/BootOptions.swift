import ArgumentParser
import BootModel
import MemoryModel

/// What every boot-model command accepts besides its input.
struct BootOptions: ParsableArguments {
  @Option(
    name: .customLong("cmdline"),
    help: ArgumentHelp(
      "Kernel parameters (a whole command line is fine; unrelated parameters are ignored).",
      discussion: "Default: /chosen/bootargs of a device tree input.",
      valueName: "STRING"))
  var commandLine: String?

  @Option(
    name: .customLong("arch"),
    help: ArgumentHelp(
      "Boot model: x86 or arm64 (default: arm64 for device trees, x86 for e820 inputs).",
      valueName: "ARCH"))
  var architectureName: String?

  @Option(
    name: .customLong("reserve"),
    help: ArgumentHelp(
      "Memory occupied before the kernel looks at /reserved-memory (kernel image, initrd, the blob, firmware); repeatable.",
      valueName: "START:SIZE[:LABEL]"))
  var reserve: [String] = []

  @Option(
    name: .customLong("memory"),
    help: ArgumentHelp(
      "A RAM bank, replacing the blob's memory nodes (for blobs the bootloader fills in); repeatable.",
      valueName: "START:SIZE"))
  var memory: [String] = []

  @Option(
    name: .customLong("page-size"),
    help: ArgumentHelp("The arm64 kernel's page size: 4K, 16K or 64K.", valueName: "SIZE"))
  var pageSizeName: String = "4K"

  func architecture(default fallback: Architecture) throws(CLIError) -> Architecture {
    guard let architectureName else { return fallback }
    return try Architecture.parse(architectureName)
  }

  func pageSize() throws(CLIError) -> PageSize { try PageSize.parse(pageSizeName) }

  func reservations() throws(CLIError) -> [RangeArgument] {
    var result: [RangeArgument] = []
    for text in reserve { result.append(try RangeArgument.parse(text, option: "--reserve")) }
    return result
  }

  func memoryBanks() throws(CLIError) -> [RangeArgument] {
    var result: [RangeArgument] = []
    for text in memory { result.append(try RangeArgument.parse(text, option: "--memory")) }
    return result
  }
}
