/// Options several commands declare the same way.
enum CommonOptions {
  /// `--json`, on every command.
  static let json = Option.flag(
    "json", help: "Print one JSON object instead of text (addresses and sizes as \"0x…\" strings).")
}
