import BootModel
import MemoryModel
import Utilities
import Validate

struct ValidateCommand: Command {
  static let name = "validate"
  static let spec = CommandSpec(
    name: name,
    abstract: "Check bootloader output (device tree blobs) against what Linux 6.12 will do with it.",
    discussion: """
      Each INPUT is run once through the arm64 boot model; the rules then report what the kernel \
      will refuse, ignore or fail (malformed /reserved-memory, no-map regions it refuses, dynamic \
      regions it cannot place, CMA setups that fail and are released), and what is legal but \
      probably wrong (overlapping reservations, reservations or the initrd outside memory, \
      unaligned banks, sparsemem holes, memmap= and mem= on an arm64 command line). \
      `dtmem validate --list-rules` lists them; docs/rules.md explains each.

      Output: one finding per line, FILE: SEVERITY: [RULE-ID] PATH: MESSAGE (PATH is a node \
      path, /memreserve/ or cmdline); --format json (or --json) prints {"findings": [...], \
      "unusable": [...]}; --format sarif writes SARIF 2.1.0 for code-scanning tools. -o writes the \
      output to a file (atomically). A JSON or SARIF report is written even when no input could be \
      used (each unusable input is in it: "unusable", SARIF tool execution notifications), and the \
      exit status is then 2.

      A blob whose memory the bootloader fills in gets a memory-missing warning and every check \
      that does not need memory; give --memory START:SIZE to run the rest.

      Exit status: 0 no errors (and no warnings with --werror); 1 errors found (or warnings with \
      --werror); 2 an input or option could not be used. With several inputs, an unusable one is \
      reported on stderr (dtmem: error: FILE: WHY), the others are still checked and printed, and \
      the exit status is 2.
      """,
    arguments: [
      ArgumentSpec(
        valueName: "INPUT", help: "Device tree blobs or sources (.dtb, .dts, /sys/firmware/fdt, -).", isOptional: true,
        isRepeating: true)
    ],
    options: BootOptions.arm64Specs + [
      formatOption.spec, CommonOptions.json.spec, SourceOptions.includeDirectory.spec, werror.spec,
      listRulesOption.spec, output.spec,
    ],
    examples: [
      "validate board.dtb", "validate build/*.dtb --werror --format sarif -o dtmem.sarif",
      "validate --list-rules --format markdown",
    ])

  /// What `validate` prints: findings, or with --list-rules the rules.
  enum Format: String, OptionChoice {
    case text, json, sarif, markdown

    var meaning: String {
      switch self {
      case .text: "one finding per line"
      case .json: "one object"
      case .sarif: "SARIF 2.1.0; findings only"
      case .markdown: "--list-rules only"
      }
    }
  }

  static let formatOption = Option.choice("format", "FORMAT", help: "", default: Format.text)

  static let werror = Option.flag("werror", help: "Treat warnings as errors for the exit status.")

  static let listRulesOption = Option.flag(
    "list-rules", help: "List the rules (id, default severity, summary) and exit.")

  static let output = Option.text(
    "output", short: "o", "FILE", help: "Write the output to FILE (atomically) instead of standard output.",
    kind: .file)

  var inputs: [String]
  var boot: BootOptions
  var format: Format
  var warningsAreErrors: Bool
  var listRules: Bool
  var output: String?
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    inputs = arguments.positionals
    boot = try BootOptions(arguments)
    format = try CommonOptions.format(arguments, Self.formatOption, json: .json)
    warningsAreErrors = try arguments[Self.werror]
    listRules = try arguments[Self.listRulesOption]
    output = try arguments[Self.output]
    environment = try SourceOptions.environment(arguments)
  }

  func run() throws(CLIError) -> CommandOutput {
    var result = CommandOutput()
    if listRules {
      emit(try ruleList(), &result)
      return result
    }
    guard format != .markdown else {
      throw CLIError("--format", "'markdown' is for --list-rules; findings are text, json or sarif")
    }
    guard !inputs.isEmpty else { throw CLIError("validate", "no INPUT given (or use --list-rules)") }
    let settings = try CheckSettings(boot, environment)
    var run = ValidationRun(kernel: settings.template.kernel)
    var progress = Progress(total: inputs.count, enabled: environment.showsProgress)
    for (index, path) in inputs.enumerated() {
      progress.update(index, path)
      do {
        run.reports.append(try check(path, settings))
      } catch {
        result.report("dtmem: error: \(error.description)")
        run.unusable.append(UnusableInput(file: error.what, reason: error.why))
      }
    }
    progress.clear()
    // A JSON or SARIF report is written even when no input could be used: CI uploads that file,
    // and the unusable inputs are in it (SARIF: tool execution notifications).
    if !run.reports.isEmpty || format != .text {
      switch format {
      case .json: emit(FindingJSON.render(run).rendered(), &result)
      case .sarif: emit(SARIF.render(run, toolVersion: DTMem.version).rendered(), &result)
      case .text, .markdown: emit(FindingText.render(run), &result)
      }
    }
    if !run.unusable.isEmpty {
      result.status = 2
    } else {
      result.status = run.hasFindings(atLeast: warningsAreErrors ? .warning : .error) ? 1 : 0
    }
    return result
  }

  func check(_ path: String, _ settings: CheckSettings) throws(CLIError) -> FileReport {
    let tree = try settings.load(path)
    let context = try settings.context(tree)
    return FileReport(file: tree.name, findings: Validator.findings(in: context))
  }

  func ruleList() throws(CLIError) -> String {
    switch format {
    case .text: return RuleDocumentation.text()
    case .json: return RuleDocumentation.json().rendered()
    case .markdown: return RuleDocumentation.markdown()
    case .sarif: throw CLIError("--format", "'sarif' is for findings; --list-rules prints text, json or markdown")
    }
  }

  /// To `-o FILE` (never an input), else standard output.
  func emit(_ text: String, _ result: inout CommandOutput) {
    result.write(text: text, to: output ?? "-", inputs: inputs + boot.inputFiles)
  }
}
