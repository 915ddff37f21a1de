import BootModel
import DeviceTree
import FirmwareTables
import MemoryModel

/// A device tree input: the checked blob and the memory facts it states.
struct DeviceTreeInput {
  /// The name to use in messages (the path, or `<stdin>`).
  var name: String
  var format: InputFormat
  var tree: FlatDeviceTree
  var board: BoardMemory
}

/// A firmware memory table (e820 from a log, sysfs or iomem, or dtmem JSON).
struct FirmwareTableInput {
  var name: String
  var format: InputFormat
  /// The entries as the firmware gave them (raw, possibly overlapping): what kernel parameters
  /// act on. For a log, its `extended:` table if printed, else its `BIOS-e820:` table.
  var entries: [MapEntry]
  /// What the kernel calls that table (`BIOS-e820`, `extended`, …).
  var label: String = "BIOS-e820"
  /// The table the source says the boot ended with, when it shows one (a log's `user:` lines).
  var finalEntries: [MapEntry]? = nil
  /// The kernel command line the source shows (a log's `Command line:`).
  var commandLine: String? = nil
  /// Things to tell about the reading (several boots in one log, …).
  var notes: [String] = []
  /// The UEFI memory map the table was made from, when the input was one.
  var uefiMemoryMap: UEFIMemoryMap? = nil

  /// The table as a boot's input, with the command line the source shows.
  var bootInput: BootInput {
    .e820(
      E820Firmware(
        entries, label: label, commandLine: commandLine.map { BootCommandLine($0, source: .kernelLog(name)) }))
  }

  /// The table the kernel would hold, sanitized: the final one when `final` and shown, else the
  /// firmware's.
  func sanitizedMap(final: Bool) throws(CLIError) -> MemoryMap {
    do {
      return try MemoryMap.sanitized(final ? (finalEntries ?? entries) : entries)
    } catch {
      throw CLIError(name, "an entry ends at or past 2^64; the kernel cannot sanitize such a table")
    }
  }
}

/// Any input dtmem accepts.
enum LoadedInput {
  case deviceTree(DeviceTreeInput)
  case firmwareTable(FirmwareTableInput)

  var name: String {
    switch self {
    case .deviceTree(let input): input.name
    case .firmwareTable(let input): input.name
    }
  }
}

/// Reads an input path (or `-`), detects its format from the content and decodes it.
enum InputLoader {
  static func load(_ path: String, _ environment: Environment) throws(CLIError) -> LoadedInput {
    if path != "-" && FileIO.isDirectory(path) {
      return .firmwareTable(try FirmwareTableLoader.loadSysfsDirectory(path))
    }
    return try decode(try environment.read(path), path: path)
  }

  /// Decodes content already read from `path` (standard input can be read only once).
  static func decode(_ bytes: [UInt8], path: String) throws(CLIError) -> LoadedInput {
    let name = path == "-" ? "<stdin>" : path
    guard !bytes.isEmpty else { throw CLIError(name, "empty input") }
    guard let format = InputFormat.detect(bytes) else {
      throw CLIError(
        name,
        "unrecognised input: not a device tree blob (no d00dfeed magic), not device tree source "
          + "(no /dts-v1/), no BIOS-e820 lines, not /proc/iomem, not a UEFI memory map, not dtmem JSON")
    }
    switch format {
    case .deviceTreeBlob:
      return .deviceTree(try deviceTree(bytes, name: name, format: format))
    case .deviceTreeSource:
      let blob = try DeviceTreeCompiler.compile(bytes, name: name, path: path == "-" ? nil : path)
      return .deviceTree(try deviceTree(blob, name: name, format: format))
    default:
      return .firmwareTable(try FirmwareTableLoader.load(bytes, name: name, format: format))
    }
  }

  static func deviceTree(_ bytes: [UInt8], name: String, format: InputFormat) throws(CLIError) -> DeviceTreeInput {
    let tree: FlatDeviceTree
    do {
      tree = try FlatDeviceTree(bytes: bytes)
    } catch {
      throw CLIError(name, error.description)
    }
    return try deviceTree(tree, name: name, format: format)
  }

  /// An already checked blob (the result of applying an overlay) with its memory facts.
  static func deviceTree(_ tree: FlatDeviceTree, name: String, format: InputFormat) throws(CLIError) -> DeviceTreeInput
  {
    do {
      return DeviceTreeInput(name: name, format: format, tree: tree, board: try tree.boardMemory())
    } catch {
      throw CLIError(name, error.description)
    }
  }
}

/// Compiles device tree source with the system's `dtc`, within limits: source is input too, and
/// `/incbin/("/dev/zero")` would make dtc read forever (`/incbin/` can name any file dtmem can
/// read). A run past a limit is stopped and said to be.
enum DeviceTreeCompiler {
  static let standardLimits = Subprocess.Limits(seconds: 20, outputBytes: 64 << 20, memoryBytes: 1 << 30)

