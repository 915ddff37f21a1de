public import KernelParameters
internal import MemoryModel

/// The `ramoops.*` module parameters (fs/pstore/ram.c, Linux 6.12) and the properties of a
/// `compatible = "ramoops"` reserved-memory node that make the driver behave the same.
///
/// With `ramoops.mem_name=NAME` the built-in driver registers a platform device from its module
/// parameters (`ramoops_register_dummy()`): the region is the `reserve_mem=` entry named NAME,
/// record, console, ftrace and pmsg zones default to 4 KiB each, ftrace is per CPU, and `ecc=1`
/// means 16 bytes. A DT node instead goes through `ramoops_parse_dt()`, which reads the region
/// from the node's `reg` (a `size`-only node gets "failed to locate DT /reserved-memory
/// resource") and takes every zone size that is absent as 0 — so the node must spell all of
/// them out to keep the module parameters' meaning.
public struct RamoopsSettings: Hashable, Sendable {
  /// `ramoops.mem_name=`: the `reserve_mem=` region the driver uses.
  public var memoryName: String?
  public var recordSize: UInt64
  public var consoleSize: UInt64
  public var ftraceSize: UInt64
  public var pmsgSize: UInt64
  /// `ramoops.mem_type=` (0 write-combined, 1 unbuffered, 2 cached).
  public var memoryType: UInt64?
  /// `ramoops.ecc=` (1 means 16 bytes).
  public var ecc: UInt64?
  /// `ramoops.max_reason=`, or what the deprecated `ramoops.dump_oops=0` means (1, panics only).
  public var maximumReason: UInt64?
  /// The parameters read, as written.
  public var parameters: [String]

  /// `MIN_MEM_SIZE`: the module's default size of each zone.
  public static let defaultZoneSize: UInt64 = 4096
  /// `RAMOOPS_FLAG_FTRACE_PER_CPU`, which the module-parameter device always sets.
  public static let ftracePerCPU: UInt32 = 1

  public init(_ commandLine: KernelCommandLine) {
    var settings: [String: String] = [:]
    var parameters: [String] = []
    for parameter in commandLine.parameters {
      let name = parameter.canonicalName
      guard name.hasPrefix("ramoops.") else { continue }
      settings[String(name.dropFirst("ramoops.".count))] = parameter.value ?? ""
      parameters.append(parameter.text)
    }
    // Module parameters are unsigned longs read with kstrtoul (base auto-detected, no suffix).
    func number(_ key: String) -> UInt64? {
      guard let text = settings[key] else { return nil }
      let bytes = Array(text.utf8)
      let parsed = MemParse.strtoull(bytes)
      return parsed.end == bytes.count && !bytes.isEmpty ? parsed.value : nil
    }
    memoryName = settings["mem_name"]
    recordSize = number("record_size") ?? Self.defaultZoneSize
    consoleSize = number("console_size") ?? Self.defaultZoneSize
    ftraceSize = number("ftrace_size") ?? Self.defaultZoneSize
    pmsgSize = number("pmsg_size") ?? Self.defaultZoneSize
    memoryType = number("mem_type").flatMap { $0 == 0 ? nil : $0 }
    ecc = number("ecc").flatMap { $0 == 0 ? nil : ($0 == 1 ? 16 : $0) }
    if let reason = number("max_reason") {
      maximumReason = reason
    } else if number("dump_oops") == 0 {
      maximumReason = 1
    } else {
      maximumReason = nil
    }
    self.parameters = parameters
  }

  /// The driver's properties for a node, besides `compatible` and `reg`.
  public var properties: [(name: String, value: UInt32)] {
    var list: [(String, UInt32)] = [
      ("record-size", UInt32(truncatingIfNeeded: recordSize)),
      ("console-size", UInt32(truncatingIfNeeded: consoleSize)),
      ("ftrace-size", UInt32(truncatingIfNeeded: ftraceSize)), ("pmsg-size", UInt32(truncatingIfNeeded: pmsgSize)),
      ("flags", Self.ftracePerCPU),
    ]
    if let ecc { list.append(("ecc-size", UInt32(truncatingIfNeeded: ecc))) }
    if let memoryType { list.append(("mem-type", UInt32(truncatingIfNeeded: memoryType))) }
    if let maximumReason { list.append(("max-reason", UInt32(truncatingIfNeeded: maximumReason))) }
    return list
  }

  /// Zone sizes past 32 bits cannot be DT cells (`ramoops_parse_dt()` reads u32 properties).
  public var oversizedZones: [String] {
    [("record_size", recordSize), ("console_size", consoleSize), ("ftrace_size", ftraceSize), ("pmsg_size", pmsgSize)]
      .filter { $0.1 > UInt64(UInt32.max) }.map(\.0)
  }
}
