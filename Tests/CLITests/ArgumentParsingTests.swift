import Testing

@testable import dtmem

/// The in-house argument parser: every accepted spelling, every refusal as a one-line error.
@Suite struct ArgumentParsingTests {
  static let cmdline = Option.text("cmdline", "STRING", help: "Parameters.")
  static let reserve = Option.repeating("reserve", "START:SIZE", help: "Repeatable.") { (text: String) in text }
  static let output = Option.text("output", short: "o", "FILE", help: "Output.", kind: .file)
  static let json = Option.flag("json", help: "JSON.")
  static let size = Option.value("size", "N", help: "A number.", default: 7, shown: "7") {
    (text: String) throws(CLIError) -> Int in
    guard let value = Int(text) else { throw CLIError("--size", "'\(text)' is not a number") }
    return value
  }
  static let spec = CommandSpec(
    name: "demo", abstract: "A demo.",
    arguments: [ArgumentSpec(valueName: "INPUT", help: "The input.")],
    options: [cmdline.spec, reserve.spec, output.spec, json.spec, size.spec])

  @Test func acceptsTheUsualSpellings() throws {
    let a = try ParsedArguments(
      [
        "board.dtb", "--cmdline", "mem=1G", "--reserve=0x40200000:0x2b20000:kernel", "--reserve", "1G:1M", "-o", "out",
        "--json", "--size=3",
      ],
      spec: Self.spec)
    #expect(a.positionals == ["board.dtb"])
    #expect(try a[Self.cmdline] == "mem=1G")
    #expect(try a[Self.reserve] == ["0x40200000:0x2b20000:kernel", "1G:1M"])
    #expect(try a[Self.output] == "out" && a[Self.json])
    #expect(try a[Self.size] == 3)
    let none = try ParsedArguments(["board.dtb"], spec: Self.spec)
    #expect(try none[Self.cmdline] == nil && none[Self.reserve].isEmpty && !none[Self.json] && none[Self.size] == 7)
    #expect(try ParsedArguments(["-oout", "-"], spec: Self.spec)[Self.output] == "out")
    #expect(try ParsedArguments(["-"], spec: Self.spec).positionals == ["-"])
    #expect(try ParsedArguments(["--", "--json"], spec: Self.spec).positionals == ["--json"])
    // A value that starts with a dash is taken as the value.
    #expect(try ParsedArguments(["x", "--cmdline", "-- init"], spec: Self.spec)[Self.cmdline] == "-- init")
    #expect(try ParsedArguments(["--help"], spec: Self.spec).wantsHelp)
    // A value the option cannot use is its error, when the command reads it.
    let bad = try ParsedArguments(["x", "--size", "many"], spec: Self.spec)
    #expect(throws: CLIError.self) { try bad[Self.size] }
  }

  @Test func refusesWithOneLineErrors() {
    func refusal(_ words: [String]) -> String? {
      do {
        _ = try ParsedArguments(words, spec: Self.spec)
        return nil
      } catch {
        return error.description
      }
    }
    #expect(refusal(["x", "--cmdlne", "a"])?.contains("did you mean '--cmdline'") == true)
    #expect(refusal(["x", "--bogus"])?.contains("unknown option '--bogus'") == true)
    #expect(refusal(["x", "-q"])?.contains("unknown option '-q'") == true)
    #expect(refusal(["x", "--cmdline"])?.contains("needs a value") == true)
    #expect(refusal(["x", "--json=yes"])?.contains("takes no value") == true)
    #expect(refusal(["x", "--cmdline", "a", "--cmdline", "b"])?.contains("more than once") == true)
    #expect(refusal([])?.contains("missing INPUT") == true)
    #expect(refusal(["x", "y"])?.contains("unexpected argument 'y'") == true)
  }

  @Test func helpListsEveryOptionOfEveryCommand() {
    for command in DTMem.commands {
      let help = HelpText.command(command.spec)
      #expect(help.hasPrefix("OVERVIEW: "))
      for option in command.spec.options {
        #expect(help.contains("--\(option.name)"), "\(command.spec.name): --\(option.name)")
      }
      for line in help.split(separator: "\n") where !line.hasPrefix("USAGE") {
        #expect(line.count <= 100, "\(command.spec.name): a help line of \(line.count) columns")
      }
    }
    let root = DTMem.rootHelp
    for command in DTMem.commands { #expect(root.contains(command.spec.name)) }
  }
}
