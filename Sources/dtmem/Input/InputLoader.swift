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
  /// A table in which no entry holds a byte is refused: written out it would be no table at all,
  /// which no e820 reader (dtmem's included) accepts back.
  func sanitizedMap(final: Bool) throws(CLIError) -> MemoryMap {
    let map: MemoryMap
    do {
      map = try MemoryMap.sanitized(final ? (finalEntries ?? entries) : entries)
    } catch {
      throw CLIError(name, "an entry ends at or past 2^64; the kernel cannot sanitize such a table")
    }
    guard !map.regions.isEmpty else { throw CLIError(name, "no e820 entry holds memory: every size is 0") }
    return map
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
    let input: LoadedInput
    if path != "-" && FileIO.isDirectory(path) {
      input = .firmwareTable(try FirmwareTableLoader.loadSysfsDirectory(path))
    } else {
      input = try decode(try environment.read(path), path: path, includeDirectories: environment.includeDirectories)
    }
    environment.keepUntilExit(.input(input))
    return input
  }

  /// Decodes content already read from `path` (standard input can be read only once);
  /// `includeDirectories` are the `-I` folders for device tree source.
  static func decode(_ bytes: [UInt8], path: String, includeDirectories: [String]) throws(CLIError) -> LoadedInput {
    let name = path == "-" ? "<stdin>" : path
    guard !bytes.isEmpty else { throw CLIError(name, "empty input") }
    guard let format = InputFormat.detect(bytes) else {
      throw CLIError(
        name,
        "unrecognised input: not a device tree blob (no d00dfeed magic), not device tree source "
          + "(no /dts-v1/ or #include), no BIOS-e820 lines, not /proc/iomem, not a UEFI memory map, not dtmem JSON")
    }
    switch format {
    case .deviceTreeBlob:
      return .deviceTree(try deviceTree(bytes, name: name, format: format))
    case .deviceTreeSource:
      let blob = try DeviceTreeCompiler.compile(
        bytes, name: name, path: path == "-" ? nil : path, includeDirectories: includeDirectories)
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
