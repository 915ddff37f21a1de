internal import BootModel
internal import MemoryModel

/// `unit-address-mismatch`: a node's unit address is not the value of its first reg address.
struct UnitAddressMismatch: Rule {
  let id = "unit-address-mismatch"
  let severity = Severity.warning
  let summary = "A node's unit address differs from its first reg address (compared by value)."
  let documentation = """
    The kernel takes addresses from reg only; the unit address (memory@80000000, \
    ramoops@bff00000) is a name. It goes stale when a bootloader rewrites reg (U-Boot's \
    fdt_fixup_memory_banks() never renames the node) or a board file overrides reg through a \
    &label without renaming, and then every log line, /proc/device-tree path and \
    /sys/firmware/devicetree name points people at the wrong address. Compared by value, so \
    leading zeros and the hi,lo form (memory@1,0) match their reg.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    var nodes: [(path: String, reg: RegList?)] = context.board.memoryNodes.map { ($0.path, $0.reg) }
    nodes += context.reservedChildren.map { ($0.path, $0.reg) }
    nodes += context.board.persistentRegions.map { ($0.path, $0.reg) }
    var findings: [Finding] = []
    for node in nodes {
      guard let first = node.reg?.tuples.first else { continue }
      let name = node.path.split(separator: "/").last ?? ""
      guard let at = name.firstIndex(of: "@") else { continue }
      let unit = name[name.index(after: at)...]
      guard let value = deviceTreeUnitAddressValue(of: name) else {
        findings.append(
          finding(at: node.path, "unit address '\(unit)' is not hexadecimal; reg starts at \(Hex.short(first.address))")
        )
        continue
      }
      if value != first.address {
        findings.append(
          finding(
            at: node.path,
            "unit address \(unit) (\(Hex.short(value))) is not the first reg address \(Hex.short(first.address)): the "
              + "name is stale or reg is wrong; Linux uses reg"
          ))
      }
    }
    return findings
  }
}
