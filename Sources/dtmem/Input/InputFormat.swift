import FirmwareTables
import Utilities

/// What an input is, decided from its content (never from its name).
enum InputFormat: String, Equatable {
  /// A flattened device tree blob (magic d00dfeed).
  case deviceTreeBlob = "device tree blob"
  /// Device tree source (`/dts-v1/`), compiled with dtc.
  case deviceTreeSource = "device tree source"
  /// A kernel log with `BIOS-e820:` (or `user:`/`extended:`) lines.
  case kernelLog = "kernel log (e820 lines)"
  /// `/proc/iomem`.
  case iomem = "/proc/iomem"
  /// A `/sys/firmware/memmap` directory.
  case sysfsMemmap = "/sys/firmware/memmap directory"
  /// `N/start:0x…` lines, as `grep -r . /sys/firmware/memmap` prints them.
  case sysfsListing = "/sys/firmware/memmap listing"
  /// dtmem's own `--json` map output.
  case dtmemJSON = "dtmem JSON"
  /// A UEFI memory map: the kernel's `efi=debug` lines, UEFI Shell `memmap` (`-sfo`), U-Boot
  /// `efidebug memmap`, or dtmem JSON with `efi_memmap`.
  case uefiMemoryMap = "UEFI memory map"
  /// A kernel command line holding `memmap=` / `mem=` parameters.
  case commandLine = "kernel command line"

  /// Decides the format of file content. `nil` when nothing matches.
  static func detect(_ bytes: [UInt8]) -> InputFormat? {
    if bytes.count >= 4, bytes[0] == 0xd0, bytes[1] == 0x0d, bytes[2] == 0xfe, bytes[3] == 0xed {
      return .deviceTreeBlob
    }
    // Text formats: look at the first few KiB only.
    let head = String(decoding: bytes.prefix(64 << 10), as: UTF8.self)
    let firstToken = head.drop { $0.isWhitespace || $0 == "\u{feff}" }
    if firstToken.hasPrefix("{") {
      return ByteSearch.contains("\"efi_memmap\"", in: Substring(head)) ? .uefiMemoryMap : .dtmemJSON
    }
    if isDeviceTreeSource(head) { return .deviceTreeSource }
    var sawIomemLine = false
    var sawSysfsLine = false
    var sawMemmapParameter = false
    for line in head.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).prefix(4096) {
      if Self.kernelLogMarkers.contains(where: { ByteSearch.contains($0, in: line) }) { return .kernelLog }
      if E820KernelLog.isTableLine(line) { return .kernelLog }
      if E820Iomem.isLine(line) { sawIomemLine = true }
      if E820Sysfs.isTextLine(line) { sawSysfsLine = true }
      if Self.parameterMarkers.contains(where: { ByteSearch.contains($0, in: line) }) { sawMemmapParameter = true }
    }
    if UEFIMemoryMap.looksLikeTextMap(Array(head.utf8)) { return .uefiMemoryMap }
    if sawIomemLine { return .iomem }
    if sawSysfsLine { return .sysfsListing }
    if sawMemmapParameter { return .commandLine }
    return nil
  }

  static let kernelLogMarkers = ["BIOS-e820:", "user: [mem ", "extended: [mem ", "BIOS-e801:", "BIOS-88:"].map {
    Array($0.utf8)
  }
  /// memmap=, and mem= (which reserve_mem= contains).
  static let parameterMarkers = ["memmap=", "mem="].map { Array($0.utf8) }

  /// `/dts-v1/;` after optional comments and whitespace — or, in a kernel-tree source whose
  /// `/dts-v1/;` is in what it includes, `#include` or `/include/` first.
  static func isDeviceTreeSource(_ text: String) -> Bool {
    var rest = Substring(text)
    while true {
      rest = rest.drop { $0.isWhitespace || $0 == "\u{feff}" }
      if rest.hasPrefix("//") {
        rest = rest.drop { $0 != "\n" }
      } else if rest.hasPrefix("/*") {
        guard let end = ByteSearch.firstRange(of: "*/", in: rest) else { return false }
        rest = rest[end.upperBound...]
      } else {
        return rest.hasPrefix("/dts-v1/") || rest.hasPrefix("#include") || rest.hasPrefix("/include/")
      }
    }
  }
}
