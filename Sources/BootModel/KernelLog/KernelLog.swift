/// How one kernel version on one architecture prints boot events: the only place its words
/// live. `--format kernel-log`, `--explain`, rules that quote the kernel, and the conformance
/// replays all read the lines from here.
public protocol KernelLogRenderer: Sendable {
  /// The lines the kernel prints for `event`, without timestamps; none for an event it does not
  /// print.
  func lines(for event: BootEvent) -> [String]
  /// What the kernel says when it stops: the panic message (`Invalid user supplied memory map`)
  /// or the BUG line (`kernel BUG at arch/x86/kernel/e820.c:469!`).
  func message(for stop: BootStop) -> String
}

extension KernelLogRenderer {
  /// The lines for events in order.
  public func lines(for events: [BootEvent]) -> [String] { events.flatMap { lines(for: $0) } }

  /// One event's lines as one string (for quoting in a message).
  public func line(for event: BootEvent) -> String { lines(for: event).joined(separator: " ") }
}

/// The renderers, by architecture and kernel version. A new kernel version adds its renderer
/// here (usually a small type that says what it prints differently and hands every other event
/// to the previous version's).
public enum KernelLog {
  public static func renderer(_ architecture: Architecture, _ kernel: KernelVersion) -> any KernelLogRenderer {
    switch (architecture, kernel) {
    case (.arm64, .v6_12): Arm64KernelLog()
    case (.arm64, .v6_1): Arm64KernelLog61()
    // x86's e820 code prints the same in both; 6.1's crashkernel= messages differ.
    case (.x86, .v6_12): X86KernelLog()
    case (.x86, .v6_1): X86KernelLog61()
    }
  }
}
