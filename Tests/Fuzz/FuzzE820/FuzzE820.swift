// libFuzzer target: the e820 readers — kernel log, /proc/iomem, sysfs listing and directory,
// dtmem JSON — then sanitize and the x86 boot model over what they read (tools/fuzz builds and
// runs it). A table that reads must survive its own dmesg and JSON forms: both read back to the
// same sanitized map.
import BootModel
import FirmwareTables
import FuzzSupport
import MemoryModel

/// The sysfs directory reader over the input cut into entries (blank lines) of start/end/type.
func directories(_ bytes: [UInt8]) -> [E820Sysfs.EntryFiles] {
  let text = String(decoding: bytes, as: UTF8.self)
  return text.split(separator: "\n\n", omittingEmptySubsequences: false).prefix(64).enumerated().map { index, entry in
    let fields = entry.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    return E820Sysfs.EntryFiles(
      name: String(index), start: fields.count > 0 ? fields[0] : nil, end: fields.count > 1 ? fields[1] : nil,
      type: fields.count > 2 ? fields[2] : nil)
  }
}

func exercise(_ entries: [MapEntry]) {
  // A table that sanitizes to nothing is refused by the commands (FirmwareTableInput.sanitizedMap):
  // nothing writes it, so it has no dmesg or JSON form to read back.
  guard let map = try? MemoryMap.sanitized(entries), !map.regions.isEmpty else { return }
  let dmesg = Array(E820Dmesg.render(map, label: "BIOS-e820").utf8)
  let again = try! E820KernelLog.decode(dmesg).firmwareTable!.entries
  precondition(try! MemoryMap.sanitized(again) == map, "the dmesg form does not read back")
  let json = Array(E820JSON.document(map).rendered().utf8)
  precondition(try! MemoryMap.sanitized(E820JSON.decode(json).entries) == map, "the JSON form does not read back")
  guard entries.count <= 256 else { return }
  let commandLine = BootCommandLine("memmap=64M$0x10000000 mem=3G", source: .given("FuzzE820"))
  _ = try? Boot.run(BootRequest(.e820(E820Firmware(entries)), commandLine: commandLine))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if let log = try? E820KernelLog.decode(bytes) {
    for table in [log.firmware, log.extended, log.user, log.unlabelled] {
      if let table { exercise(table.entries) }
    }
  }
  if let listing = try? E820Iomem.decode(bytes) { exercise(listing.entries) }
  if let listing = try? E820Sysfs.decodeText(bytes) { exercise(listing.entries) }
  if let listing = try? E820Sysfs.decode(directories(bytes)) { exercise(listing.entries) }
  if let listing = try? E820JSON.decode(bytes) { exercise(listing.entries) }
  return 0
}

@_cdecl("FuzzE820_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runLibFuzzer(argc, argv, fuzz)
}
