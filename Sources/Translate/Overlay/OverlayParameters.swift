public import KernelParameters
internal import MemoryModel

/// One memory parameter of the command line, parsed with the kernel's own grammar (KernelParameters'
/// `MemmapParameter`, `X86MemParameter`, `ReserveMemParameter`), in command-line order.
public enum ParameterRequest: Hashable, Sendable {
  /// One comma-separated item of a `memmap=` occurrence.
  case memmap(MemmapItem)
  /// `mem=` with its x86 meaning (an address limit).
  case mem(X86MemParameter)
  /// `reserve_mem=SIZE:ALIGN:NAME`.
  case reserveMem(Result<ReserveMemParameter, ReserveMemParameter.Rejection>)
}

/// A request and the parameter it came from (`memmap=64M$0x90000000`), for messages.
public struct ParameterEntry: Hashable, Sendable {
  public var parameter: String
  /// The item's text within the parameter (`64M$0x90000000`), or the whole parameter.
  public var text: String
  public var request: ParameterRequest

  public init(parameter: String, text: String, request: ParameterRequest) {
    self.parameter = parameter
    self.text = text
    self.request = request
  }
}

extension ParameterEntry {
  /// A `memmap=` item that adds RAM (`nn@ss`, `nn%ss+1`).
  var addsRAM: Bool {
    guard case .memmap(let item) = request, case .add(_, let size, let kind) = item.operation else { return false }
    return kind == .usable && size != 0
  }
}

/// The parameters `to-overlay` translates, split out of a kernel command line.
public struct OverlayParameters: Hashable, Sendable {
  public var entries: [ParameterEntry]
  public var ramoops: RamoopsSettings
  /// Parameters arm64 understands itself (`cma=`, `crashkernel=`, …): kept, not translated.
  public var understoodByArm64: [String]

  public init(_ commandLine: KernelCommandLine) {
    var entries: [ParameterEntry] = []
    var kept: [String] = []
    for parameter in commandLine.parameters {
      if parameter.isNamed("memmap") {
        for item in MemmapParameter.parse(parameter.value) {
          entries.append(ParameterEntry(parameter: parameter.text, text: item.text, request: .memmap(item)))
        }
      } else if parameter.isNamed("mem") {
        entries.append(
          ParameterEntry(
            parameter: parameter.text, text: parameter.text, request: .mem(X86MemParameter.parse(parameter.value))))
      } else if parameter.isNamed("reserve_mem") {
        entries.append(
          ParameterEntry(
            parameter: parameter.text, text: parameter.text,
            request: .reserveMem(ReserveMemParameter.parse(parameter.value))))
      } else if ["cma", "crashkernel", "numa", "movable_node"].contains(where: parameter.isNamed) {
        kept.append(parameter.text)
      }
    }
    self.entries = entries
    self.ramoops = RamoopsSettings(commandLine)
    self.understoodByArm64 = kept
  }
}
