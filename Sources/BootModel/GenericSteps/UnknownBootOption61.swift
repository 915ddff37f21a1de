internal import KernelParameters
internal import MemoryModel

/// Linux 6.1 has no `reserve_mem=` (it came with 6.12's mm/memblock.c `reserve_mem()`): no
/// handler claims the parameter, so `unknown_bootoption()` (init/main.c) passes it on to init as
/// an environment entry and the kernel prints it among `Unknown kernel command line parameters`.
/// Nothing is reserved, on every architecture; each occurrence is kept as a failed reservation
/// that says so.
enum UnknownBootOption61 {
  /// Marks every `reserve_mem=` of the command line as not a Linux 6.1 parameter.
  static func reserveMem(
    _ commandLine: KernelCommandLine, reservations: inout [Reservation], events: inout [BootEvent]
  ) -> [String] {
    let occurrences = commandLine.parameters.filter { $0.isNamed("reserve_mem") }
    for parameter in occurrences {
      events.append(.parameter(.passedToInit(parameter.text)))
      reservations.append(
        Reservation(
          name: parameter.text, path: "cmdline", origin: .reserveMemParameter,
          status: .failed(
            reason: "Linux 6.1 has no reserve_mem=: the kernel passes it to init as an unknown parameter and "
              + "reserves nothing")))
    }
    return occurrences.map { "\($0.text): not a Linux 6.1 parameter, passed to init; nothing reserved" }
  }
}

extension Arm64BootState {
  /// Step 11 on Linux 6.1 (`UnknownBootOption61`).
  mutating func reserveMemAbsent61(_ events: inout [BootEvent]) -> [String] {
    UnknownBootOption61.reserveMem(commandLine, reservations: &reservations, events: &events)
  }
}
