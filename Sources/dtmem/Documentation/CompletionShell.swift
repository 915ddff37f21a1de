/// `dtmem --generate-completion-script SHELL`: the shells dtmem writes completions for, each
/// script generated from the same command specs as `--help`.
enum CompletionShell: String, OptionChoice {
  case bash, zsh, fish

  var meaning: String {
    switch self {
    case .bash: "source it, or put it in /usr/share/bash-completion/completions/dtmem"
    case .zsh: "put it in a directory on $fpath as _dtmem"
    case .fish: "put it in ~/.config/fish/completions/dtmem.fish"
    }
  }

  func script(_ program: ProgramSpec) -> String {
    switch self {
    case .bash: BashCompletion.script(program)
    case .zsh: ZshCompletion.script(program)
    case .fish: FishCompletion.script(program)
    }
  }
}

/// Everything the help, the completions and the manual describe: the program's own options and
/// its subcommands.
struct ProgramSpec {
  var name = "dtmem"
  var version: String
  var abstract: String
  var discussion: String
  /// `--version`, `--help`, `--generate-completion-script`, `--generate-manual`.
  var options: [OptionSpec]
  var commands: [CommandSpec]

  /// The options a command takes on the command line, `-h, --help` included.
  static func options(of command: CommandSpec) -> [OptionSpec] {
    command.options + [OptionSpec(name: "help", short: "h", valueName: nil, help: "Show help information.")]
  }

  /// What a completion menu says of an option: the first sentence of its help; for an
  /// enumerated option the words before its values (the values are offered themselves).
  static func description(_ option: OptionSpec) -> String {
    guard option.enumeration != nil else { return summary(option.help) }
    var text = Substring(option.summary)
    while text.hasSuffix(":") || text.hasSuffix(" ") { text = text.dropLast() }
    return text.isEmpty ? "One of " + option.choices.joined(separator: ", ") : summary(String(text))
  }

  /// The first sentence of `help`, for completion menus.
  static func summary(_ help: String) -> String {
    var text = Substring(help)
    if let end = text.indices.first(where: { text[$0] == "." && text[text.index(after: $0)...].hasPrefix(" ") }) {
      text = text[..<end]
    }
    if text.hasSuffix(".") { text = text.dropLast() }
    return String(text)
  }
}
