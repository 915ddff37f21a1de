public import MemoryModel

extension TreeNode {
  /// The tree as dtc source: `/dts-v1/;`, `/plugin/;` for overlays, `/memreserve/` lines, then
  /// the nodes with tabs, cells in hex, strings quoted.
  public func source(plugin: Bool = false, memoryReservations: [RegTuple] = [], header: [String] = []) -> String {
    var out = ""
    for line in header { out += line.isEmpty ? "//\n" : "// \(line)\n" }
    out += "/dts-v1/;\n"
    if plugin { out += "/plugin/;\n" }
    for entry in memoryReservations { out += "/memreserve/ \(Hex.short(entry.address)) \(Hex.short(entry.size));\n" }
    out += "\n"
    writeSource(into: &out, depth: 0, isRoot: true)
    return out
  }

  /// The children only, as source at `depth` tabs, separated by blank lines (for pasting into
  /// another tree's node).
  public func childrenSource(depth: Int) -> String {
    var out = ""
    for (index, child) in children.enumerated() {
      if index > 0 { out += "\n" }
      child.writeSource(into: &out, depth: depth, isRoot: false)
    }
    return out
  }

  func writeSource(into out: inout String, depth: Int, isRoot: Bool) {
    let indent = String(repeating: "\t", count: depth)
    out += "\(indent)\(isRoot ? "/" : name) {\n"
    for property in properties { out += "\(indent)\t\(property.sourceText);\n" }
    for (index, child) in children.enumerated() {
      if index > 0 || !properties.isEmpty { out += "\n" }
      child.writeSource(into: &out, depth: depth + 1, isRoot: false)
    }
    out += "\(indent)};\n"
  }
}

extension TreeProperty {
  /// `name = value` as dtc source writes it.
  public var sourceText: String {
    switch value {
    case .empty: return name
    case .cells(let cells): return "\(name) = <\(cells.map { Hex.short(UInt64($0)) }.joined(separator: " "))>"
    case .strings(let strings): return "\(name) = \(strings.map(TreeProperty.quoted).joined(separator: ", "))"
    case .bytes(let bytes):
      let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
      return "\(name) = [\(hex.joined(separator: " "))]"
    }
  }

  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
