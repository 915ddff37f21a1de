/// The arguments of one command after parsing: positionals in order, option values in order.
struct ParsedArguments {
  var positionals: [String] = []
  private var values: [String: [String]] = [:]
  private var flags: Set<String> = []
  /// `--help` or `-h` was given.
  var wantsHelp = false
  /// Where the command reads files and standard input from.
  var environment = Environment.process

  /// The last value of option `name` (a later occurrence overrides an earlier one).
  func value(_ name: String) -> String? { values[name]?.last }
  /// Every value of a repeatable option, in order.
  func values(_ name: String) -> [String] { values[name] ?? [] }
  func flag(_ name: String) -> Bool { flags.contains(name) }

  /// Reads `words` against `spec`: `--name value`, `--name=value`, `-s value`, `-svalue`,
  /// flags, `--` (everything after is positional), `-` (a positional: standard input).
  init(_ words: [String], spec: CommandSpec) throws(CLIError) {
    var index = 0
    var onlyPositionals = false
    while index < words.count {
      let word = words[index]
      index += 1
      if onlyPositionals || word == "-" || !word.hasPrefix("-") {
        positionals.append(word)
        continue
      }
      if word == "--" {
        onlyPositionals = true
        continue
      }
      if word == "--help" || word == "-h" {
        wantsHelp = true
        continue
      }
      var name: Substring
      var inlineValue: String? = nil
      let option: OptionSpec?
      if word.hasPrefix("--") {
        name = word.dropFirst(2)
        if let equals = name.firstIndex(of: "=") {
          inlineValue = String(name[name.index(after: equals)...])
          name = name[..<equals]
        }
        option = spec.options.first { $0.name == name }
        guard option != nil else {
          throw CLIError(spec.name, "unknown option '--\(name)'\(Self.suggestion(String(name), spec))")
        }
      } else {
        let letter = word.dropFirst().first!
        option = spec.options.first { $0.short == letter }
        guard let option else { throw CLIError(spec.name, "unknown option '-\(letter)'") }
        name = Substring(option.name)
        if word.count > 2 { inlineValue = String(word.dropFirst(2)) }
      }
      let found = option!
      if found.valueName == nil {
        guard inlineValue == nil else { throw CLIError("--\(found.name)", "is a flag and takes no value") }
        flags.insert(found.name)
        continue
      }
      let value: String
      if let inlineValue {
        value = inlineValue
      } else {
        guard index < words.count else { throw CLIError("--\(found.name)", "needs a value (\(found.valueName!))") }
        value = words[index]
        index += 1
      }
      if !found.isRepeatable, values[found.name] != nil {
        throw CLIError("--\(found.name)", "given more than once")
      }
      values[found.name, default: []].append(value)
    }
    guard !wantsHelp else { return }
    // Positionals against the declared arguments.
    let required = spec.arguments.filter { !$0.isOptional }.count
    let unlimited = spec.arguments.contains { $0.isRepeating }
    if positionals.count < required {
      let missing = spec.arguments.filter { !$0.isOptional }[positionals.count].valueName
      throw CLIError(spec.name, "missing \(missing) (see 'dtmem help \(spec.name)')")
    }
    if !unlimited && positionals.count > spec.arguments.count {
      throw CLIError(spec.name, "unexpected argument '\(positionals[spec.arguments.count])'")
    }
  }

  /// `(did you mean '--cmdline'?)` for a close misspelling.
  static func suggestion(_ name: String, _ spec: CommandSpec) -> String {
    let best = spec.options.min { editDistance($0.name, name) < editDistance($1.name, name) }
    guard let best, editDistance(best.name, name) <= 2 else { return "" }
    return " (did you mean '--\(best.name)'?)"
  }

  static func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    var row = Array(0...y.count)
    for i in 1...max(1, x.count) where !x.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in 1...max(1, y.count) where !y.isEmpty {
        let current = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
        previous = current
      }
    }
    return row[y.count]
  }
}
