internal import MemoryModel
internal import Utilities

/// U-Boot's `efidebug memmap` (cmd/efidebug.c `do_efi_show_memmap()`), as U-Boot 2023.01 built
/// with `CMD_EFIDEBUG` prints it (Tests/Fixtures/efi/uboot-efidebug-memmap.txt; what comes before
/// the header — `No EFI system partition`, a terminal escape — is skipped):
///
/// ```
/// Type             Start            End              Attributes
/// ================ ================ ================ ==========
/// CONVENTIONAL     0000000040000000-00000000bdda0000 WB
/// RUNTIME DATA     00000000bdda2000-00000000bdda3000 WB|RT
/// ```
///
/// `%-16s` type (`efi_mem_type_string[]`: `CONVENTIONAL`, `BOOT DATA`, `ACPI RECLAIM MEM`, `IO`,
/// …; `(unknown)` beyond them), `%.16llx-%.16llx` with the END **exclusive** (start + pages ×
/// 4 KiB), then the attribute names joined by `|`: UC, WC, WT, WB, UCE, WP, RP, XP, NV, REL
/// (more reliable), RO, SP, RT (runtime). Older U-Boot prints XP as `WP` and UC twice; both
/// read. An `(unknown)` type cannot be told apart: it is refused.
enum UBootEfidebugMemmap {
  static let attributeNames: [(String, UEFIMemoryAttributes)] = [
    ("UC", .uncacheable), ("WC", .writeCombining), ("WT", .writeThrough), ("WB", .writeBack),
    ("UCE", .uncacheableExported), ("WP", .writeProtected), ("RP", .readProtected), ("XP", .executeProtected),
    ("NV", .nonVolatile), ("REL", .moreReliable), ("RO", .readOnly), ("SP", .specificPurpose),
    ("CRYPTO", .cpuCrypto), ("RT", .runtime),
  ]

  static func isHeader(_ line: Substring) -> Bool {
    let text = line.trimmedBlanks
    return text.hasPrefix("Type") && ByteSearch.contains("Attributes", in: text)
      && !ByteSearch.contains("# Pages", in: text)
  }

  static func looksLikeEfidebug(_ lines: [Substring]) -> Bool { lines.contains(where: isHeader) }

  static func decode(_ lines: [Substring]) throws(UEFIMapDecodeError) -> UEFIMemoryMap {
    var map = UEFIMemoryMap([], format: .uBootEfidebug)
    var inTable = false
    for (index, line) in lines.enumerated() {
      let text = line.trimmedBlanks
      if isHeader(line) {
        if !map.descriptors.isEmpty { break }
        inTable = true
        continue
      }
      guard inTable, !text.hasPrefix("=") else { continue }
      if text.isEmpty || text.hasPrefix("=>") {
        if !map.descriptors.isEmpty { break }  // the prompt after the listing
        continue
      }
      switch row(text) {
      case .success(let descriptor): map.descriptors.append(descriptor)
      case .failure(let why): throw .line(index + 1, why.description)
      }
    }
    guard !map.descriptors.isEmpty else {
      throw UEFIMapDecodeError("input", "no efidebug memmap rows after the header")
    }
    return map
  }

  static func row(_ text: Substring) -> Result<UEFIMemoryDescriptor, Why> {
    let words = text.split(separator: " ")
    guard
      let rangeIndex = words.firstIndex(where: { word in
        let parts = word.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(E820Hex.isHexDigit) }
      })
    else {
      return .failure("no START-END (16 hex digits each) in '\(text.prefix(60))'")
    }
    let typeName = words[..<rangeIndex].joined(separator: " ")
    guard typeName != "(unknown)" else {
      return .failure("type '(unknown)': U-Boot does not print which; give the map in another format")
    }
    guard let type = UEFIMemoryType(name: Substring(typeName)) else {
      return .failure("'\(typeName.prefix(40))' is not a memory type efidebug prints")
    }
    let bounds = words[rangeIndex].split(separator: "-")
    guard let start = UEFIHexText.digits(bounds[0]), let end = UEFIHexText.digits(bounds[1]) else {
      return .failure("'\(words[rangeIndex].prefix(40))' does not fit in 64 bits")
    }
    var attributes = UEFIMemoryAttributes()
    for word in words[(rangeIndex + 1)...] {
      for name in word.split(separator: "|") {
        guard let bit = attributeNames.first(where: { $0.0 == name })?.1 else {
          return .failure("'\(name.prefix(20))' is not an attribute efidebug prints")
        }
        attributes.insert(bit)
      }
    }
    guard end > start else { return .failure("the range ends (\(Hex.short(end))) at or before its start") }
    return UEFIMemoryDescriptor.inclusive(type: type, first: start, last: end - 1, attributes: attributes)
  }
}
