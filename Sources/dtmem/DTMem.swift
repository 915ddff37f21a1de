import Utilities

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// `dtmem SUBCOMMAND …`: dispatches to the subcommand, prints help, and maps every failure onto
/// the contract's exit statuses (0 success, 1 validate/diff findings, 2 unusable input or
/// options, with one `dtmem: error: WHAT: WHY` line on stderr).
@main
enum DTMem {
  static let version = "0.1.0"

  static var commands: [any Command.Type] {
    [
      Show.self, Simulate.self, ToMemmap.self, ToE820.self, ToDTS.self, ToOverlay.self, Apply.self,
      ValidateCommand.self,
      DiffCommand.self,
    ]
  }

  static let abstract = "Physical memory maps the way Linux 6.12 builds them: device tree, e820, memmap=."

  static let discussion = """
    dtmem reads a device tree blob's /memory, /reserved-memory, /memreserve/ and /chosen facts \
    (through libfdt), x86 e820 tables and the memmap=, mem= and reserve_mem= kernel parameters, \
    and converts between them with the kernel's own semantics. Its arm64 model predicts where \
    every dynamic reserved-memory region lands and what the kernel refuses; its x86 model \
    replays memmap=/mem= edits on an e820 table exactly.

    INPUT is detected from its content: a .dtb, a .dts (compiled with dtc), a kernel log with \
    BIOS-e820 lines, /proc/iomem, a /sys/firmware/memmap directory, dtmem's own JSON, or - for \
    standard input.
    """

  static let exitStatus = """
    Exit status: 0 success; 1 validate found problems (or diff found differences); 2 the input or \
    parameters could not be used (one line on stderr: dtmem: error: WHAT: WHY).
    """

  /// `dtmem --generate-completion-script SHELL`.
  static let completionScript = Option<CompletionShell?>.choice(
    "generate-completion-script", "SHELL", help: "Print a completion script for SHELL:")

  /// `dtmem --generate-manual`.
  static let manual = Option.flag(
    "generate-manual", help: "Print the manual page as roff, for dtmem.1 (man -l dtmem.1 shows it).")

  /// What the help, the completions and the manual describe.
  static var program: ProgramSpec {
    ProgramSpec(
      version: version, abstract: abstract, discussion: discussion,
      options: [
        OptionSpec(name: "version", valueName: nil, help: "Show the version (\(version))."),
        OptionSpec(name: "help", short: "h", valueName: nil, help: "Show help information."),
        completionScript.spec, manual.spec,
      ],
      commands: commands.map { $0.spec })
  }

  /// `--generate-completion-script SHELL` and `--generate-manual`, parsed like a command's options.
  static func generate(_ words: [String]) throws(CLIError) -> String {
    let spec = CommandSpec(name: "dtmem", abstract: abstract, options: [completionScript.spec, manual.spec])
    let arguments = try ParsedArguments(words, spec: spec)
    let shell = try arguments[completionScript]
    let wantsManual = try arguments[manual]
    if shell != nil && wantsManual {
      throw CLIError("dtmem", "give --generate-completion-script or --generate-manual, not both")
    }
    if let shell { return shell.script(program) }
    return ManualPage.render(program, exitStatus: exitStatus)
  }

  static func main() {
    // The words as bytes (PathBytes), not CommandLine.arguments' lossy UTF-8.
    let words = (1..<max(1, Int(CommandLine.argc))).compactMap { index in
      CommandLine.unsafeArgv[index].map { PathBytes.decode(cString: $0) }
    }
    var environment = Environment.process
    environment.keepsInputsUntilExit = true
    exit(run(words, environment: environment).perform())
  }

  /// One invocation, from its words to what it prints and writes (nothing is written here).
  static func run(_ words: [String], environment: Environment) -> CommandOutput {
    var output = CommandOutput()
    guard let first = words.first else {
      output.print(rootHelp)
      return output
    }
    switch first {
    case "-h", "--help":
      output.print(rootHelp)
      return output
    case "--version":
      output.print(version + "\n")
      return output
    case _ where first.hasPrefix("--generate-"):
      do {
        output.print(try generate(words))
      } catch {
        return .failure(error)
      }
      return output
    case "help":
      guard words.count > 1 else {
        output.print(rootHelp)
        return output
      }
      guard let command = command(named: words[1]) else {
        return .failure(CLIError("help", "no subcommand '\(words[1])'\(subcommandHint)"))
      }
      output.print(HelpText.command(command.spec))
      return output
    default:
      break
    }
    guard let command = command(named: first) else {
      return .failure(
        CLIError(
          first.hasPrefix("-") ? "dtmem" : first,
          first.hasPrefix("-") ? "unknown option '\(first)'" : "no such subcommand\(subcommandHint)"))
    }
    do {
      var arguments = try ParsedArguments(Array(words.dropFirst()), spec: command.spec)
      arguments.environment = environment
      if arguments.wantsHelp {
        output.print(HelpText.command(command.spec))
        return output
      }
      return try command.init(arguments).run()
    } catch {
      return .failure(error)
    }
  }

  /// `commands.first { $0.name == name }`, asked without building the array: an array of
  /// `any Command.Type` is instantiated at run time (~10K instructions at every command's start).
  /// CommandLookupTests checks it against `commands`.
  static func command(named name: String) -> (any Command.Type)? {
    switch name {
    case Show.name: Show.self
    case Simulate.name: Simulate.self
    case ToMemmap.name: ToMemmap.self
    case ToE820.name: ToE820.self
    case ToDTS.name: ToDTS.self
    case ToOverlay.name: ToOverlay.self
    case Apply.name: Apply.self
    case ValidateCommand.name: ValidateCommand.self
    case DiffCommand.name: DiffCommand.self
    default: nil
    }
  }

  static var subcommandHint: String {
    " (subcommands: " + commands.map { $0.spec.name }.joined(separator: ", ") + ")"
  }

  static var rootHelp: String {
    HelpText.root(program, exitStatus: exitStatus)
  }
}
