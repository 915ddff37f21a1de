internal import MemoryModel
public import Utilities

/// dtmem's JSON for a UEFI map: an object with an `efi_memmap` array of `{"type": NAME,
/// "start": "0x…", "pages": "0x…", "attributes": "0x…"}` (type by any name the readers take, or
/// a number) and optional `"memattr"` / `"memreserve"` addresses. What `--json` writes (with
/// `"size"`, `"end"` and `"flags"` added for people) reads back.
public enum UEFIMemoryMapJSON {
  public static func looksLikeJSON(_ document: JSONValue) -> Bool { document["efi_memmap"] != nil }

  public static func decode(_ document: JSONValue) throws(UEFIMapDecodeError) -> UEFIMemoryMap {
    guard let items = document["efi_memmap"]?.arrayValue else {
      throw UEFIMapDecodeError("efi_memmap", "not an array")
    }
    var map = UEFIMemoryMap([], format: .json)
    for (index, item) in items.enumerated() {
      let path = "efi_memmap[\(index)]"
      guard case .object = item else { throw UEFIMapDecodeError(path, "not an object") }
      guard let typeName = item["type"]?.stringValue else {
        throw UEFIMapDecodeError(path + ".type", "missing or not a string")
      }
      guard let type = UEFIMemoryType(name: Substring(typeName)) else {
        throw UEFIMapDecodeError(path + ".type", "'\(typeName.prefix(40))' is not a UEFI memory type name")
      }
      let start = try number(item["start"], at: path + ".start")
      let pages = try number(item["pages"], at: path + ".pages")
      let attributes = try number(item["attributes"], at: path + ".attributes")
      let descriptor = UEFIMemoryDescriptor(
        type: type, physicalStart: start, pages: pages, attributes: UEFIMemoryAttributes(rawValue: attributes))
      guard descriptor.range != nil else {
        throw UEFIMapDecodeError(
          path, "\(Hex.short(pages)) pages from \(Hex.short(start)) pass the end of the 64-bit space (or are none)")
      }
      map.descriptors.append(descriptor)
    }
    if document["memattr"] != nil { map.memoryAttributesTable = try number(document["memattr"], at: "memattr") }
    if document["memreserve"] != nil { map.memReserveTable = try number(document["memreserve"], at: "memreserve") }
    guard !map.descriptors.isEmpty else { throw UEFIMapDecodeError("efi_memmap", "empty") }
    return map
  }

  static func number(_ value: JSONValue?, at path: String) throws(UEFIMapDecodeError) -> UInt64 {
    guard let text = value?.stringValue else { throw UEFIMapDecodeError(path, "missing or not a \"0x…\" string") }
    guard let parsed = E820Hex.prefixed(Substring(text)) else {
      throw UEFIMapDecodeError(path, E820Hex.problem(Substring(text), prefixed: true))
    }
    return parsed
  }

  /// The `efi_memmap` array.
  public static func array(_ map: UEFIMemoryMap) -> JSONValue {
    .array(
      map.descriptors.map { descriptor in
        let size = descriptor.range?.size ?? 0
        return .object([
          ("type", .string(descriptor.type.kernelName)), ("start", .string(Hex.short(descriptor.physicalStart))),
          ("pages", .string(Hex.short(descriptor.pages))), ("size", .string(Hex.short(size))),
          ("attributes", .string(Hex.short(descriptor.attributes.rawValue))),
          ("flags", .string(descriptor.attributes.names)),
        ])
      })
  }

  /// `{"efi_memmap": […], "memattr": …}`: what `decode` reads.
  public static func members(_ map: UEFIMemoryMap) -> [(String, JSONValue)] {
    var members: [(String, JSONValue)] = [("efi_memmap", array(map))]
    if let table = map.memoryAttributesTable { members.append(("memattr", .string(Hex.short(table)))) }
    if let table = map.memReserveTable { members.append(("memreserve", .string(Hex.short(table)))) }
    return members
  }
}
