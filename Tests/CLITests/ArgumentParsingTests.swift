import Testing

@testable import dtmem

/// The in-house argument parser: every accepted spelling, every refusal as a one-line error.
@Suite struct ArgumentParsingTests {
  static let spec = CommandSpec(
    name: "demo", abstract: "A demo.",
    arguments: [ArgumentSpec(valueName: "INPUT", help: "The input.")],
    options: [
      .value("cmdline", "STRING", help: "Parameters."),
      .value("reserve", "START:SIZE", help: "Repeatable.", repeatable: true),
      .value("output", short: "o", "FILE", help: "Output."),
      .flag("json", help: "JSON."),
    ])

  @Test func acceptsTheUsualSpellings() throws {
    let a = try ParsedArguments(
      [
        "board.dtb", "--cmdline", "mem=1G", "--reserve=0x40200000:0x2b20000:kernel", "--reserve", "1G:1M", "-o", "out",
        "--json",
      ],
      spec: Self.spec)
    #expect(a.positionals == ["board.dtb"])
    #expect(a.value("cmdline") == "mem=1G")
    #expect(a.values("reserve") == ["0x40200000:0x2b20000:kernel", "1G:1M"])
    #expect(a.value("output") == "out" && a.flag("json"))
    #expect(try ParsedArguments(["-oout", "-"], spec: Self.spec).value("output") == "out")
    #expect(try ParsedArguments(["-"], spec: Self.spec).positionals == ["-"])
    #expect(try ParsedArguments(["--", "--json"], spec: Self.spec).positionals == ["--json"])
    // A value that starts with a dash is taken as the value.
    #expect(try ParsedArguments(["x", "--cmdline", "-- init"], spec: Self.spec).value("cmdline") == "-- init")
    #expect(try ParsedArguments(["--help"], spec: Self.spec).wantsHelp)
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
