import ArgumentParser

/// `--json`: the one switch every command has.
struct JSONOption: ParsableArguments {
  @Flag(name: .customLong("json"), help: "Print one JSON object instead of text (addresses and sizes as \"0x…\" strings).")
  var json = false
}
