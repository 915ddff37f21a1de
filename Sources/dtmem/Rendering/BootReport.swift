import BootModel
import FirmwareTables
import MemoryModel

/// The human-readable form of a boot result: final memory, reservations, e820 view, and with
/// `--explain` every step, what it changed and what the kernel prints.
enum BootReport {
  static func text(_ outcome: Simulation.Outcome, input: String, explain: Bool) -> String {
    let result = outcome.result
    var out = "\(input): \(result.architecture.rawValue) boot model (Linux \(result.kernel))\n"
    out += outcome.commandLineLine + "\n"
    if explain {
      out += "\n"
      for (index, step) in result.steps.enumerated() {
        out += "\(index + 1). \(step.title)  — \(step.kernelFunction)\n"
        let messages = result.kernelMessages(of: step)
        if step.changes.isEmpty && messages.isEmpty { out += "     (no change)\n" }
        for change in step.changes { out += "     \(change)\n" }
        for message in messages { out += "     kernel: \(message)\n" }
      }
    }
    out += "\nMemory\n"
    out += Table.memory(result.memory)
    if !result.reservations.isEmpty {
      out += "\nReservations (kernel order)\n"
      out += Table.reservations(result.reservations)
      let reasons = result.reservations.filter { $0.status.reason != nil }
      if !reasons.isEmpty {
        out += "\n"
        for r in reasons { out += "  \(r.name): \(r.status.reason!)\n" }
      }
    }
    if !result.kernelAllocations.isEmpty {
      out += "\nKernel allocations (predicted)\n"
      out += Table.reservations(result.kernelAllocations)
    }
    if result.architecture == .x86, let final = result.finalE820, final != result.e820 {
      out += "\ne820 table as the kernel prints it (\(result.e820Label))\n"
      out += E820Dmesg.render(result.e820, indent: "  ")
      out += "\ne820 table the kernel ends with (after trim_bios_range(): what /proc/iomem shows)\n"
      out += E820Dmesg.render(final, indent: "  ")
    } else {
      out += result.architecture == .x86 ? "\ne820 table\n" : "\ne820 view\n"
      out += E820Dmesg.render(result.e820, indent: "  ")
    }
    out += diagnostics(result)
    return out
  }

  /// The model's diagnostics after a blank line, one per line; empty when there are none.
  static func diagnostics(_ result: BootResult) -> String {
    result.diagnostics.isEmpty
      ? "" : "\n" + result.diagnostics.map { "\($0.severity.rawValue): \($0.location): \($0.message)\n" }.joined()
  }

  static func reservationRow(_ r: Reservation) -> [String] {
    let flags = [r.noMap ? "nomap" : "", r.reusable ? "reusable" : ""].filter { !$0.isEmpty }.joined(separator: ",")
    guard let range = r.range else {
      return [r.status.name, "-", "-", r.requestedSize.map(ByteCount.human) ?? "-", flags, r.name]
    }
    return [
      r.status.name, Hex.padded(range.start), range.isEmpty ? "-" : Hex.padded(range.last), ByteCount.human(range.size),
      flags, r.name,
    ]
  }
}

/// Left-aligned columns separated by two spaces.
enum Table {
  static func render(header: [String], rows: [[String]], indent: String = "  ") -> String {
    var widths = header.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], cell.count)
      }
    }
    func line(_ cells: [String]) -> String {
      var text = indent
      for (index, cell) in cells.enumerated() {
        let isLast = index == cells.count - 1
        text += isLast ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
      }
      while text.hasSuffix(" ") { text.removeLast() }
      return text + "\n"
    }
    return line(header) + rows.map(line).joined()
  }

  /// Reservations (or kernel allocations): status, where, size, flags, name.
  static func reservations(_ list: [Reservation]) -> String {
    render(header: ["STATUS", "START", "END", "SIZE", "FLAGS", "NAME"], rows: list.map(BootReport.reservationRow))
  }

  /// Memory as the kernel keeps it: one row per memblock region, with its node and flags.
  static func memory(_ blocks: [MemoryBlock]) -> String {
    render(
      header: ["START", "END", "SIZE", "NODE", "FLAGS"],
      rows: blocks.map { block in
        [
          Hex.padded(block.range.start), Hex.padded(block.range.last), ByteCount.human(block.range.size),
          String(block.node),
          [block.noMap ? "nomap" : "", block.hotpluggable ? "hotplug" : ""].filter { !$0.isEmpty }.joined(
            separator: ","),
        ]
      })
  }
}
