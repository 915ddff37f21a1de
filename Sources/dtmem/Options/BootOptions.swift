import BootModel
import FirmwareTables
import KernelParameters
import MemoryModel

/// What every boot-model command accepts besides its input, read and checked once.
struct BootOptions {
  /// `--cmdline` or the contents of `--cmdline-file`, with where it came from; read once, when
  /// the options are parsed, so every input of a command sees the same text (a `-` file can only
  /// be read once).
  var givenCommandLine: BootCommandLine?
  /// `--cmdline-file`, which `-o` must not overwrite.
  var inputFiles: [String]
  /// `--arch`; nil: the input decides.
  var requestedArchitecture: Architecture?
  var kernel: KernelVersion
  /// `--kernel-image`: the kernel the version (and on arm64 the page size and image reservation)
  /// came from; nil when none is given.
  var kernelImage: KernelImage?
  /// `--kernel-image FILE` as the user wrote it, for messages.
  var kernelImageName = "--kernel-image"
  var loaderReservations: [LoaderReservation]
  /// `--memory`: banks replacing the blob's memory nodes; nil when none are given.
  var memoryOverride: [PhysicalRange]?
  var pageSize: PageSize
  var limits: BootLimits
  /// `--efi-memmap`: the UEFI memory map an arm64 boot through the EFI stub takes its memory from.
  var efiMemoryMap: UEFIMemoryMap?

  static let cmdline = Option.text(
    "cmdline", "STRING",
    help:
      "Kernel parameters (a whole command line is fine; unrelated parameters are ignored). Default: /chosen/bootargs "
      + "of a device tree input.")

  static let cmdlineFile = Option.text(
    "cmdline-file", "FILE",
    help:
      "Read the kernel parameters from a file (e.g. /proc/cmdline; - for standard input) instead of --cmdline. One "
      + "trailing newline is dropped.",
    kind: .file)

  static let arch = Option<Architecture?>.choice(
    "arch", "ARCH", help: "Boot model (default: arm64 for device trees, x86 for e820 inputs):")

  /// `--kernel`, on every command that runs a boot model.
  static let kernelOption = Option.choice(
    "kernel", "VERSION", help: "The Linux version whose boot the models follow:", default: KernelVersion.default)

  /// `--kernel-image`, on every command that runs a boot model.
  static let kernelImageOption = Option.text(
    "kernel-image", "FILE",
    help:
      "An arm64 Image or x86 bzImage (e.g. /boot/vmlinuz-6.1.0-50-arm64): its version string picks --kernel; an arm64 "
      + "Image also sets --page-size (header flags) and reserves image_size bytes at 0x40200000, QEMU virt's load "
      + "address, as that kernel reserves itself (6.1 from _stext, 64 KiB in); a --reserve START:SIZE:kernel "
      + "replaces that placement.",
    kind: .file)

  /// `--kernel` and `--kernel-image`: the version the models follow, and the image read, if any.
  /// An image of an unmodelled version, or one that contradicts `--kernel`, is an error.
  static func kernelChoice(_ arguments: ParsedArguments) throws(CLIError) -> (KernelVersion, KernelImage?) {
    let given = try arguments[kernelOption]
    guard let path = try arguments[kernelImageOption] else { return (given, nil) }
    let name = kernelImageName(path)
    let bytes = try arguments.environment.read(path)
    let image: KernelImage
    do {
      image = try KernelImage(bytes)
    } catch {
      throw CLIError(name, error.description)
    }
    guard let version = image.version else {
      throw CLIError(
        name, "Linux \(image.release): unsupported kernel version; supported: \(KernelVersion.supportedNames)")
    }
    if arguments.isGiven(kernelOption) && given != version {
      throw CLIError(name, "it holds Linux \(image.release), but --kernel \(given) was given")
    }
    return (version, image)
  }

  static func kernelImageName(_ path: String) -> String { "--kernel-image \(path == "-" ? "<stdin>" : path)" }

