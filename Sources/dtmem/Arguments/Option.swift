/// One command-line option, declared once with the type of its value and its default: the
/// parser, `--help`, the completion scripts and the manual all read this declaration, and a
/// command reads the value with `try arguments[Self.quote]`, typed (`CommandLineQuoting`, not a
/// string), so a misspelt option is a compile error rather than a silent nil.
///
/// How to add an option:
/// 1. Declare it as a `static let` next to what uses it — on the command (`ToMemmap.quote`), or
///    on an option group when several commands share it (`BootOptions.pageSize`,
///    `CommonOptions.json`) — with one of the constructors below: `.flag` (Bool), `.text`
///    (`String?`), `.value` (parsed, with a default), `.optional` / `.repeating` (parsed, nil or
///    every occurrence), `.choice` (an `OptionChoice` enum: its cases give the allowed values,
///    the help listing and the error).
/// 2. List its `.spec` in the command's `CommandSpec.options` (a group adds its `specs`): only
///    what the command reads. Reading an option the command does not declare trips an assertion;
///    `CommandOptionTests` checks that each command reads exactly what it declares, and lists
///    every command's options (add yours there).
/// 3. Read it in the command's `init` (`try arguments[Self.quote]`): values are checked there,
///    before any input is read, and a bad one is one `dtmem: error: --NAME: WHY` line.
/// 4. README example, docs/cli.md row; completions and the manual follow by themselves.
struct Option<Value>: Sendable {
  let spec: OptionSpec
  /// Every occurrence's value, in order (one empty string per occurrence of a flag), to the value.
  let decode: @Sendable ([String]) throws(CLIError) -> Value

  var name: String { spec.name }

  /// `--NAME`, as errors name it.
  var flagName: String { "--" + spec.name }
}

extension Option where Value == Bool {
  /// A flag: true when given.
  static func flag(_ name: String, short: Character? = nil, help: String) -> Option {
    Option(spec: OptionSpec(name: name, short: short, valueName: nil, help: help)) { !$0.isEmpty }
  }
}

extension Option where Value == String? {
  /// A string taken as given (a command line, a file name); nil when absent.
  static func text(
    _ name: String, short: Character? = nil, _ valueName: String, help: String, kind: ValueKind = .text
  ) -> Option {
    Option(spec: OptionSpec(name: name, short: short, valueName: valueName, help: help, kind: kind)) { $0.last }
  }
}

extension Option {
  /// A value read by `parse`, `defaultValue` when absent (shown in help as `shown`).
  static func value(
    _ name: String, _ valueName: String, help: String, default defaultValue: Value, shown: String,
    parse: @escaping @Sendable (String) throws(CLIError) -> Value
  ) -> Option where Value: Sendable {
    Option(spec: OptionSpec(name: name, valueName: valueName, help: help, defaultValue: shown)) {
      (values: [String]) throws(CLIError) -> Value in
      guard let last = values.last else { return defaultValue }
      return try parse(last)
    }
  }

  /// A value read by `parse`; nil when absent.
  static func optional<Wrapped>(
    _ name: String, _ valueName: String, help: String, kind: ValueKind = .text,
    parse: @escaping @Sendable (String) throws(CLIError) -> Wrapped
  ) -> Option where Value == Wrapped? {
    Option(spec: OptionSpec(name: name, valueName: valueName, help: help, kind: kind)) {
      (values: [String]) throws(CLIError) -> Wrapped? in
      guard let last = values.last else { return nil }
      return try parse(last)
    }
  }

  /// An option given any number of times; every value, in order.
  static func repeating<Element>(
    _ name: String, _ valueName: String, help: String, parse: @escaping @Sendable (String) throws(CLIError) -> Element
  ) -> Option where Value == [Element] {
    Option(spec: OptionSpec(name: name, valueName: valueName, help: help, isRepeatable: true)) {
      (values: [String]) throws(CLIError) -> [Element] in
      var result: [Element] = []
      for value in values { result.append(try parse(value)) }
      return result
    }
  }

  /// One of an enum's cases, `defaultValue` when absent; the help lists the cases (`intro`
  /// first), and a value that is none of them is refused the way the enum says.
  static func choice(_ name: String, _ valueName: String, help intro: String, default defaultValue: Value) -> Option
  where Value: OptionChoice {
    let spec = OptionSpec(
      name: name, valueName: valueName, help: intro, defaultValue: defaultValue.name, enumeration: Value.enumeration)
    return Option(spec: spec) { (values: [String]) throws(CLIError) -> Value in
      guard let last = values.last else { return defaultValue }
      return try Value.parse(last, option: "--" + name)
    }
  }

  /// One of an enum's cases, nil when absent (what the default is depends on the input: say so
  /// in `intro`).
  static func choice<Choice: OptionChoice>(_ name: String, _ valueName: String, help intro: String) -> Option
  where Value == Choice? {
    let spec = OptionSpec(name: name, valueName: valueName, help: intro, enumeration: Choice.enumeration)
    return Option(spec: spec) { (values: [String]) throws(CLIError) -> Choice? in
      guard let last = values.last else { return nil }
      return try Choice.parse(last, option: "--" + name)
    }
  }
}
