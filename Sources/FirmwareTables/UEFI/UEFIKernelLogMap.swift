internal import MemoryModel
internal import Utilities

/// The UEFI memory map in a kernel log booted with `efi=debug`: after `efi: Processing EFI
/// memory map:`, one line per descriptor as `efi_md_typeattr_format()` (drivers/firmware/efi/efi.c,
/// 6.12) prints it — `efi:   0x%012llx-0x%012llx [%-12s|RUN|HP|MR|CC|SP|NV|XP|RP|WP|RO|UCE|WB|WT|WC|UC]`,
/// END inclusive, a clear flag blank-padded to its width, an unknown type as `type=N`, unknown
/// attribute bits as `|attr=0x%016llx]`. The kernel formats into 64 bytes, so a long type name
/// cuts the last columns (and the `]`); what is cut reads as clear.
///
/// Lines may carry console prefixes (`[    0.000000] `, `<6>`). The `efi: … MEMATTR=0x…
/// MEMRESERVE=0x…` line of `efi_config_parse_tables()` gives those tables' addresses, `efi: EFI
/// v2.7 by EDK II` the vendor. A second `Processing EFI memory map:` (a second boot) ends the map.
enum UEFIKernelLogMap {
  static let header = "efi: Processing EFI memory map:"

  /// Whether `line` is a descriptor line (`efi:` then spaces then `0x`).
  static func descriptorText(_ line: Substring) -> Substring? {
    guard let efi = ByteSearch.firstRange(of: "efi:", in: line) else { return nil }
    let rest = line[efi.upperBound...]
    let body = rest.drop { $0 == " " }
    guard body.count < rest.count, body.hasPrefix("0x") else { return nil }
    return body
  }

  static func looksLikeLog(_ lines: [Substring]) -> Bool {
    lines.contains { ByteSearch.firstRange(of: header, in: $0) != nil || descriptorText($0) != nil }
  }

  static func decode(_ lines: [Substring]) throws(UEFIMapDecodeError) -> UEFIMemoryMap {
    var map = UEFIMemoryMap([], format: .kernelLog)
    var headers = 0
    for (index, line) in lines.enumerated() {
      let number = index + 1
      if ByteSearch.firstRange(of: header, in: line) != nil {
        headers += 1
        if headers > 1 { break }
        continue
      }
      if let body = descriptorText(line) {
        switch descriptor(body) {
        case .success(let descriptor): map.descriptors.append(descriptor)
        case .failure(let why): throw .line(number, "\(why) (in '\(line.prefix(100))')")
        }
        continue
      }
      guard let efi = ByteSearch.firstRange(of: "efi:", in: line) else { continue }
      let rest = line[efi.upperBound...]
      if let by = ByteSearch.firstRange(of: " by ", in: rest), ByteSearch.firstRange(of: "EFI v", in: rest) != nil {
        map.firmwareVendor = String(rest[by.upperBound...].trimmedBlanks)
      }
      map.memoryAttributesTable = map.memoryAttributesTable ?? table("MEMATTR=", in: rest)
      map.memReserveTable = map.memReserveTable ?? table("MEMRESERVE=", in: rest)
    }
    guard !map.descriptors.isEmpty else {
      throw UEFIMapDecodeError("input", "no 'efi:   0x…-0x… [Type|…]' lines (boot the kernel with efi=debug)")
    }
    return map
  }

  static func table(_ name: String, in text: Substring) -> UInt64? {
    guard let at = ByteSearch.firstRange(of: name, in: text) else { return nil }
    let value = text[at.upperBound...].prefix { !$0.isWhitespace }
    return UEFIHexText.prefixed(value)
  }

  /// `0x…-0x… [Type|flags…]`.
  static func descriptor(_ body: Substring) -> Result<UEFIMemoryDescriptor, Why> {
    guard let dash = body.firstIndex(of: "-") else { return .failure("no '-' between start and end") }
    let startText = body[..<dash]
    let afterDash = body[body.index(after: dash)...]
    let endText = afterDash.prefix { $0 != " " }
    guard let first = UEFIHexText.prefixed(startText) else {
      return .failure(Why("start " + UEFIHexText.problem(startText, prefixed: true)))
    }
    guard let last = UEFIHexText.prefixed(endText) else {
      return .failure(Why("end " + UEFIHexText.problem(endText, prefixed: true)))
    }
    let bracketed = afterDash.dropFirst(endText.count).drop { $0 == " " }
    guard bracketed.hasPrefix("[") else { return .failure("no '[Type|attributes]' after the range") }
    var fields = bracketed.dropFirst().split(separator: "|", omittingEmptySubsequences: false)
    if let lastField = fields.last, lastField.hasSuffix("]") { fields[fields.count - 1] = lastField.dropLast() }
    let typeName = fields.first?.trimmedBlanks ?? ""
    guard let type = UEFIMemoryType(name: typeName) else {
      return .failure("'\(typeName.prefix(40))' is not a memory type the kernel prints")
    }
    var attributes = UEFIMemoryAttributes()
    let flags = fields.dropFirst()
    if let raw = flags.first, raw.hasPrefix("attr=") {
      guard let value = UEFIHexText.prefixed(raw.dropFirst(5)) else {
        return .failure(Why("attribute " + UEFIHexText.problem(raw.dropFirst(5), prefixed: true)))
      }
      attributes = UEFIMemoryAttributes(rawValue: value)
    } else {
      for (column, flag) in zip(UEFIMemoryAttributes.kernelColumns, flags) {
        let text = flag.trimmedBlanks
        if text.isEmpty { continue }
        guard text == column.name else {
          return .failure("attribute column '\(text.prefix(20))' where the kernel prints \(column.name) or blanks")
        }
        attributes.insert(column.bit)
      }
    }
    return UEFIMemoryDescriptor.inclusive(type: type, first: first, last: last, attributes: attributes)
  }
}

extension StringProtocol {
  /// Without leading and trailing blanks and tabs.
  var trimmedBlanks: Substring {
    let text = Substring(self)
    let head = text.drop { $0 == " " || $0 == "\t" }
    var end = head.endIndex
    while end > head.startIndex, head[head.index(before: end)] == " " || head[head.index(before: end)] == "\t" {
      end = head.index(before: end)
    }
    return head[..<end]
  }
}

/// Hex numbers as the maps print them.
enum UEFIHexText {
  static func prefixed(_ text: Substring) -> UInt64? { E820Hex.prefixed(text) }
  static func digits(_ text: Substring) -> UInt64? { E820Hex.digits(text) }
  static func problem(_ text: Substring, prefixed: Bool) -> String { E820Hex.problem(text, prefixed: prefixed) }
}
