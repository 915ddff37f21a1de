public import MemoryModel

/// The kernel command line a boot runs with, as given (before the kernel cuts it to
/// `COMMAND_LINE_SIZE`: `BootRequest.kernelCommandLine`), and where it came from.
public struct BootCommandLine: Hashable, Sendable {
  /// Where a command line came from; its description is how messages name it.
  public enum Source: Hashable, Sendable, CustomStringConvertible {
    /// Given to dtmem directly; the text names how (`--cmdline`, `--boot-cmdline`).
    case given(String)
    /// Read from a file (`--cmdline-file`): its path, or `<stdin>`.
    case file(String)
    /// A device tree's `/chosen/bootargs`; the text is the `/chosen` node's path.
    case bootargs(String)
    /// The `Command line:` line of a kernel log; the text names the log.
    case kernelLog(String)
    /// No command line at all.
    case none

    public var description: String {
      switch self {
      case .given(let how): how
      case .file(let path): path
      case .bootargs(let chosen): "\(chosen)/bootargs"
      case .kernelLog(let name): "\(name): Command line"
      case .none: "no command line"
      }
    }
  }

  public var text: String
  public var source: Source

  public init(_ text: String, source: Source) {
    self.text = text
    self.source = source
  }

  public static let empty = BootCommandLine("", source: .none)

  /// A device tree's `/chosen/bootargs`, when it has one.
  public static func bootargs(of board: BoardMemory) -> BootCommandLine? {
    guard let chosen = board.chosen, let bootargs = chosen.bootargs else { return nil }
    return BootCommandLine(bootargs, source: .bootargs(chosen.path))
  }

  /// Whether the text came with the input (bootargs, a log's line) rather than from the user:
  /// another input brings its own.
  var comesWithInput: Bool {
    switch source {
    case .bootargs, .kernelLog, .none: true
    case .given, .file: false
    }
  }
}
