public import MemoryModel
internal import Utilities

/// What a kernel log says about e820: the tables it printed and the command line.
///
/// Read: `LABEL: [mem 0xSTART-0xEND] TYPE` lines (END inclusive, as `e820__print_table()` prints
/// them), anywhere in a line — after `[    0.000000] ` timestamps, `<6>` levels, syslog or
/// journal prefixes. Labels: `BIOS-e820`, `BIOS-e801`, `BIOS-88`, `Xen` (the firmware table),
/// `extended` (the firmware table again after `SETUP_E820_EXT` entries were appended), `user`
/// (after `memmap=`/`mem=`). The 2.6-era form `BIOS-e820: 0000000000000000 - 000000000009fc00
/// (usable)` (exclusive end) and 7.x spellings (two spaces, `System RAM`, `[gap …]` lines) read
/// too. Lines without a label, `[mem 0x%016llx-0x%016llx] TYPE` (what `dtmem … --format dmesg`
/// prints), form the table when no labelled line exists. Every other line is ignored.
///
/// A log of several boots (a second `BIOS-provided physical RAM map:` header, or firmware lines
/// after a `user:` table) is read up to the end of the first boot; `bootCount` says how many.
public struct E820KernelLog: Hashable, Sendable {
  /// `BIOS-e820:` (or `BIOS-e801:`, `BIOS-88:`, `Xen:`) lines: the table firmware handed over.
  public var firmware: E820Listing?
  /// `extended:` lines: the whole firmware table after `parse_setup_data()` appended the
  /// `SETUP_E820_EXT` entries and sanitized again.
  public var extended: E820Listing?
  /// `user:` lines, after `user-defined physical RAM map:` (empty when the header came alone).
  public var user: E820Listing?
  /// `[mem …] TYPE` lines without a label (only when no labelled line exists).
  public var unlabelled: E820Listing?
  /// x86's own `Command line: …` line (the match is case-sensitive, so arm64's `Kernel command
  /// line:` does not count), the first one.
  public var commandLine: String?
  /// How many boots the log holds; only the first is read.
  public var bootCount: Int

  /// The table the kernel parameters act on: `extended` when printed, else `BIOS-e820`
  /// (else unlabelled lines).
  public var firmwareTable: E820Listing? { extended ?? firmware ?? unlabelled }

  /// The table the boot ended with: `user` when printed, else the firmware table.
  public var finalTable: E820Listing? { user ?? firmwareTable }

  static let firmwareLabels: Set<Substring> = ["BIOS-e820", "BIOS-e801", "BIOS-88", "Xen"]

