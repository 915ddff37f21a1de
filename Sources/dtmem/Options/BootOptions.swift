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
    name: .customLong("cmdline-file"),
    help: ArgumentHelp(
      "Read the kernel parameters from a file (e.g. /proc/cmdline; - for standard input) instead of --cmdline.",
      discussion: "One trailing newline is dropped. For command lines too long for one argument.",
      valueName: "FILE"))
  var commandLineFile: String?

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

  @Option(
    name: .customLong("cmdline-size"),
    help: ArgumentHelp(
      "The kernel's COMMAND_LINE_SIZE: it keeps at most this many bytes minus one of the command line (0: keep everything).",
      discussion: "Default 2048, as in Linux 6.12 on x86-64 and arm64. What falls past the limit is not applied, and dtmem warns.",
      valueName: "BYTES"))
  var commandLineSizeText: String = "2048"

  @Option(
    name: .customLong("e820-max-entries"),
    help: ArgumentHelp(
      "x86: the e820 table's capacity, E820_MAX_ENTRIES (0: unlimited).",
      discussion: "Default 3200, Debian's build (128 + 3 × MAX_NUMNODES with NODES_SHIFT 10). Entries past it are dropped with 'too many entries'.",
      valueName: "N"))
  var e820MaxEntriesText: String = "3200"

  /// The command line given with `--cmdline` or `--cmdline-file`, and its source; nil if neither.
  func givenCommandLine() throws(CLIError) -> (text: String, source: String)? {
    if let commandLine {
      guard commandLineFile == nil else { throw CLIError("--cmdline-file", "give either --cmdline or --cmdline-file, not both") }
      return (commandLine, "--cmdline")
    }
    guard let commandLineFile else { return nil }
    var bytes = try FileIO.read(commandLineFile)
    if bytes.last == 0x0a { bytes.removeLast() }
    return (String(decoding: bytes, as: UTF8.self), commandLineFile == "-" ? "<stdin>" : commandLineFile)
  }

  /// The `KernelCommandLine` limit: nil keeps everything.
  func commandLineLimit() throws(CLIError) -> Int? {
    guard let value = MemParse.wholeNumber(Substring(commandLineSizeText)), value <= UInt64(Int32.max) else {
      throw CLIError("--cmdline-size", "'\(commandLineSizeText)' is not a number of bytes")
    }
    guard value != 0 else { return nil }
    guard value >= 2 else { throw CLIError("--cmdline-size", "must be 0 (no limit) or at least 2") }
    return Int(value)
  }

  /// `E820_MAX_ENTRIES`; `Int.max` when unlimited.
  func e820Capacity() throws(CLIError) -> Int {
    guard let value = MemParse.wholeNumber(Substring(e820MaxEntriesText)), value <= UInt64(Int32.max) else {
      throw CLIError("--e820-max-entries", "'\(e820MaxEntriesText)' is not a number of entries")
    }
    guard value != 0 else { return Int.max }
    guard value >= 2 else { throw CLIError("--e820-max-entries", "must be 0 (no limit) or at least 2") }
    return Int(value)
  }

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
