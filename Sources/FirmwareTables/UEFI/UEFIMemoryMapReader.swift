internal import Utilities

/// Reads a UEFI memory map in any format dtmem knows, told apart by content: dtmem's JSON
/// (`{"efi_memmap": …}`), U-Boot `efidebug memmap`, UEFI Shell `memmap` and `memmap -sfo`, and a
/// kernel log with `efi=debug` lines (checked last: the others carry no `efi:` lines).
extension UEFIMemoryMap {
  public static func decode(_ bytes: [UInt8]) throws(UEFIMapDecodeError) -> UEFIMemoryMap {
    if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0a && $0 != 0x0d }), first == 0x7b {
      let document: JSONValue
      do {
        document = try JSONValue.parse(bytes)
      } catch {
        throw UEFIMapDecodeError("byte \(error.offset)", "invalid JSON: \(error.message)")
      }
      guard UEFIMemoryMapJSON.looksLikeJSON(document) else {
        throw UEFIMapDecodeError("document", "no \"efi_memmap\" member")
      }
      return try UEFIMemoryMapJSON.decode(document)
    }
    let lines = TextLines.split(bytes)
    if UEFIKernelLogMap.looksLikeLog(lines) { return try UEFIKernelLogMap.decode(lines) }
    if UEFIShellMemmap.looksLikeStandardFormat(lines) { return try UEFIShellMemmap.decodeStandardFormat(lines) }
    if UEFIShellMemmap.looksLikeShell(lines) { return try UEFIShellMemmap.decode(lines) }
    if UBootEfidebugMemmap.looksLikeEfidebug(lines) { return try UBootEfidebugMemmap.decode(lines) }
    throw UEFIMapDecodeError(
      "input",
      "not a UEFI memory map: expected efi=debug kernel lines ('efi:   0x…-0x… [Type|…]'), UEFI Shell memmap or "
        + "memmap -sfo output, U-Boot efidebug memmap output, or dtmem JSON with \"efi_memmap\"")
  }

  /// Whether `bytes` look like a UEFI map in one of the text formats (for input detection;
  /// JSON is told by its `efi_memmap` member).
  public static func looksLikeTextMap(_ bytes: [UInt8]) -> Bool {
    let lines = TextLines.split(bytes)
    return UEFIKernelLogMap.looksLikeLog(lines) || UEFIShellMemmap.looksLikeStandardFormat(lines)
      || UEFIShellMemmap.looksLikeShell(lines) || UBootEfidebugMemmap.looksLikeEfidebug(lines)
  }
}
