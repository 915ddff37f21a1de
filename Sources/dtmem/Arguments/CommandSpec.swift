/// What a command accepts, declared once: the parser reads arguments with it and the help
/// text is generated from it. (dtmem parses its own arguments: a declarative table and a
/// straight loop cost a fraction of a millisecond at start-up, where a reflection-based parser
/// costs several — and a command should cost about what `fdtget` costs.)
struct CommandSpec {
  /// The subcommand name (`to-memmap`).
  var name: String
  /// One line for `dtmem help`.
  var abstract: String
  /// Paragraphs for `dtmem help COMMAND`; a line ending in `\` continues the paragraph.
  var discussion: String = ""
  var arguments: [ArgumentSpec] = []
  var options: [OptionSpec] = []
}

/// A positional argument.
struct ArgumentSpec {
  /// `INPUT`.
  var valueName: String
  var help: String
  var isOptional = false
  /// Takes every remaining positional (`INPUT…`).
  var isRepeating = false
}

/// A `--long` (and maybe `-s`) option, with a value or as a flag.
struct OptionSpec {
  /// Without the dashes: `cmdline`.
  var name: String
  var short: Character? = nil
  /// The value's name in help (`START:SIZE`); nil for a flag.
  var valueName: String?
  var help: String
  /// Shown as `(default: …)`.
  var defaultValue: String? = nil
  /// May be given more than once (values accumulate).
  var isRepeatable = false

  static func flag(_ name: String, help: String) -> OptionSpec {
    OptionSpec(name: name, valueName: nil, help: help)
  }

  static func value(
    _ name: String, short: Character? = nil, _ valueName: String, help: String, default defaultValue: String? = nil,
    repeatable: Bool = false
  ) -> OptionSpec {
    OptionSpec(
      name: name, short: short, valueName: valueName, help: help, defaultValue: defaultValue, isRepeatable: repeatable)
  }

  /// `--json`, on every command.
  static let json = OptionSpec.flag(
    "json", help: "Print one JSON object instead of text (addresses and sizes as \"0x…\" strings).")
}
