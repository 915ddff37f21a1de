/// The arguments of one command after parsing: positionals in order, each option's values in
/// order, read typed through the command's `Option` declarations (`try arguments[Self.quote]`).
struct ParsedArguments {
  var positionals: [String] = []
  /// Every option occurrence in order: its name and its value (an empty string for a flag).
  /// (Two flat lists, not a dictionary: a command line holds a handful, and a dictionary of
  /// string arrays costs more to set up than every lookup in them.)
  private var givenNames: [String] = []
  private var givenValues: [String] = []
  /// The options the command declares: the only ones it may read.
  private let declared: [String]
  /// `--help` or `-h` was given.
  var wantsHelp = false
  /// Where the command reads files and standard input from.
  var environment = Environment.process
  /// The options read so far, when a test asks (`CommandOptionTests`).
  var readLog: ReadLog? = nil

  /// Which options a command read.
  final class ReadLog {
    var names: [String] = []
  }

  /// The option's value: its default when absent, the last one given otherwise (every one for a
  /// repeatable option); an unusable value is the option's one-line error.
  subscript<Value>(_ option: Option<Value>) -> Value {
    get throws(CLIError) {
      assert(declared.contains(option.name), "--\(option.name) is read but not declared")
      readLog?.names.append(option.name)
      return try option.decode(values(option.name))
    }
  }

  /// Whether the command declares `option` (shared option groups read what a command offers).
  func declares<Value>(_ option: Option<Value>) -> Bool { declared.contains(option.name) }

  /// Whether `option` was given at all.
  func isGiven<Value>(_ option: Option<Value>) -> Bool { givenNames.contains(option.name) }

  /// Every value given for the option `name`, in order.
  private func values(_ name: String) -> [String] {
    var values: [String] = []
    for index in givenNames.indices where givenNames[index] == name { values.append(givenValues[index]) }
    return values
  }

  private mutating func record(_ name: String, _ value: String) {
    givenNames.append(name)
    givenValues.append(value)
  }

  /// Reads `words` against `spec`: `--name value`, `--name=value`, `-s value`, `-svalue`,
  /// flags, `--` (everything after is positional), `-` (a positional: standard input).
  init(_ words: [String], spec: CommandSpec) throws(CLIError) {
    declared = spec.options.map { $0.name }
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
      var inlineValue: String? = nil
      let option: OptionSpec
      if word.hasPrefix("--") {
        var name = word.dropFirst(2)
        if let equals = name.firstIndex(of: "=") {
          inlineValue = String(name[name.index(after: equals)...])
          name = name[..<equals]
        }
        guard let found = spec.options.first(where: { $0.name == name }) else {
          throw CLIError(spec.name, "unknown option '--\(name)'\(Self.suggestion(String(name), spec))")
        }
        option = found
      } else {
        let letter = word.dropFirst().first!
        guard let found = spec.options.first(where: { $0.short == letter }) else {
          throw CLIError(spec.name, "unknown option '-\(letter)'")
        }
        option = found
        if word.count > 2 { inlineValue = String(word.dropFirst(2)) }
      }
      if option.isFlag {
        guard inlineValue == nil else { throw CLIError("--\(option.name)", "is a flag and takes no value") }
        record(option.name, "")
        continue
      }
      let value: String
      if let inlineValue {
        value = inlineValue
      } else {
        guard index < words.count else {
          let what = option.enumeration == nil ? option.valueName! : option.choices.joined(separator: ", ")
          throw CLIError("--\(option.name)", "needs a value (\(what))")
        }
        value = words[index]
        index += 1
      }
      if !option.isRepeatable, givenNames.contains(option.name) {
        throw CLIError("--\(option.name)", "given more than once")
      }
      record(option.name, value)
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
