public import BootModel
internal import KernelParameters
public import MemoryModel

/// A memory map as x86 `memmap=` parameters: `memmap=exactmap` and one item per e820 entry, so
/// an x86 kernel given the line ends with exactly that table after its sanitize.
///
/// | e820 type | item |
/// |---|---|
/// | usable (1) | `SIZE@START` |
/// | reserved (2) | `SIZE$START` |
/// | ACPI data (3) | `SIZE#START` |
/// | persistent, legacy (12) | `SIZE!START` |
/// | any other (ACPI NVS 4, unusable 5, PMEM 7, soft reserved, type N) | `SIZE%START+TYPE` |
///
/// Sizes use the most compact exact unit (`64M`, `1164K`, `4097`), never rounded; starts are hex.
public struct MemmapLine: Hashable, Sendable {
  /// The parameters, in order (`memmap=exactmap` first).
  public var parameters: [String]
  /// What the line cannot say, and assumptions made.
  public var diagnostics: [Diagnostic]

  /// The line as the kernel must receive it.
  ///
  /// (Not `joined(separator:)`: the standard library's unspecialized generic looks up its
  /// associated types by mangled name on first use, a twentieth of `to-memmap`'s instructions.)
  public var text: String {
    var text = ""
    text.reserveCapacity(parameters.reduce(parameters.count) { $0 + $1.utf8.count })
    text += parameters.first ?? ""
    for parameter in parameters.dropFirst() {
      text += " "
      text += parameter
    }
    return text
  }

  public init(parameters: [String], diagnostics: [Diagnostic]) {
    self.parameters = parameters
    self.diagnostics = diagnostics
  }

  /// `COMMAND_LINE_SIZE` on x86: longer command lines are cut by the kernel.
  public static let commandLineLimit = KernelCommandLine.kernelLimit

  /// The items for a sanitized map.
  public static func items(for map: MemoryMap) -> [String] {
    // Grouped by kind (RAM first) for people; the kernel sanitizes the whole set at once, so
    // the order of the items does not change the result.
    var items: [String] = []
    for group in 0...4 {
      for region in map.regions where itemGroup(region.kind) == group {
        let size = ByteCount.compact(region.range.size)
        let start = Hex.short(region.range.start)
        guard let op = MemmapParameter.addOperator(for: region.kind) else {
          items.append("memmap=\(size)%\(start)+\(region.kind.rawValue)")
          continue
        }
        items.append("memmap=\(size)\(op)\(start)")
      }
    }
    return items
  }

  /// Where a region's item goes: usable, reserved, ACPI data, persistent, then the `%` items.
  static func itemGroup(_ kind: RegionKind) -> Int {
    switch kind {
    case .usable: 0
    case .reserved: 1
    case .acpiData: 2
    case .persistentLegacy: 3
    default: 4
    }
  }

  /// The line reproducing `map`, with what it cannot express noted.
  public static func line(for map: MemoryMap, location: String) -> MemmapLine {
    var parameters = ["memmap=exactmap"]
    parameters.append(contentsOf: items(for: map))
    var diagnostics: [Diagnostic] = []
    if map.regions.count < 2 {
      // e820__update_table() refuses tables of fewer than two entries and the kernel then
      // panics ("Invalid user supplied memory map"); an empty entry counts but adds nothing.
      parameters.append("memmap=0@0")
      diagnostics.append(
        Diagnostic(
          .info, at: location,
          "added memmap=0@0: x86 panics on an exactmap table of fewer than two entries; an empty entry counts and "
            + "vanishes"
        ))
    }
    let line = MemmapLine(parameters: parameters, diagnostics: diagnostics)
    // `text`'s length, without joining it: the parameters and one space between each two.
    let bytes = parameters.reduce(max(parameters.count - 1, 0)) { $0 + $1.utf8.count }
    if bytes >= commandLineLimit {
      return MemmapLine(
        parameters: parameters,
        diagnostics: diagnostics + [
          Diagnostic(
            .warning, at: location,
            "the line is \(bytes) bytes; an x86 kernel keeps only \(commandLineLimit - 1) "
              + "(COMMAND_LINE_SIZE) and would lose the rest"
          )
        ])
    }
    return line
  }

  /// The line for a simulated boot: its e820 view, plus what the view loses.
  public static func line(for result: BootResult, location: String) -> MemmapLine {
    var line = line(for: result.e820, location: location)
    for reservation in result.reservations {
      switch (reservation.status, reservation.origin) {
      case (.reserved, _), (.allocated, _):
        if reservation.reusable, let range = reservation.range {
          line.diagnostics.append(
            Diagnostic(
              .warning, at: reservation.path,
              "\(reservation.name) is reusable (CMA); memmap= has no such type, so it stays RAM here — on x86 use "
                + "cma=\(ByteCount.compact(range.size))@\(Hex.short(range.start))"
            ))
        } else if reservation.origin == .dynamicRegion, let range = reservation.range {
          line.diagnostics.append(
            Diagnostic(
              .info, at: reservation.path,
              "\(reservation.name) is placed by the kernel; the line fixes it at its predicted address \(range)"))
        }
      case (.estimated, .reserveMemParameter):
        line.diagnostics.append(
          Diagnostic(
            .info, at: "cmdline", "reserve_mem= works on x86 too: keep the parameter itself rather than a fixed range"))
      default: break
      }
    }
    if let first = result.memory.first, result.memory.contains(where: { $0.node != first.node }) {
      line.diagnostics.append(
        Diagnostic(
          .warning, at: location,
          "NUMA nodes \(Set(result.memory.map(\.node)).sorted()) cannot be expressed with memmap= (x86 takes them "
            + "from ACPI SRAT)"))
    }
    if result.memory.contains(where: \.hotpluggable) {
      line.diagnostics.append(
        Diagnostic(
          .warning, at: location, "hot-pluggable memory cannot be marked with memmap= (x86 takes it from ACPI SRAT)"))
    }
    return line
  }
}
