import BootModel
import FirmwareTables
import MemoryModel
import Utilities

/// `dtmem show`: the input's memory facts next to what the boot model makes of them.
enum ShowReport {
  /// A memory bank as the input states it.
  struct Bank {
    var path: String
    var range: PhysicalRange
    var numaNode: UInt32?
    var source: String
    var isAvailable: Bool
  }

  /// The banks the model uses: `--memory` when given (the blob's own nodes are then listed as
  /// replaced), else the memory nodes'.
  static func banks(_ board: BoardMemory, memory override: [PhysicalRange]? = nil) -> [Bank] {
    var banks: [Bank] = (override ?? []).map {
      Bank(path: "--memory", range: $0, numaNode: nil, source: "option", isAvailable: true)
    }
    for node in board.memoryNodes {
      let source = node.bankSourceName
      for range in node.banks {
        let state = override != nil ? ", replaced by --memory" : node.isAvailable ? "" : ", disabled"
        banks.append(
          Bank(
            path: node.path, range: range, numaNode: node.numaNodeID, source: source + state,
            isAvailable: node.isAvailable && override == nil))
      }
    }
    return banks
  }

  /// Gaps between the memory the kernel keeps, from its lowest to its highest address.
  static func holes(_ memory: [MemoryBlock]) -> [PhysicalRange] {
    var holes: [PhysicalRange] = []
    let sorted = memory.map(\.range).sorted()
    var end: UInt128? = nil
    for range in sorted {
      if let end, end < UInt128(range.start), let hole = PhysicalRange(start: UInt64(end), end: UInt128(range.start)) {
        holes.append(hole)
      }
      end = max(end ?? 0, range.end)
    }
    return holes
  }

  static func text(_ input: LoadedInput, _ outcome: Simulation.Outcome) -> String {
    let pageSize = outcome.request.pageSize
    let result = outcome.result
    var out = ""
    switch input {
    case .deviceTree(let tree):
      let board = tree.board
      out += "\(tree.name): \(board.model ?? "device tree")\n"
      let cells = "<\(board.rootCells.address) \(board.rootCells.size)>"
      let stated = board.rootStatesAddressCells && board.rootStatesSizeCells ? "" : " (kernel default)"
      out +=
        "  \(result.architecture.rawValue) boot model, Linux \(result.kernel), "
        + "\(ByteCount.compact(pageSize.bytes)) pages; root cells \(cells)\(stated)\n"
      out += "  " + outcome.commandLineLine + "\n"
      let override = outcome.request.memoryOverride
      out +=
        override == nil
        ? "\nMemory banks (device tree)\n" : "\nMemory banks (--memory; the device tree's are replaced)\n"
      out += Table.render(
        header: ["START", "END", "SIZE", "NUMA", "SOURCE"],
        rows: banks(board, memory: override).map { bank in
          [
            Hex.padded(bank.range.start), Hex.padded(bank.range.last), ByteCount.human(bank.range.size),
            bank.numaNode.map(String.init) ?? "-", "\(bank.path) \(bank.source)",
          ]
        })
      if let chosen = board.chosen {
        var rows: [[String]] = []
        if let initrd = chosen.initrd, let range = initrd.range {
          rows.append(["initrd", "\(range) \(ByteCount.human(range.size))"])
        }
        for (index, tuple) in (chosen.usableMemoryRange?.tuples ?? []).enumerated() {
          if let range = tuple.range {
            rows.append(["linux,usable-memory-range[\(index)]", "\(range) \(ByteCount.human(range.size))"])
          }
        }
        if let header = chosen.elfCoreHeader?.tuples.first, let range = header.range {
          rows.append(["linux,elfcorehdr", "\(range) \(ByteCount.human(range.size))"])
        }
        if !rows.isEmpty {
          out += "\n\(chosen.path)\n"
          out += Table.render(header: ["PROPERTY", "RANGE"], rows: rows)
        }
      }
    case .firmwareTable(let table):
      out += "\(table.name): \(table.format.rawValue), \(table.entries.count) entries\n"
      out += "  \(result.architecture.rawValue) boot model, Linux \(result.kernel); \(outcome.commandLineLine)\n"
      out += "\nFirmware table\n"
      out += table.entries.map { "  " + E820Dmesg.line($0) + "\n" }.joined()
    }

    out += "\nMemory the kernel keeps\n"
    out += Table.memory(result.memory)
    let holes = holes(result.memory)
    if !holes.isEmpty {
      out += "\nHoles between memory\n"
      out += Table.render(
        header: ["START", "END", "SIZE"],
        rows: holes.map { [Hex.padded($0.start), Hex.padded($0.last), ByteCount.human($0.size)] })
    }
    if !result.reservations.isEmpty {
      out += "\nReservations (in the kernel's order)\n"
      out += Table.render(
        header: ["STATUS", "KIND", "START", "END", "SIZE", "FLAGS", "NAME"],
        rows: result.reservations.map { r in
          var row = BootReport.reservationRow(r)
          row.insert(r.origin.rawValue, at: 1)
          return row
        })
      var details = ""
      for r in result.reservations {
        if r.origin == .dynamicRegion, let size = r.requestedSize {
          var request = "size \(ByteCount.human(size))"
          if let alignment = r.alignment { request += ", align \(Hex.short(alignment))" }
          if !r.allocRanges.isEmpty {
            request +=
              ", alloc-ranges "
              + r.allocRanges.map { "\(Hex.short($0.address))+\(Hex.short($0.size))" }.joined(separator: " ")
          }
          details += "  \(r.name): \(request)\n"
        }
        if let reason = r.status.reason { details += "  \(r.name): \(r.status.name): \(reason)\n" }
      }
      if !details.isEmpty { out += "\n" + details }
    }
    if !result.kernelAllocations.isEmpty {
      out += "\nKernel allocations (predicted; the kernel places them after everything above)\n"
      out += Table.reservations(result.kernelAllocations)
      // Why a failed one failed (cma=, crashkernel= too large, …).
      let reasons = result.kernelAllocations.compactMap { r in
        r.status.name == "failed" ? r.status.reason.map { "  \(r.name): failed: \($0)\n" } : nil
      }
      if !reasons.isEmpty { out += "\n" + reasons.joined() }
    }
    out += CostReport.text(CostReport.costs(result, outcome.request))
    out += "\ne820 view\n"
    out += E820Dmesg.render(result.e820, indent: "  ")
    out += BootReport.diagnostics(result)
    return out
  }

