import BootModel
import KernelParameters
import MemoryModel

/// What every boot-model command accepts besides its input.
struct BootOptions {
  /// `--cmdline` or the contents of `--cmdline-file`, with where it came from; read once, when
  /// the options are parsed, so every input of a command sees the same text (a `-` file can only
  /// be read once).
  var givenCommandLine: BootCommandLine?
  /// `--cmdline-file`, which `-o` must not overwrite.
  var inputFiles: [String]
  var architectureName: String?
  var reserve: [String]
  var memory: [String]
  var pageSizeName: String
  var commandLineSizeText: String
  var e820MaxEntriesText: String
  var kernelText: String

  /// `--kernel`, on every command that runs a boot model.
  static let kernelSpec = OptionSpec.value(
    "kernel", "VERSION",
    help: "The Linux version whose boot the models follow (supported: \(KernelVersion.supportedNames)).",
    default: KernelVersion.default.rawValue)

  static let specs: [OptionSpec] = [
    .value(
      "cmdline", "STRING",
      help:
        "Kernel parameters (a whole command line is fine; unrelated parameters are ignored). Default: /chosen/bootargs "
        + "of a device tree input."
    ),
    .value(
      "cmdline-file", "FILE",
      help:
        "Read the kernel parameters from a file (e.g. /proc/cmdline; - for standard input) instead of --cmdline. One "
        + "trailing newline is dropped."
    ),
    .value("arch", "ARCH", help: "Boot model: x86 or arm64 (default: arm64 for device trees, x86 for e820 inputs)."),
    kernelSpec,
    .value(
      "reserve", "START:SIZE[:LABEL]",
      help:
        "Memory occupied before the kernel looks at /reserved-memory (kernel image: label kernel; the blob: label dtb; "
        + "initrd, firmware); repeatable.",
      repeatable: true),
    .value(
      "memory", "START:SIZE",
      help: "A RAM bank, replacing the blob's memory nodes (for blobs the bootloader fills in); repeatable.",
      repeatable: true),
    .value("page-size", "SIZE", help: "The arm64 kernel's page size: 4K, 16K or 64K.", default: "4K"),
    commandLineSizeSpec, e820MaxEntriesSpec,
  ]

  static let commandLineSizeSpec: OptionSpec = .value(
    "cmdline-size", "BYTES",
    help:
      "The kernel's COMMAND_LINE_SIZE: it keeps at most this many bytes minus one of the command line (0: keep "
      + "everything); what falls past it is not applied, and dtmem warns.",
    default: String(KernelCommandLine.kernelLimit))

  static let e820MaxEntriesSpec: OptionSpec = .value(
    "e820-max-entries", "N",
    help:
      "x86: the e820 table's capacity, E820_MAX_ENTRIES (0: unlimited); entries past it are dropped with 'too many "
      + "entries'.",
    default: String(BootLimits.debianE820MaxEntries))

  init(_ arguments: ParsedArguments) throws(CLIError) {
    givenCommandLine = try Self.commandLine(
      arguments.value("cmdline"), file: arguments.value("cmdline-file"), arguments.environment)
    inputFiles = arguments.value("cmdline-file").map { [$0] } ?? []
    architectureName = arguments.value("arch")
    reserve = arguments.values("reserve")
    memory = arguments.values("memory")
    pageSizeName = arguments.value("page-size") ?? "4K"
    commandLineSizeText = arguments.value("cmdline-size") ?? String(KernelCommandLine.kernelLimit)
    e820MaxEntriesText = arguments.value("e820-max-entries") ?? String(BootLimits.debianE820MaxEntries)
    kernelText = arguments.value("kernel") ?? KernelVersion.default.rawValue
  }

  /// The command line given with `--cmdline` or `--cmdline-file`, and its source; nil if neither.
  static func commandLine(_ text: String?, file: String?, _ environment: Environment) throws(CLIError)
    -> BootCommandLine?
  {
    if let text {
      guard file == nil else { throw CLIError("--cmdline-file", "give either --cmdline or --cmdline-file, not both") }
      return BootCommandLine(text, source: .given("--cmdline"))
    }
    guard let file else { return nil }
    var bytes = try environment.read(file)
    if bytes.last == 0x0a { bytes.removeLast() }
    return BootCommandLine(String(decoding: bytes, as: UTF8.self), source: .file(file == "-" ? "<stdin>" : file))
  }

  /// `--kernel`: a version dtmem models.
  func kernel() throws(CLIError) -> KernelVersion { try KernelVersion.parse(kernelText) }

  /// `--cmdline-size` and `--e820-max-entries`.
  func limits() throws(CLIError) -> BootLimits {
    BootLimits(commandLineSize: try commandLineLimit(), e820MaxEntries: try e820Capacity())
  }

  /// The boot these options ask for of `input` on `architecture`; the command line is the given
  /// one, else the input's own (`/chosen/bootargs`, a log's `Command line:`).
  func request(_ input: BootInput, architecture: Architecture) throws(CLIError) -> BootRequest {
    BootRequest(
      input, architecture: architecture, kernel: try kernel(), commandLine: givenCommandLine,
      pageSize: try pageSize(), loaderReservations: try loaderReservations(), memoryOverride: try memoryOverride(),
      limits: try limits())
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

  /// `--reserve`: what the loader occupied.
  func loaderReservations() throws(CLIError) -> [LoaderReservation] {
    try RangeArgument.parseAll(reserve, option: "--reserve").map { LoaderReservation(range: $0.range, label: $0.label) }
  }

  /// `--memory`: banks replacing the blob's memory nodes; nil when none are given.
  func memoryOverride() throws(CLIError) -> [PhysicalRange]? { try RangeArgument.memoryOverride(memory) }
}
