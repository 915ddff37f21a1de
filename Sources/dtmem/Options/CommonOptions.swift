/// Options several commands declare the same way.
enum CommonOptions {
  /// `--json`, on every command.
  static let json = Option.flag(
    "json", help: "Print one JSON object instead of text (addresses and sizes as \"0x…\" strings).")

  /// `--format`, where `--json` means `--format json`: both at once must agree, never one
  /// silently beating the other.
  static func format<Format: OptionChoice & Equatable>(
    _ arguments: ParsedArguments, _ option: Option<Format>, json: Format
  ) throws(CLIError) -> Format {
    let format = try arguments[option]
    guard try arguments[CommonOptions.json] else { return format }
    guard !arguments.isGiven(option) || format == json else {
      throw CLIError("--json", "means --format \(json.name); it cannot be combined with --format \(format.name)")
    }
    return json
  }
}