  static func json(_ input: LoadedInput, _ outcome: Simulation.Outcome) -> JSONValue {
    guard
      case .object(var members) = MapDocument.render(
        outcome.result, input: input.name, commandLine: outcome.commandLine, explain: false)
    else {
      return .null
    }
    if case .deviceTree(let tree) = input {
      let board = tree.board
      if let model = board.model { members.insert(("model", .string(model)), at: 3) }
      members.append(
        (
          "banks",
          .array(
            banks(board, memory: outcome.request.memoryOverride).map { bank in
              var fields: [(String, JSONValue)] = [
                ("path", .string(bank.path)), ("start", MapDocument.hex(bank.range.start)),
                ("size", MapDocument.hex(bank.range.size)), ("source", .string(bank.source)),
              ]
              if let node = bank.numaNode { fields.append(("numa_node", .int(Int(node)))) }
              fields.append(("used", .bool(bank.isAvailable)))
              return .object(fields)
            })
        ))
      if let chosen = board.chosen {
        var fields: [(String, JSONValue)] = [("path", .string(chosen.path))]
        if let bootargs = chosen.bootargs { fields.append(("bootargs", .string(bootargs))) }
        if let initrd = chosen.initrd {
          fields.append(
            ("initrd", .object([("start", MapDocument.hex(initrd.address)), ("size", MapDocument.hex(initrd.size))])))
        }
        if let ranges = chosen.usableMemoryRange {
          fields.append(
            (
              "usable_memory_range",
              .array(
                ranges.tuples.map {
                  .object([("start", MapDocument.hex($0.address)), ("size", MapDocument.hex($0.size))])
                })
            ))
        }
        if let header = chosen.elfCoreHeader?.tuples.first {
          fields.append(
            (
              "elfcorehdr",
              .object([("start", MapDocument.hex(header.address)), ("size", MapDocument.hex(header.size))])
            ))
        }
        members.append(("chosen", .object(fields)))
      }
    }
    members.append(
      (
        "holes",
        .array(
          holes(outcome.result.memory).map {
            .object([("start", MapDocument.hex($0.start)), ("size", MapDocument.hex($0.size))])
          })
      ))
    members.append(("costs", CostReport.json(CostReport.costs(outcome.result, outcome.request))))
    return .object(members)
  }
}
