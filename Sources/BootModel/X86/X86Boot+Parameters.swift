internal import FirmwareTables
internal import KernelParameters
internal import MemoryModel

/// Step 2: `parse_early_param()` calls the `memmap` and `mem` handlers (arch/x86/kernel/e820.c,
/// Linux 6.12) once per occurrence, in command-line order, all editing one unsorted table.
extension X86BootState {
  mutating func applyEarlyParameters() {
    for parameter in commandLine.parameters where stopped == nil {
      if parameter.isNamed("memmap") {
        step(parameter.text, "parse_memmap_opt() → parse_memmap_one() (arch/x86/kernel/e820.c)") { boot, events in
          boot.applyMemmap(parameter, &events)
        }
      } else if parameter.isNamed("mem") {
        step(parameter.text, "parse_memopt() (arch/x86/kernel/e820.c)") { boot, events in
          boot.applyMem(parameter, &events)
        }
      }
    }
  }

  /// One `memmap=` occurrence: every comma-separated item, in order; the handler's return value
  /// is ignored, so the kernel never complains.
  mutating func applyMemmap(_ parameter: KernelParameter, _ events: inout [BootEvent]) -> [String] {
    let items = MemmapParameter.parse(parameter.value)
    guard !items.isEmpty else { return ["no value: nothing happens"] }
    var notes: [String] = []
    for item in items where stopped == nil {
      for problem in item.problems {
        note(&notes, "'\(item.text)': \(problem)")
        diagnostics.append(Diagnostic(.warning, at: commandLineSource, "\(parameter.text): '\(item.text)': \(problem)"))
      }
      if item.setsUserDefinedMap { userDefined = true }
      switch item.operation {
      case .ignored, .nothing:
        break
      case .exactmap:
        note(&notes, "exactmap: the table is emptied (\(table.count) entries dropped)")
        table.removeAll()
      case .add(let start, let size, let kind):
        if table.add(start, size, kind, events: &events) {
          note(&notes, "add \(E820Table.describe(start, size)) \(kind.dmesgName)")
        } else {
          note(
            &notes,
            "\(E820Table.describe(start, size)) \(kind.dmesgName) dropped: the table is full (\(table.capacity) "
              + "entries)"
          )
        }
      case .retype(let start, let size, let from, let to):
        guard from != to else {
          // BUG_ON(old_type == new_type) in __e820__range_update(): an early exception, no panic line.
          diagnostics.append(
            Diagnostic(
              .error, at: commandLineSource,
              "\(parameter.text): '\(item.text)' retypes \(from.dmesgName) to itself (BUG_ON in __e820__range_update)"))
          stop(BootStop(.rangeUpdateToSameType(from)), &events)
          note(&notes, "'\(item.text)': the kernel hits BUG() and stops")
          break
        }
        let changed = table.update(start, size, from: from, to: to, events: &events)
        note(
          &notes,
          "retype \(from.dmesgName) → \(to.dmesgName) in "
            + "\(E820Table.describe(start, PhysicalRange(start: start, cappedSize: size).size)): "
            + "\(ByteCount.human(changed))"
        )
      case .remove(let start, let size, let kind):
        let removed = table.remove(start, size, only: kind, events: &events)
        note(
          &notes,
          "remove \(kind.map { $0.dmesgName + " " } ?? "everything ")in "
            + "\(E820Table.describe(start, PhysicalRange(start: start, cappedSize: size).size)): "
            + "\(ByteCount.human(removed))"
        )
      case .removeUsableAbove(let limit):
        let removed = table.remove(limit, UInt64.max - limit, only: .usable, events: &events)
        note(&notes, "remove usable at and above \(Hex.short(limit)): \(ByteCount.human(removed))")
      }
    }
    return notes
  }

  /// `parse_memopt()`: an address limit for usable RAM.
  mutating func applyMem(_ parameter: KernelParameter, _ events: inout [BootEvent]) -> [String] {
    let option = X86MemParameter.parse(parameter.value)
    if option.setsUserDefinedMap { userDefined = true }
    switch option {
    case .nopentium: events += [.parameter(.memNopentium), .parameter(.malformedEarlyOption("mem"))]
    case .missingValue, .zero: events.append(.parameter(.malformedEarlyOption("mem")))
    case .limit: break
    }
    switch option {
    case .missingValue:
      return ["no value: rejected"]
    case .nopentium:
      return ["nopentium only means something on 32-bit x86: rejected"]
    case .zero(let value):
      diagnostics.append(
        Diagnostic(
          .warning, at: commandLineSource,
          "mem=\(value) reads as 0: the kernel rejects it, but the map still counts as user-defined"))
      return ["'\(value)' reads as 0: rejected, nothing removed (the map still counts as user-defined)"]
    case .limit(let limit, let ignoredText):
      var notes: [String] = []
      if let ignoredText {
        notes.append("'\(ignoredText)' after the number is ignored")
        diagnostics.append(
          Diagnostic(
            .warning, at: commandLineSource, "\(parameter.text): the kernel ignores '\(ignoredText)' after the number"))
      }
      let removed = table.remove(limit, UInt64.max - limit, only: .usable, events: &events)
      notes.append("remove usable at and above \(Hex.short(limit)): \(ByteCount.human(removed))")
      return notes
    }
  }
}

extension X86BootState {
  /// Appends a step's note when the request keeps them (`recordsChanges`); otherwise the text
  /// is never built.
  func note(_ notes: inout [String], _ text: @autoclosure () -> String) {
    if request.recordsChanges { notes.append(text()) }
  }
}