  /// Reads a log. Throws for a labelled line that cannot be read, and when no table is found.
  public static func decode(_ bytes: [UInt8]) throws(E820DecodeError) -> E820KernelLog {
    var log = E820KernelLog(bootCount: 0)
    var firmware: [MapEntry] = []
    var firmwareLines: [Int] = []
    var firmwareLabel: Substring? = nil
    var extended: [MapEntry] = []
    var extendedLines: [Int] = []
    var user: [MapEntry] = []
    var userLines: [Int] = []
    var unlabelled: [MapEntry] = []
    var unlabelledLines: [Int] = []
    var sawExtendedHeader = false
    var sawUserHeader = false
    var finished = false
    var lineNumber = 0
    for line in TextLines.split(bytes) {
      lineNumber += 1
      guard line.utf8.contains(0x3a) || line.utf8.contains(0x5b) else { continue }
      let header = ByteSearch.contains("BIOS-provided physical RAM map:", in: line)
      let labelled = Self.labelled(line)
      let firmwareLine = labelled.map { Self.firmwareLabels.contains($0.0) } ?? false
      let laterTables = !user.isEmpty || sawUserHeader || !extended.isEmpty || sawExtendedHeader
      if header || (labelled != nil && log.bootCount == 0) || (firmwareLine && laterTables && !finished) {
        log.bootCount += 1
        if log.bootCount > 1 { finished = true }
      }
      if finished || header { continue }
      if ByteSearch.contains("user-defined physical RAM map:", in: line) {
        sawUserHeader = true
        continue
      }
      if ByteSearch.contains("extended physical RAM map:", in: line) {
        sawExtendedHeader = true
        continue
      }
      if log.commandLine == nil, let rest = Self.after("Command line: ", in: line) {
        log.commandLine = String(rest)
        continue
      }
      guard let (label, body) = labelled else {
        if let entry = Self.unlabelledEntry(line) {
          unlabelled.append(entry)
          unlabelledLines.append(lineNumber)
        }
        continue
      }
      let entry: MapEntry
      switch Self.entry(body) {
      case .success(let parsed): entry = parsed
      case .failure(let why): throw .line(lineNumber, "\(label): \(why)")
      }
      if Self.firmwareLabels.contains(label) {
        firmwareLabel = firmwareLabel ?? label
        firmware.append(entry)
        firmwareLines.append(lineNumber)
      } else if label == "extended" {
        extended.append(entry)
        extendedLines.append(lineNumber)
      } else {
        user.append(entry)
        userLines.append(lineNumber)
      }
    }
    if let firmwareLabel {
      log.firmware = E820Listing(label: String(firmwareLabel), entries: firmware, lines: firmwareLines)
    }
    if !extended.isEmpty || sawExtendedHeader {
      log.extended = E820Listing(label: "extended", entries: extended, lines: extendedLines)
    }
    if !user.isEmpty || sawUserHeader { log.user = E820Listing(label: "user", entries: user, lines: userLines) }
    if log.firmware == nil && log.extended == nil && log.user == nil {
      guard !unlabelled.isEmpty else {
        throw E820DecodeError("input", "no e820 table: no BIOS-e820:, extended: or user: [mem …] lines")
      }
      log.unlabelled = E820Listing(label: "dmesg", entries: unlabelled, lines: unlabelledLines)
    }
    log.bootCount = max(log.bootCount, 1)
    return log
  }

  /// The text after the first occurrence of `marker`.
  static func after(_ marker: String, in line: Substring) -> Substring? {
    guard let range = ByteSearch.firstRange(of: marker, in: line) else { return nil }
    return line[range.upperBound...]
  }

  /// `LABEL: REST` for a known label at a word start: the label and REST.
  static func labelled(_ line: Substring) -> (Substring, Substring)? {
    for label in ["BIOS-e820", "BIOS-e801", "BIOS-88", "Xen", "extended", "user"] {
      var search = line[...]
      while let range = ByteSearch.firstRange(of: label + ": ", in: search) {
        let before = range.lowerBound == line.startIndex ? nil : line[line.index(before: range.lowerBound)]
        if before == nil || before == " " || before == "]" || before == ">" || before == ":" || before == "\t" {
          let rest = line[range.upperBound...]
          // Only a line that goes on like a table line counts (`Xen: ` occurs elsewhere too).
          let body = rest.drop { $0 == " " }
          if body.hasPrefix("[mem ") || body.first.map({ $0.isHexDigit }) == true {
            return (Substring(label), body)
          }
        }
        search = line[range.upperBound...]
      }
    }
    return nil
  }

