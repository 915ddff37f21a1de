internal import FirmwareTables
internal import MemoryModel

/// Steps 1 and 3: the firmware table and the user-defined map.
extension X86BootState {
  /// `e820__memory_setup_default()`: `append_e820_table()` adds every entry (the table's
  /// capacity applies), `e820__update_table()` sanitizes, and the table is printed.
  mutating func loadFirmwareTable(_ events: inout [BootEvent]) -> [String] {
    var notes: [String] = []
    let entries = firmware.entries
    // No table at all is `X86Boot.runWithoutFirmware`, not a firmware that handed over too few.
    if entries.count == 1 {
      diagnostics.append(
        Diagnostic(
          .warning, at: "firmware table",
          "the table has \(entries.count) entr\(entries.count == 1 ? "y" : "ies"); Linux 6.12 distrusts a boot_params "
            + "table with fewer than 2 and builds one from the BIOS e801/88 memory sizes instead (not modelled: dtmem "
            + "uses the table as given)"
        ))
    }
    var ignored: [BootEvent] = []
    for entry in entries { table.add(entry.start, entry.size, entry.kind, events: &ignored) }
    if table.count < entries.count {
      notes.append("\(entries.count - table.count) entries beyond E820_MAX_ENTRIES (\(table.capacity)) dropped")
      events.append(contentsOf: ignored)
    }
    switch table.sanitized() {
    case .success(let map):
      table.replace(with: map)
      firmwareMap = map
    case .failure(let failure):
      // The kernel ignores the failure and keeps the table as it is.
      firmwareMap = Self.bestEffortMap(table.entries, capacity: table.capacity)
      if case .entryWraps(let entry) = failure {
        diagnostics.append(
          Diagnostic(
            .warning, at: "firmware table",
            "the entry \(E820Table.describe(entry.start, entry.size)) ends at or past 2^64, so e820__update_table() "
              + "refuses the table and the kernel keeps it unsorted; a user-defined map then panics"
          ))
      }
    }
    events.append(.e820(.firmwareTable(label: firmware.label, entries: table.entries)))
    notes.append(
      "\(Digits.decimal(table.count)) entries: \(ByteCount.human(firmwareMap.totalSize(of: .usable))) usable")
    finalMap = firmwareMap
    return notes
  }

  /// `e820__finish_early_params()`: with `userdef`, one sanitize of everything the parameters did;
  /// a table that cannot be sanitized panics the kernel.
  mutating func finishEarlyParameters(_ events: inout [BootEvent]) -> [String] {
    guard userDefined else {
      return ["no memmap=/mem= asked for a user-defined map: the table stays as the firmware gave it"]
    }
    switch table.sanitized() {
    case .failure(let failure):
      let why: String
      switch failure {
      case .fewerThanTwoEntries(let count):
        why = "the table holds \(count) entr\(count == 1 ? "y" : "ies") (e820__update_table() needs at least 2)"
      case .entryWraps(let entry):
        why = "the entry \(E820Table.describe(entry.start, entry.size)) ends at or past 2^64"
      }
      diagnostics.append(Diagnostic(.error, at: commandLineSource, "Invalid user supplied memory map: \(why)"))
      // early_panic(): the message, then the panic (no user-defined map is printed).
      stop(BootStop(.invalidUserMemoryMap(failure)), &events)
      return ["the kernel panics: \(why)"]
    case .success(let map):
      table.replace(with: map)
      finalMap = map
      events.append(.e820(.userDefinedMap(map)))
      guard request.recordsChanges else { return [] }
      return [
        "\(map.regions.count) entries: \(ByteCount.human(map.totalSize(of: .usable))) usable (firmware: "
          + "\(ByteCount.human(firmwareMap.totalSize(of: .usable))))"
      ]
    }
  }

  /// A sanitized view of a table the kernel could not sanitize: entries that wrap dropped.
  static func bestEffortMap(_ entries: [MapEntry], capacity: Int) -> MemoryMap {
    let kept = entries.filter { $0.start &+ $0.size >= $0.start }
    return (try? MemoryMap.sanitized(kept, capacity: capacity)) ?? .empty
  }
}
