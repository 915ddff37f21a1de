import FirmwareTables
import MemoryModel

/// Decodes firmware memory tables (e820 logs, /proc/iomem, /sys/firmware/memmap, dtmem JSON)
/// with the Firmware codecs; every decoding error becomes `FILE: POSITION: WHY`.
enum FirmwareTableLoader {
  static func load(_ bytes: [UInt8], name: String, format: InputFormat) throws(CLIError) -> FirmwareTableInput {
    do {
      switch format {
      case .kernelLog:
        let log = try E820KernelLog.decode(bytes)
        guard let firmware = log.firmwareTable ?? log.user else { throw E820DecodeError("input", "no e820 table") }
        var notes: [String] = []
        if log.bootCount > 1 { notes.append("the log holds \(log.bootCount) boots; the first one is read") }
        if log.firmwareTable == nil {
          notes.append("the log has only user: lines; they stand in for the firmware table")
        }
        let label = firmware.label == "dmesg" || firmware.label == "user" ? "BIOS-e820" : firmware.label
        return FirmwareTableInput(
          name: name, format: format, entries: firmware.entries, label: label,
          finalEntries: log.user?.entries, commandLine: log.commandLine, notes: notes)
      case .iomem:
        return FirmwareTableInput(name: name, format: format, entries: try E820Iomem.decode(bytes).entries)
      case .sysfsListing:
        return FirmwareTableInput(name: name, format: format, entries: try E820Sysfs.decodeText(bytes).entries)
      case .dtmemJSON:
        return FirmwareTableInput(name: name, format: format, entries: try E820JSON.decode(bytes).entries)
      case .uefiMemoryMap:
        let map = try UEFIMemoryMap.decode(bytes)
        return FirmwareTableInput(
          name: name, format: format, entries: map.e820Entries(), label: "EFI",
          notes: [
            "\(map.format.rawValue), \(map.descriptors.count) descriptors: its e820 view, as x86 do_add_efi_memmap() "
              + "builds it (for arm64, give a device tree as INPUT and this file with --efi-memmap)"
          ], uefiMemoryMap: map)
      case .commandLine:
        throw CLIError(
          name,
          "is a kernel command line, not a memory map: give it with --cmdline-file \(name) and the firmware table as "
            + "INPUT or --e820"
        )
      case .deviceTreeBlob, .deviceTreeSource, .sysfsMemmap:
        throw CLIError(name, "\(format.rawValue) is not a firmware table")
      }
    } catch let error as UEFIMapDecodeError {
      throw CLIError(name, error.description)
    } catch let error as E820DecodeError {
      throw CLIError(name, error.description)
    } catch let error as CLIError {
      throw error
    } catch {
      throw CLIError(name, "\(error)")
    }
  }

  /// A `/sys/firmware/memmap` directory: `N/start`, `N/end`, `N/type` files.
  static func loadSysfsDirectory(_ path: String) throws(CLIError) -> FirmwareTableInput {
    var directories: [E820Sysfs.EntryFiles] = []
    for name in try FileIO.directoryEntries(path)
    where !name.isEmpty && name.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
      func file(_ field: String) throws(CLIError) -> String? {
        let filePath = path + "/" + name + "/" + field
        guard FileIO.exists(filePath) else { return nil }
        return String(decoding: try FileIO.read(filePath), as: UTF8.self)
      }
      directories.append(
        E820Sysfs.EntryFiles(name: name, start: try file("start"), end: try file("end"), type: try file("type")))
    }
    do {
      return FirmwareTableInput(name: path, format: .sysfsMemmap, entries: try E820Sysfs.decode(directories).entries)
    } catch {
      throw CLIError(path, error.description)
    }
  }
}
