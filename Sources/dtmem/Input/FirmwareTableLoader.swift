import MemoryModel

/// Decodes firmware memory tables (e820 logs, /proc/iomem, /sys/firmware/memmap, dtmem JSON).
enum FirmwareTableLoader {
  static func load(_ bytes: [UInt8], name: String, format: InputFormat) throws(CLIError) -> FirmwareTableInput {
    throw CLIError(name, "\(format.rawValue) input is not supported yet")
  }

  static func loadSysfsDirectory(_ path: String) throws(CLIError) -> FirmwareTableInput {
    throw CLIError(path, "/sys/firmware/memmap input is not supported yet")
  }
}
