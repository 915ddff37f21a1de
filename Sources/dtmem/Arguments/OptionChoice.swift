/// A value an option takes from a fixed set — an output format, a quoting style, a page size —
/// declared once: the cases are the allowed values (in help, completions and the manual), each
/// case says what it means, and a value that is none of them gets one error naming them all.
protocol OptionChoice: CaseIterable, Sendable {
  /// As typed on the command line: `grub-default`.
  var name: String { get }
  /// What it does, for the help listing (empty: the name says it).
  var meaning: String { get }
  /// The case `text` names (other spellings may be accepted); nil if none.
  static func choice(_ text: String) -> Self?
  /// The error for `text`, which names no case.
  static func refusal(_ text: String, option: String) -> CLIError
}

extension OptionChoice {
  var meaning: String { "" }

  static func choice(_ text: String) -> Self? { allCases.first { $0.name == text } }

  static func refusal(_ text: String, option: String) -> CLIError {
    CLIError(option, "'\(text)' is not one of \(names.joined(separator: ", "))")
  }

  /// Every case's name, in order.
  static var names: [String] { allCases.map { $0.name } }

  /// Every case's name and meaning, for `OptionSpec`: built only when help, completions or the
  /// manual ask (`allCases` is an array the runtime instantiates by mangled name, tens of
  /// thousands of instructions a type, at a start that must cost about what `fdtget` costs).
  @Sendable static func enumeration() -> [(name: String, meaning: String)] {
    allCases.map { ($0.name, $0.meaning) }
  }

  static func parse(_ text: String, option: String) throws(CLIError) -> Self {
    guard let value = choice(text) else { throw refusal(text, option: option) }
    return value
  }
}

extension OptionChoice where Self: RawRepresentable, RawValue == String {
  var name: String { rawValue }
}