  /// `[mem 0xSTART-0xEND] TYPE` (END inclusive), or the 2.6-era `START - END (TYPE)` (END exclusive).
  static func entry(_ body: Substring) -> Result<MapEntry, Why> {
    if body.hasPrefix("[mem ") {
      let inner = body.dropFirst(5)
      guard let close = inner.firstIndex(of: "]") else { return .failure("no ']' after '[mem'") }
      let bounds = inner[..<close]
      guard let dash = bounds.firstIndex(of: "-") else {
        return .failure("'[mem \(bounds.prefix(40))]' is not START-END")
      }
      let startText = bounds[..<dash]
      let endText = bounds[bounds.index(after: dash)...]
      guard let first = E820Hex.prefixed(startText) else {
        return .failure(Why(E820Hex.problem(startText, prefixed: true)))
      }
      guard let last = E820Hex.prefixed(endText) else { return .failure(Why(E820Hex.problem(endText, prefixed: true))) }
      let name = trimmed(inner[inner.index(after: close)...])
      guard let kind = RegionKind(dmesgName: name) else {
        return .failure(name.isEmpty ? "no type after the range" : "'\(name.prefix(40))' is not an e820 type name")
      }
      return MapEntry.inclusive(first: first, last: last, kind: kind)
    }
    // `%016Lx - %016Lx (%s)`, end exclusive.
    let parts = body.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
    guard parts.count == 4, parts[1] == "-", parts[3].hasPrefix("("), parts[3].hasSuffix(")") else {
      return .failure("expected [mem 0xSTART-0xEND] TYPE")
    }
    guard let start = E820Hex.digits(parts[0]) else { return .failure(Why(E820Hex.problem(parts[0], prefixed: false))) }
    guard let end = E820Hex.digits(parts[2]) else { return .failure(Why(E820Hex.problem(parts[2], prefixed: false))) }
    guard end >= start else {
      return .failure("the range ends (\(Hex.short(end))) before it starts (\(Hex.short(start)))")
    }
    let name = parts[3].dropFirst().dropLast()
    guard let kind = RegionKind(dmesgName: name) else {
      return .failure("'\(name.prefix(40))' is not an e820 type name")
    }
    return .success(MapEntry(start: start, size: end - start, kind: kind))
  }

  /// A whole line `[mem 0x%016llx-0x%016llx] TYPE`, after an optional timestamp.
  static func unlabelledEntry(_ line: Substring) -> MapEntry? {
    var rest = line.drop { $0 == " " || $0 == "\t" }
    if rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") { rest = rest[rest.index(after: close)...] }
    if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
      rest[rest.index(after: rest.startIndex)..<close].allSatisfy({ $0 == " " || $0 == "." || $0.isNumber })
    {
      rest = rest[rest.index(after: close)...].drop { $0 == " " }
    }
    guard rest.hasPrefix("[mem 0x"), rest.utf8.count >= 43 else { return nil }
    let bytes = Array(rest.utf8.prefix(43))
    // "[mem 0x" 16 "-0x" 16 "]": exactly the kernel's %016llx widths.
    guard bytes[23] == 0x2d, bytes[24] == 0x30, bytes[25] == 0x78, bytes[42] == 0x5d,
      bytes[7..<23].allSatisfy(E820Hex.isHexDigit), bytes[26..<42].allSatisfy(E820Hex.isHexDigit)
    else { return nil }
    guard case .success(let entry) = entry(rest) else { return nil }
    return entry
  }

  /// Whether a line holds an e820 table line (labelled, or unlabelled `[mem 0x%016llx-…] TYPE`),
  /// for input detection.
  public static func isTableLine(_ line: Substring) -> Bool {
    if let (_, body) = labelled(line), case .success = entry(body) { return true }
    return unlabelledEntry(line) != nil
  }

  static func trimmed(_ text: Substring) -> Substring {
    var result = text.drop { $0 == " " || $0 == "\t" }
    while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
    return result
  }
}

/// Writing tables as the kernel prints them.
public enum E820Dmesg {
  /// `[mem 0x%016llx-0x%016llx] TYPE` per region (END inclusive), each line prefixed with
  /// `LABEL: ` when a label is given (`BIOS-e820`, `user`).
  public static func render(_ map: MemoryMap, label: String? = nil, indent: String = "") -> String {
    var out = ""
    for region in map.regions {
      out += indent
      if let label { out += label + ": " }
      out += line(region.range, region.kind) + "\n"
    }
    return out
  }

  /// One table line without label: `[mem 0x%016llx-0x%016llx] TYPE`.
  public static func line(_ range: PhysicalRange, _ kind: RegionKind) -> String {
    "[mem \(Hex.padded(range.start))-\(Hex.padded(range.last))] \(kind.dmesgName)"
  }

  /// A raw firmware entry as `e820__print_table()` prints it: the last address wraps like the
  /// kernel's `start + size - 1` (a size-0 entry prints its start minus one).
  public static func line(_ entry: MapEntry) -> String {
    "[mem \(Hex.padded(entry.start))-\(Hex.padded(entry.start &+ entry.size &- 1))] \(entry.kind.dmesgName)"
  }
}
