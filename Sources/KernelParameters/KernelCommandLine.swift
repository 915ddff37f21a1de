/// One `name[=value]` token of a kernel command line.
public struct KernelParameter: Hashable, Sendable {
  /// The name as written (`reserve-mem`, `memmap`).
  public var name: String
  /// The value, with surrounding quotes removed as the kernel removes them; nil without `=`.
  public var value: String?
  /// The byte offset of the token in the command line (for messages).
  public var offset: Int
  /// The byte offset just past the token (quotes included).
  public var end: Int

  public init(name: String, value: String?, offset: Int, end: Int? = nil) {
    self.name = name
    self.value = value
    self.offset = offset
    self.end = end ?? offset + (value.map { name.utf8.count + 1 + $0.utf8.count } ?? name.utf8.count)
  }

  /// `parameq()` (kernel/params.c): names match when equal with `-` and `_` interchangeable.
  /// (Byte by byte: the boot models ask it of every parameter for every name they handle.)
  public func isNamed(_ wanted: String) -> Bool {
    name.utf8.elementsEqual(wanted.utf8) { Self.canonical($0) == Self.canonical($1) }
  }

  /// The name with every `-` written `_`: equal for exactly the names `parameq()` matches.
  public var canonicalName: String { Self.canonical(name) }

  static func canonical(_ name: String) -> String {
    String(decoding: name.utf8.map(canonical), as: UTF8.self)
  }

  static func canonical(_ byte: UInt8) -> UInt8 { byte == UInt8(ascii: "-") ? UInt8(ascii: "_") : byte }

  /// The token as the kernel reassembles it (`name=value`).
  public var text: String { value.map { "\(name)=\($0)" } ?? name }
}

/// A kernel command line split into parameters exactly as `parse_args()`/`next_arg()`
/// (kernel/params.c, lib/cmdline.c; Linux 6.12) split it: whitespace separates tokens except
/// inside double quotes, a `"` toggles quoting anywhere in a token, the first `=` separates
/// name and value, quotes around a value (or a whole token) are dropped, and a bare `--` ends
/// the kernel's parameters (the rest belongs to init).
public struct KernelCommandLine: Hashable, Sendable {
  /// The kernel's parameters, in order.
  public var parameters: [KernelParameter]
  /// What follows a bare `--`: arguments for init, never parsed by the kernel.
  public var initArguments: String?
  /// The command line as given.
  public var text: String

  /// `COMMAND_LINE_SIZE` on x86-64 and arm64: the kernel keeps at most 2047 bytes (plus NUL)
  /// of what the bootloader passes (`strscpy`/`memcpy` into `boot_command_line`).
  public static let kernelLimit = 2048

  /// Whether the text was cut to fit `COMMAND_LINE_SIZE`.
  public var wasTruncated: Bool

  /// Splits `text` as the kernel does. With `limit` (default: the kernel's 2048), only the first
  /// `limit - 1` bytes are kept, as the kernel keeps them; nil keeps everything (what-if runs).
  public init(_ text: String, limit: Int? = KernelCommandLine.kernelLimit) {
    var bytes = Array(text.utf8)
    // A NUL ends a C string.
    if let nul = bytes.firstIndex(of: 0) { bytes.removeSubrange(nul...) }
    self.wasTruncated = false
    if let limit, bytes.count > limit - 1 {
      bytes.removeSubrange((limit - 1)...)
      self.wasTruncated = true
    }
    self.text = String(decoding: bytes, as: UTF8.self)
    var parameters: [KernelParameter] = []
    var index = Self.skipSpaces(bytes, 0)
    var initArguments: String? = nil
    while index < bytes.count {
      let (parameter, next) = Self.nextArgument(&bytes, from: index)
      if parameter.value == nil && parameter.name == "--" {
        initArguments = String(decoding: bytes[next...], as: UTF8.self)
        break
      }
      parameters.append(parameter)
      index = next
    }
    self.parameters = parameters
    self.initArguments = initArguments
  }

  /// The parameters whose name `parameq`-matches `name`, in command-line order.
  public func parameters(named name: String) -> [KernelParameter] {
    parameters.filter { $0.isNamed(name) }
  }

  /// The text with every parameter named `name` blanked out (each byte a space), so the rest
  /// splits, and is searched, exactly as before: the command line of the same boot without them.
  public func text(removingParametersNamed name: String) -> String {
    var bytes = Array(text.utf8)
    for parameter in parameters(named: name) {
      for index in parameter.offset..<min(parameter.end, bytes.count) { bytes[index] = 0x20 }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `isspace()` of the kernel's ctype: space, \t \n \v \f \r (and 0xa0 in its Latin-1 table).
  static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) || c == 0xa0 }

  static func skipSpaces(_ bytes: [UInt8], _ start: Int) -> Int {
    var i = start
    while i < bytes.count && isSpace(bytes[i]) { i += 1 }
    return i
  }

  /// `next_arg()`: one token from `start`; returns it and where the next token begins.
  static func nextArgument(_ bytes: inout [UInt8], from start: Int) -> (KernelParameter, Int) {
    var args = start
    var inQuote = false
    var quoted = false
    if bytes[args] == 0x22 {
      args += 1
      inQuote = true
      quoted = true
    }
    var i = 0
    var equals = 0
    while args + i < bytes.count {
      let c = bytes[args + i]
      if isSpace(c) && !inQuote { break }
      if equals == 0 && c == 0x3d { equals = i }
      if c == 0x22 { inQuote.toggle() }
      i += 1
    }
    // The token is bytes[args ..< args+i]; the kernel NUL-terminates pieces in place.
    var nameEnd = args + i
    var valueStart: Int? = nil
    var valueEnd = args + i
    if equals != 0 {
      nameEnd = args + equals
      valueStart = args + equals + 1
      if valueStart! < args + i && bytes[valueStart!] == 0x22 {
        valueStart! += 1
        if bytes[args + i - 1] == 0x22 { valueEnd = args + i - 1 }
      }
    }
    if quoted && i > 0 && bytes[args + i - 1] == 0x22 {
      // Drops the closing quote of a token quoted from its start (`"name=value"`).
      if valueStart == nil { nameEnd = min(nameEnd, args + i - 1) } else { valueEnd = min(valueEnd, args + i - 1) }
    }
    let name = String(decoding: bytes[args..<max(args, nameEnd)], as: UTF8.self)
    let value = valueStart.map { s in String(decoding: bytes[s..<max(s, valueEnd)], as: UTF8.self) }
    var next = args + i
    if next < bytes.count { next += 1 }
    next = skipSpaces(bytes, next)
    return (KernelParameter(name: name, value: value, offset: start, end: args + i), next)
  }
}