  /// Where the arm64 loader put `image`: QEMU virt's load address, `image_size` bytes.
  static func imageReservation(_ image: KernelImage) -> LoaderReservation? {
    guard image.architecture == .arm64, let size = image.imageSize,
      let range = PhysicalRange(start: KernelImage.qemuVirtLoadAddress, size: size)
    else { return nil }
    return LoaderReservation(range: range, label: "kernel (\(image.release), --kernel-image)")
  }

  static let reserve = Option.repeating(
    "reserve", "START:SIZE[:LABEL]",
    help:
      "Memory occupied before the kernel looks at /reserved-memory (kernel image: label kernel; the blob: label dtb; "
      + "initrd, firmware); repeatable."
  ) { (text: String) throws(CLIError) -> LoaderReservation in
    let argument = try RangeArgument.parse(text, option: "--reserve")
    return LoaderReservation(range: argument.range, label: argument.label)
  }

  static let memory = Option.repeating(
    "memory", "START:SIZE",
    help: "A RAM bank, replacing the blob's memory nodes (for blobs the bootloader fills in); repeatable."
  ) { (text: String) throws(CLIError) -> PhysicalRange in try RangeArgument.parse(text, option: "--memory").range }

  static let efiMemmap = Option.text(
    "efi-memmap", "FILE",
    help:
      "The UEFI memory map the firmware handed the EFI stub (arm64 booted through UEFI): the kernel's efi=debug "
      + "lines, UEFI Shell memmap or memmap -sfo output, U-Boot efidebug memmap output, or dtmem JSON. Memory then "
      + "comes from the map, as efi_init() takes it, not from /memory.",
    kind: .file)

  /// Reads and decodes `--efi-memmap FILE`; errors are `--efi-memmap FILE: POSITION: WHY`.
  static func efiMemoryMap(_ path: String?, _ environment: Environment) throws(CLIError) -> UEFIMemoryMap? {
    guard let path else { return nil }
    let bytes = try environment.read(path)
    do {
      return try UEFIMemoryMap.decode(bytes)
    } catch {
      throw CLIError("--efi-memmap \(path == "-" ? "<stdin>" : path)", error.description)
    }
  }

  static let pageSizeOption = Option.choice(
    "page-size", "SIZE", help: "The arm64 kernel's page size:", default: PageSize.size4K)

  /// nil: no limit.
  static let cmdlineSize = Option<Int?>.value(
    "cmdline-size", "BYTES",
    help:
      "The kernel's COMMAND_LINE_SIZE: it keeps at most this many bytes minus one of the command line (0: keep "
      + "everything); what falls past it is not applied, and dtmem warns.",
    default: KernelCommandLine.kernelLimit, shown: Digits.decimal(KernelCommandLine.kernelLimit)
  ) { (text: String) throws(CLIError) -> Int? in try RangeArgument.limit(text, option: "--cmdline-size", unit: "bytes")
  }

  /// `Int.max`: no limit.
  static let e820MaxEntries = Option<Int>.value(
    "e820-max-entries", "N",
    help:
      "x86: the e820 table's capacity, E820_MAX_ENTRIES (0: unlimited); entries past it are dropped with 'too many "
      + "entries'.",
    default: BootLimits.debianE820MaxEntries, shown: Digits.decimal(BootLimits.debianE820MaxEntries)
  ) { (text: String) throws(CLIError) -> Int in
    try RangeArgument.limit(text, option: "--e820-max-entries", unit: "entries") ?? Int.max
  }

  /// The kernel's limits (`--cmdline-size`, `--e820-max-entries`), for commands that take only them.
  static let limitSpecs = [cmdlineSize.spec, e820MaxEntries.spec]

  /// For commands that boot device trees on arm64 only (validate, diff, apply, to-overlay):
  /// no `--arch`, no x86 table capacity.
  static let arm64Specs: [OptionSpec] = specs.filter { $0.name != arch.name && $0.name != e820MaxEntries.name }

  /// to-overlay's `--cmdline`: the parameters it translates, not the base's command line.
  static let cmdlineToTranslate = Option.text(
    "cmdline", "STRING",
    help:
      "The x86 parameters to translate (memmap=, mem=, reserve_mem=; a whole command line is fine). Required: the "
      + "base boots with --boot-cmdline or its own /chosen/bootargs.")

