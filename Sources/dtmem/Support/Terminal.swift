#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The terminal on standard output, when there is one: its width, and whether to colour.
struct Terminal: Sendable {
  var width: Int
  var colour: Bool

  /// Standard output's terminal (TIOCGWINSZ, else `COLUMNS`, else 80 columns; colour unless
  /// `NO_COLOR` is set to anything non-empty, no-color.org), or nil when it is not a terminal.
  static var standardOutput: Terminal? {
    guard isatty(1) == 1 else { return nil }
    var width = 80
    var size = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      width = Int(size.ws_col)
    } else if let text = getenv("COLUMNS").map({ String(cString: $0) }), let columns = Int(text), columns > 0 {
      width = columns
    }
    let noColour = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
    return Terminal(width: width, colour: !noColour)
  }
}
