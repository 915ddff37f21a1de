#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// What the terminal on standard output can show: its width, and whether to colour.
enum Terminal {
  /// Standard output is a terminal.
  static var isTerminal: Bool { isatty(1) == 1 }

  /// The terminal's columns (TIOCGWINSZ, else `COLUMNS`), or 80 when standard output is not a
  /// terminal.
  static var width: Int {
    guard isTerminal else { return 80 }
    var size = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let text = getenv("COLUMNS").map({ String(cString: $0) }), let columns = Int(text), columns > 0 { return columns }
    return 80
  }

  /// ANSI colour: on a terminal, unless `NO_COLOR` is set to anything non-empty (no-color.org).
  static var colour: Bool {
    guard isTerminal else { return false }
    if let value = getenv("NO_COLOR"), value.pointee != 0 { return false }
    return true
  }
}