  static let specs: [OptionSpec] =
    [
      cmdline.spec, cmdlineFile.spec, arch.spec, kernelOption.spec, kernelImageOption.spec, reserve.spec, memory.spec,
      efiMemmap.spec, pageSizeOption.spec,
    ] + limitSpecs

  /// `--memory` banks must not overlap: each RAM bank is given once (the kernel would merge
  /// them silently, which hides a typo).
  static func checkDisjoint(_ banks: [PhysicalRange]) throws(CLIError) {
    let sorted = banks.sorted()
    for (a, b) in zip(sorted, sorted.dropFirst()) where a.overlaps(b) {
      throw CLIError(
        "--memory",
        "\(Hex.short(a.start)):\(Hex.short(a.size)) and \(Hex.short(b.start)):\(Hex.short(b.size)) overlap: give "
          + "each RAM bank once")
    }
  }

  init(_ arguments: ParsedArguments) throws(CLIError) {
    let file = try arguments[Self.cmdlineFile]
    givenCommandLine = try Self.commandLine(try arguments[Self.cmdline], file: file, arguments.environment)
    let mapFile = try arguments[Self.efiMemmap]
    inputFiles = (file.map { [$0] } ?? []) + (mapFile.map { [$0] } ?? [])
    efiMemoryMap = try Self.efiMemoryMap(mapFile, arguments.environment)
    requestedArchitecture = arguments.declares(Self.arch) ? try arguments[Self.arch] : nil
    (kernel, kernelImage) = try Self.kernelChoice(arguments)
    loaderReservations = try arguments[Self.reserve]
    let banks = try arguments[Self.memory]
    try Self.checkDisjoint(banks)
    memoryOverride = banks.isEmpty ? nil : banks
    pageSize = try arguments[Self.pageSizeOption]
    limits = try Self.limits(arguments)
    if let image = kernelImage, let path = try arguments[Self.kernelImageOption] {
      inputFiles.append(path)
      kernelImageName = Self.kernelImageName(path)
      if let stated = image.pageSize {
        if arguments.isGiven(Self.pageSizeOption) && stated != pageSize {
          throw CLIError(
            kernelImageName,
            "its header says \(stated.name) pages, but --page-size \(pageSize.name) was given")
        }
        pageSize = stated
      }
    }
  }

  /// `--kernel-image`'s architecture against the boot's: an arm64 Image cannot boot an e820 table.
  func checkKernelImage(for architecture: Architecture) throws(CLIError) {
    guard let image = kernelImage, image.architecture != architecture else { return }
    throw CLIError(
      kernelImageName,
      "it holds an \(image.architecture) kernel (Linux \(image.release)), but the boot is \(architecture)")
  }

  /// `--cmdline-size` and `--e820-max-entries`.
  static func limits(_ arguments: ParsedArguments) throws(CLIError) -> BootLimits {
    BootLimits(
      commandLineSize: try arguments[cmdlineSize],
      e820MaxEntries: arguments.declares(e820MaxEntries)
        ? try arguments[e820MaxEntries] : BootLimits.debianE820MaxEntries)
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

  /// The boot these options ask for of `input` on `architecture`; the command line is the given
  /// one, else the input's own (`/chosen/bootargs`, a log's `Command line:`).
  func request(_ input: BootInput, architecture: Architecture) -> BootRequest {
    var loader = loaderReservations
    // --kernel-image places the arm64 Image unless a --reserve …:kernel already says where it is.
    if architecture == .arm64, let image = kernelImage, !loader.contains(where: { $0.kind == .kernelImage }),
      let placed = Self.imageReservation(image)
    {
      loader.insert(placed, at: 0)
    }
    return BootRequest(
      input, architecture: architecture, kernel: kernel, commandLine: givenCommandLine, pageSize: pageSize,
      loaderReservations: loader, memoryOverride: memoryOverride, limits: limits,
      efiMemoryMap: architecture == .arm64 ? efiMemoryMap : nil)
  }

  func architecture(default fallback: Architecture) -> Architecture { requestedArchitecture ?? fallback }
}