  /// `symbols`: `dtc -@`, so the blob has `/__symbols__` (labels an overlay can refer to) and an
  /// overlay's own labels reach the base's `__symbols__` when applied.
  static func compile(
    _ source: [UInt8], name: String, path: String?, symbols: Bool = false, limits: Subprocess.Limits = standardLimits
  ) throws(CLIError) -> [UInt8] {
    var file = path
    var temporary: String? = nil
    if file == nil {
      temporary = try FileIO.temporaryFile(source, suffix: ".dts")
      file = temporary
    }
    defer { if let temporary { FileIO.remove(temporary) } }
    var preprocessed: String? = nil
    defer { if let preprocessed { FileIO.remove(preprocessed) } }
    if Self.usesPreprocessor(source) {
      preprocessed = try FileIO.temporaryFile(
        try preprocess(file!, name: name, path: path, limits: limits), suffix: ".dts")
      file = preprocessed
    }
    let arguments = ["dtc", "-q"] + (symbols ? ["-@"] : []) + ["-I", "dts", "-O", "dtb", "-o", "-", file!]
    guard let output = Subprocess.run(arguments, limits: limits) else {
      throw CLIError(
        name,
        "is device tree source, and compiling it needs dtc, which is not installed "
          + "(apt-get install device-tree-compiler), or give a .dtb")
    }
    switch output.stopped {
    case .timeLimit:
      throw CLIError(
        name,
        "dtc did not finish within \(limits.seconds) s (dtmem's time limit for dtc; an /incbin/ of a device or an "
          + "endless file?); stopped it")
    case .outputLimit:
      throw CLIError(
        name,
        "dtc wrote more than \(ByteCount.human(UInt64(limits.outputBytes))) (dtmem's size limit for a compiled "
          + "blob; an /incbin/ of a large file?); stopped it")
    case nil:
      break
    }
    guard output.status == 0, !output.standardOutput.isEmpty else {
      let message =
        String(decoding: output.standardError, as: UTF8.self)
        .split(separator: "\n").first { $0.lowercased().contains("error") } ?? "exit status \(output.status)"
      // dtc reports a failed allocation as "FATAL ERROR: realloc() failed …".
      let memory =
        message.contains("alloc")
        ? " (dtmem's \(ByteCount.human(UInt64(limits.memoryBytes))) memory limit for dtc; an /incbin/ of a large or "
          + "endless file?)"
        : ""
      throw CLIError(name, "dtc could not compile it: \(message)\(memory)")
    }
    return output.standardOutput
  }

  /// Kernel-tree sources use the C preprocessor (`#include <dt-bindings/…>`, `#define`): a line
  /// that starts with `#include`, `#define` or `#if`.
  static func usesPreprocessor(_ source: [UInt8]) -> Bool {
    String(decoding: source, as: UTF8.self).split(separator: "\n").contains { line in
      let text = line.drop { $0 == " " || $0 == "\t" }
      return text.hasPrefix("#include") || text.hasPrefix("#define") || text.hasPrefix("#if")
    }
  }

  /// The kernel's own preprocessing of `.dts` (scripts/Makefile.lib, dtc_cpp_flags):
  /// `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp`, with the source's directory and its
  /// `include` folder as include paths (a kernel tree's `arch/*/boot/dts/…` finds its neighbours;
  /// `dt-bindings/` needs the tree's include dirs, which the error then names).
  static func preprocess(_ file: String, name: String, path: String?, limits: Subprocess.Limits) throws(CLIError)
    -> [UInt8]
  {
    var folder = "."
    if let path, let slash = path.lastIndex(of: "/") {
      folder = slash == path.startIndex ? "/" : String(path[..<slash])
    }
    let arguments = [
      "cpp", "-nostdinc", "-undef", "-D__DTS__", "-x", "assembler-with-cpp", "-I", folder, "-I", folder + "/include",
      file,
    ]
    let yourself =
      "preprocess it as the kernel's build does, with the kernel tree's include dirs, and pipe it in: cpp -nostdinc "
      + "-undef -D__DTS__ -x assembler-with-cpp -I LINUX/include -I LINUX/scripts/dtc/include-prefixes "
      + "\(path ?? "FILE") | dtmem … -"
    guard let output = Subprocess.run(arguments, limits: limits) else {
      throw CLIError(
        name, "uses #include or #define, which needs the C preprocessor cpp (apt-get install cpp); or " + yourself)
    }
    guard output.stopped == nil, output.status == 0 else {
      let message =
        String(decoding: output.standardError, as: UTF8.self).split(separator: "\n").first { $0.contains("error") }
        .map(String.init) ?? "exit status \(output.status)"
      throw CLIError(name, "cpp could not preprocess it (\(message)); \(yourself)")
    }
    return output.standardOutput
  }
}
