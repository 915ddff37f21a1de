/// What a command accepts, declared once: the parser reads arguments with it, and the help text,
/// the completion scripts and the manual are generated from it. (dtmem parses its own arguments:
/// a declarative table and a straight loop cost a fraction of a millisecond at start-up, where a
/// reflection-based parser costs several — and a command should cost about what `fdtget` costs.)
struct CommandSpec {
  /// The subcommand name (`to-memmap`).
  var name: String
  /// One line for `dtmem help`.
  var abstract: String
  /// Paragraphs for `dtmem help COMMAND`; a line ending in `\` continues the paragraph.
  var discussion: String = ""
  var arguments: [ArgumentSpec] = []
  /// The `.spec` of every `Option` the command reads, in help order.
  var options: [OptionSpec] = []
  /// Invocations for the manual's EXAMPLES (without the leading `dtmem`).
  var examples: [String] = []
}

/// What a value on the command line names, for the completion scripts.
enum ValueKind: Sendable {
  /// Free text (a command line, a number, a range): nothing to complete.
  case text
  /// A file (or `-`, or a directory where the command reads one).
  case file
}

/// A positional argument.
struct ArgumentSpec {
  /// `INPUT`.
  var valueName: String
  var help: String
  var isOptional = false
  /// Takes every remaining positional (`INPUT…`).
  var isRepeating = false
  var kind = ValueKind.file
}

/// A `--long` (and maybe `-s`) option, with a value or as a flag: the untyped part of an
/// `Option`, which is how commands declare one.
struct OptionSpec: Sendable {
  /// Without the dashes: `cmdline`.
  var name: String
  var short: Character? = nil
  /// The value's name in help (`START:SIZE`); nil for a flag.
  var valueName: String?
  /// The help, or for an enumerated option the words before the list of its values.
  var summary: String
  /// Shown as `(default: …)`.
  var defaultValue: String? = nil
  /// May be given more than once (values accumulate).
  var isRepeatable = false
  var kind = ValueKind.text
  /// An enumerated option's values and what each means, in order; asked for only by the help,
  /// the completions and the manual, so that parsing never builds the lists.
  var enumeration: (@Sendable () -> [(name: String, meaning: String)])? = nil

  init(
    name: String, short: Character? = nil, valueName: String?, help: String, defaultValue: String? = nil,
    isRepeatable: Bool = false, kind: ValueKind = .text,
    enumeration: (@Sendable () -> [(name: String, meaning: String)])? = nil
  ) {
    self.name = name
    self.short = short
    self.valueName = valueName
    self.summary = help
    self.defaultValue = defaultValue
    self.isRepeatable = isRepeatable
    self.kind = kind
    self.enumeration = enumeration
  }

  var isFlag: Bool { valueName == nil }

  /// The allowed values of an enumerated option, in order; empty for any value.
  var choices: [String] { enumeration?().map { $0.name } ?? [] }

  /// The whole help: for an enumerated option, `SUMMARY text, svg (a picture) or map (…).`
  var help: String {
    guard let values = enumeration?() else { return summary }
    var listing = summary.isEmpty ? "" : summary + " "
    for (index, value) in values.enumerated() {
      if index > 0 { listing += index == values.count - 1 ? " or " : ", " }
      listing += value.meaning.isEmpty ? value.name : value.name + " (" + value.meaning + ")"
    }
    return listing + "."
  }
}
