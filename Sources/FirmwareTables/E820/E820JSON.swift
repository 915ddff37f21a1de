public import MemoryModel
public import Utilities

/// dtmem's own JSON: any object with an `e820` array of `{"start": "0x…", "size": "0x…",
/// "type": NAME}` (the map document of `simulate --json`, or `to-e820 --format json`). Numbers
/// are strings (`0x` hex, or decimal); types are the kernel's dmesg names (`usable`, `reserved`,
/// `ACPI data`, `persistent (type 12)`, `type 20`, …).
public enum E820JSON {
  public static func decode(_ bytes: [UInt8]) throws(E820DecodeError) -> E820Listing {
    let document: JSONValue
    do {
      document = try JSONValue.parse(bytes)
    } catch {
      throw E820DecodeError("byte \(error.offset)", "invalid JSON: \(error.message)")
    }
    guard case .object = document else { throw E820DecodeError("document", "not a JSON object") }
    guard let table = document["e820"] else { throw E820DecodeError("document", "no \"e820\" member") }
    guard let items = table.arrayValue else { throw E820DecodeError("e820", "not an array") }
    var entries: [MapEntry] = []
    entries.reserveCapacity(items.count)
    for (index, item) in items.enumerated() {
      let path = "e820[\(index)]"
      guard case .object = item else { throw E820DecodeError(path, "not an object") }
      let start = try number(item["start"], at: path + ".start")
      let size = try number(item["size"], at: path + ".size")
      guard let typeValue = item["type"] else { throw E820DecodeError(path + ".type", "missing") }
      guard let name = typeValue.stringValue else { throw E820DecodeError(path + ".type", "not a string") }
      guard let kind = RegionKind(dmesgName: Substring(name)) else {
        throw E820DecodeError(
          path + ".type",
          "'\(name.prefix(40))' is not an e820 type name (usable, reserved, ACPI data, ACPI NVS, unusable, persistent "
            + "(type 12), soft reserved, type N)"
        )
      }
      guard PhysicalRange(start: start, size: size) != nil else {
        throw E820DecodeError(
          path, "start \(Hex.short(start)) + size \(Hex.short(size)) runs past the end of the 64-bit address space")
      }
      entries.append(MapEntry(start: start, size: size, kind: kind))
    }
    return E820Listing(label: "json", entries: entries)
  }

  static func number(_ value: JSONValue?, at path: String) throws(E820DecodeError) -> UInt64 {
    guard let value else { throw E820DecodeError(path, "missing") }
    guard let text = value.stringValue else {
      throw E820DecodeError(path, "not a string (addresses are \"0x…\" strings)")
    }
    let body = Substring(text)
    if body.hasPrefix("0x") || body.hasPrefix("0X") {
      guard let parsed = E820Hex.prefixed(body) else {
        throw E820DecodeError(path, E820Hex.problem(body, prefixed: true))
      }
      return parsed
    }
    guard !body.isEmpty, body.utf8.count <= 20, body.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
      let parsed = UInt64(body)
    else {
      throw E820DecodeError(path, "'\(body.prefix(40))' is not a 0x hex or decimal number that fits in 64 bits")
    }
    return parsed
  }

  /// The e820 array of the contract's map document.
  public static func array(_ map: MemoryMap) -> JSONValue {
    .array(
      map.regions.map { region in
        .object([
          ("start", .string(Hex.short(region.range.start))), ("size", .string(Hex.short(region.range.size))),
          ("type", .string(region.kind.dmesgName)),
        ])
      })
  }

  /// `{"e820": […]}`.
  public static func document(_ map: MemoryMap) -> JSONValue { .object([("e820", array(map))]) }
}
