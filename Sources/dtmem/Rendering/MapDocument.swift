import BootModel
import FirmwareTables
import MemoryModel
import Utilities

/// The contract's JSON map document (`simulate --json`, `show --json`): arch, memory, reserved,
/// e820 — addresses and sizes as `"0x…"` strings — plus dtmem's own extra fields.
enum MapDocument {
  static func hex(_ value: UInt64) -> JSONValue { .string(Hex.short(value)) }

  static func render(_ result: BootResult, input: String?, commandLine: String?, explain: Bool) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("arch", .string(result.architecture.rawValue)), ("kernel", .string(result.kernel.rawValue)),
    ]
    if let input { members.append(("input", .string(input))) }
    if let commandLine { members.append(("cmdline", .string(commandLine))) }
    members.append(("memory", .array(result.memory.map(memory))))
    members.append(("reserved", .array(result.reservations.map(reservation))))
    if !result.kernelAllocations.isEmpty {
      members.append(("kernel_allocations", .array(result.kernelAllocations.map(reservation))))
    }
    members.append(("e820", e820(result.e820)))
    // x86: the table after trim_bios_range(), when it differs from the printed one.
    if let final = result.finalE820 { members.append(("e820_final", e820(final))) }
    if !result.diagnostics.isEmpty {
      members.append(("diagnostics", .array(result.diagnostics.map(diagnostic))))
    }
    if explain {
      members.append(("steps", .array(result.steps.map { step($0, of: result) })))
    }
    return .object(members)
  }

  static func memory(_ block: MemoryBlock) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("start", hex(block.range.start)), ("size", hex(block.range.size)), ("node", .int(block.node)),
      ("nomap", .bool(block.noMap)),
    ]
    if block.hotpluggable { members.append(("hotpluggable", .bool(true))) }
    return .object(members)
  }

  static func reservation(_ r: Reservation) -> JSONValue {
    var members: [(String, JSONValue)] = [("name", .string(r.name))]
    if let range = r.range {
      members.append(("start", hex(range.start)))
      members.append(("size", hex(range.size)))
    } else {
      members.append(("start", .null))
      members.append(("size", r.requestedSize.map(hex) ?? .null))
    }
    members.append(("nomap", .bool(r.noMap)))
    members.append(("reusable", .bool(r.reusable)))
    members.append(("status", .string(r.status.name)))
    if let reason = r.status.reason { members.append(("reason", .string(reason))) }
    members.append(("origin", .string(r.origin.rawValue)))
    members.append(("path", .string(r.path)))
    if let alignment = r.alignment { members.append(("alignment", hex(alignment))) }
    if !r.allocRanges.isEmpty {
      members.append(
        (
          "alloc_ranges",
          .array(r.allocRanges.map { .object([("start", hex($0.address)), ("size", hex($0.size))]) })
        ))
    }
    if !r.compatible.isEmpty { members.append(("compatible", .array(r.compatible.map { .string($0) }))) }
    return .object(members)
  }

  static func e820(_ map: MemoryMap) -> JSONValue { E820JSON.array(map) }

  static func diagnostic(_ d: Diagnostic) -> JSONValue {
    .object([
      ("severity", .string(d.severity.rawValue)), ("path", .string(d.location)), ("message", .string(d.message)),
    ])
  }

  static func step(_ s: BootStep, of result: BootResult) -> JSONValue {
    .object([
      ("title", .string(s.title)), ("kernel_function", .string(s.kernelFunction)),
      ("changes", .array(s.changes.map { .string($0) })),
      ("kernel_messages", .array(result.kernelMessages(of: s).map { .string($0) })),
    ])
  }
}
