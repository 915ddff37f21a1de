internal import MemoryModel
internal import Utilities

/// The UEFI Shell's `memmap` (EDK2 ShellPkg `UefiShellDebug1CommandsLib/MemMap.c`): a header
/// `Type       Start            End              # Pages          Attributes`, then one row per
/// descriptor — short type name (`Available`, `BS_Data`, `RT_Code`, an OS/OEM type as 8 hex
/// digits), `START-END` (END inclusive), the page count and the attribute bits, all hex without
/// `0x` — then a blank line and per-type totals (ignored). `memmap -b` pages the same rows with
/// `Press ENTER to continue or 'Q' break:` lines (skipped).
///
/// `memmap -sfo` (standard-format output) is CSV: `MemoryMap,"Available","40000000","43FFFFFF",
/// "4000","8"` with the full type names (`BootServiceData`, `MemoryMappedIO`); EDK2 leaves the
/// types the specification does not name (OEM 0x70000000…, OS 0x80000000…) out of it.
enum UEFIShellMemmap {
  static func isHeader(_ line: Substring) -> Bool {
    let text = line.trimmedBlanks
    return text.hasPrefix("Type") && ByteSearch.contains("# Pages", in: text)
  }

  static func isStandardFormatRow(_ line: Substring) -> Bool { line.trimmedBlanks.hasPrefix("MemoryMap,\"") }

  static func looksLikeShell(_ lines: [Substring]) -> Bool { lines.contains(where: isHeader) }
  static func looksLikeStandardFormat(_ lines: [Substring]) -> Bool { lines.contains(where: isStandardFormatRow) }

  static func decode(_ lines: [Substring]) throws(UEFIMapDecodeError) -> UEFIMemoryMap {
    var map = UEFIMemoryMap([], format: .shell)
    var inTable = false
    for (index, line) in lines.enumerated() {
      let text = line.trimmedBlanks
      if isHeader(line) {
        if !map.descriptors.isEmpty { break }  // a second listing
        inTable = true
        continue
      }
      guard inTable else { continue }
      if text.hasPrefix("Press ENTER") { continue }
      if text.isEmpty {
        if !map.descriptors.isEmpty { inTable = false }
        continue
      }
      let fields = text.split(separator: " ")
      guard fields.count == 4 else {
        throw .line(index + 1, "a memmap row has 4 columns (Type Start-End #Pages Attributes), not \(fields.count)")
      }
      switch row(type: fields[0], range: fields[1], pages: fields[2], attributes: fields[3]) {
      case .success(let descriptor): map.descriptors.append(descriptor)
      case .failure(let why): throw .line(index + 1, why.description)
      }
    }
    guard !map.descriptors.isEmpty else { throw UEFIMapDecodeError("input", "no memmap rows after the header") }
    return map
  }

  static func decodeStandardFormat(_ lines: [Substring]) throws(UEFIMapDecodeError) -> UEFIMemoryMap {
    var map = UEFIMemoryMap([], format: .shellStandardFormat)
    for (index, line) in lines.enumerated() where isStandardFormatRow(line) {
      let fields = line.trimmedBlanks.split(separator: ",", omittingEmptySubsequences: false).map { field in
        field.trimmedBlanks.hasPrefix("\"") && field.trimmedBlanks.hasSuffix("\"") && field.trimmedBlanks.count >= 2
          ? field.trimmedBlanks.dropFirst().dropLast() : field.trimmedBlanks
      }
      guard fields.count == 6 else {
        throw .line(
          index + 1, "a MemoryMap row has 6 fields (MemoryMap,Type,Start,End,Pages,Attributes), not \(fields.count)")
      }
      switch row(type: fields[1], first: fields[2], last: fields[3], pages: fields[4], attributes: fields[5]) {
      case .success(let descriptor): map.descriptors.append(descriptor)
      case .failure(let why): throw .line(index + 1, why.description)
      }
    }
    guard !map.descriptors.isEmpty else { throw UEFIMapDecodeError("input", "no MemoryMap rows") }
    return map
  }

  static func row(type: Substring, range: Substring, pages: Substring, attributes: Substring)
    -> Result<UEFIMemoryDescriptor, Why>
  {
    let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
    guard bounds.count == 2 else { return .failure("'\(range.prefix(40))' is not START-END") }
    return row(type: type, first: bounds[0], last: bounds[1], pages: pages, attributes: attributes)
  }

  static func row(type: Substring, first: Substring, last: Substring, pages: Substring, attributes: Substring)
    -> Result<UEFIMemoryDescriptor, Why>
  {
    guard let kind = UEFIMemoryType(name: type) else {
      return .failure("'\(type.prefix(40))' is not a memory type the UEFI Shell prints")
    }
    guard let start = UEFIHexText.digits(first) else {
      return .failure(Why("start " + UEFIHexText.problem(first, prefixed: false)))
    }
    guard let end = UEFIHexText.digits(last) else {
      return .failure(Why("end " + UEFIHexText.problem(last, prefixed: false)))
    }
    guard let count = UEFIHexText.digits(pages) else {
      return .failure(Why("page count " + UEFIHexText.problem(pages, prefixed: false)))
    }
    guard let bits = UEFIHexText.digits(attributes) else {
      return .failure(Why("attributes " + UEFIHexText.problem(attributes, prefixed: false)))
    }
    let result = UEFIMemoryDescriptor.inclusive(
      type: kind, first: start, last: end, attributes: UEFIMemoryAttributes(rawValue: bits))
    if case .success(let descriptor) = result, descriptor.pages != count {
      return .failure(
        Why(
          "\(Hex.short(count)) pages do not span \(Hex.short(start))-\(Hex.short(end)) "
            + "(\(Hex.short(descriptor.pages)) pages)"))
    }
    return result
  }
}
