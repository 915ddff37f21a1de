import BootModel
import DeviceTree
import MemoryDiff
import MemoryModel
import Utilities
import Validate

struct Apply: Command {
  static let name = "apply"
  static let spec = CommandSpec(
    name: name,
    abstract: "Apply a device tree overlay with libfdt, then check the result and say what it changed.",
    discussion: """
      Applies OVERLAY to BASE the way U-Boot and fdtoverlay do (libfdt: fdt_open_into with room \
      to grow, fdt_overlay_apply, fdt_pack) and writes OUT atomically. Then the result is checked \
      with every validate rule and compared with BASE (the classification of dtmem diff: banks, \
      /reserved-memory regions, /chosen ranges, and what the arm64 model predicts for them).

      BASE and OVERLAY may be blobs or source. Source is compiled with dtc -@: a base then has \
      /__symbols__, which overlays that refer to its labels (&label { … }) need; an overlay's own \
      labels then reach the result's /__symbols__. An overlay's source must say /plugin/; (dtc then \
      turns &{/path} into target-path fragments and &label into __fixups__). Overlays made by \
      to-overlay use target-path = "/" and need no __symbols__.

      Output: OUT, then on stdout the changes (CATEGORY: KIND PATH: MESSAGE, as dtmem diff) and \
      the findings (OUT: SEVERITY: [RULE-ID] PATH: MESSAGE, as dtmem validate); --json prints \
      {"base", "overlay", "output", "size", "changes", "findings"}; --format svg prints BASE and \
      OUT as one picture on one address axis instead (as dtmem diff --format svg), --format map \
      the same as block characters.

      Exit status: 0 written, no error findings (no warnings with --werror); 1 written, but the \
      result has error findings; 2 nothing written: an input is unusable, or libfdt refused \
      (FDT_ERR_NOTFOUND: a target path, or a label, or the base's /__symbols__ is missing; \
      FDT_ERR_NOSPACE; bad magic), with one line on stderr.
      """,
    arguments: [
      ArgumentSpec(valueName: "BASE", help: "The base device tree (.dtb or .dts)."),
      ArgumentSpec(valueName: "OVERLAY", help: "The overlay (.dtbo, or .dtso source with /plugin/;)."),
    ],
    options: [output.spec, inPlace.spec] + BootOptions.arm64Specs + [
      werror.spec, PictureOutput.formatOption.spec, CommonOptions.json.spec, SourceOptions.includeDirectory.spec,
    ],
    examples: [
      "apply board.dtb ramoops.dtbo -o board-ramoops.dtb", "apply board.dtb ramoops.dtbo -o board.dtb --in-place",
    ])

  static let output = Option.text(
    "output", short: "o", "OUT",
    help: "The result blob (written atomically); required. Never BASE or OVERLAY unless --in-place.", kind: .file)

  static let inPlace = Option.flag(
    "in-place",
    help: "Let OUT be BASE (replaced atomically once the result is checked): dtmem apply b.dtb o.dtbo -o b.dtb "
      + "--in-place.")

  static let werror = Option.flag("werror", help: "Exit 1 on warnings too.")

  var base: String
  var overlay: String
  var output: String
  var boot: BootOptions
  var inPlace: Bool
  var warningsAreErrors: Bool
  var json: Bool
  var format: PictureOutput.Format
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    base = arguments.positionals[0]
    overlay = arguments.positionals[1]
    guard let output = try arguments[Self.output] else { throw CLIError("apply", "missing -o OUT (the result blob)") }
    self.output = output
    boot = try BootOptions(arguments)
    inPlace = try arguments[Self.inPlace]
    warningsAreErrors = try arguments[Self.werror]
    json = try arguments[CommonOptions.json]
    format = try PictureOutput.format(arguments)
  }

  func run() throws(CLIError) -> CommandOutput {
    let settings = try CheckSettings(boot, environment)
    let baseTree = try Self.load(base, overlay: false, environment)
    let overlayTree = try Self.load(overlay, overlay: true, environment)
    let before = try settings.context(baseTree)
    let result: FlatDeviceTree
    do {
      result = try baseTree.tree.applying(overlayTree.tree)
    } catch {
      throw Self.explain(error, base: baseTree, overlay: overlayTree)
    }
    let applied = try InputLoader.deviceTree(result, name: output, format: .deviceTreeBlob)
    let after = try settings.context(applied)
    var written = CommandOutput()
    written.write(
      result.bytes, to: output, inputs: (inPlace ? [] : [base]) + [overlay] + boot.inputFiles,
      hint: inPlace ? "" : " (--in-place lets OUT be BASE)")
    let changes = MemoryDiff.compare(before.run, after.run)
    let findings = Validator.findings(in: after)
    if json {
      let document = JSONValue.object([
        ("kernel", .string(settings.template.kernel.rawValue)), ("base", .string(baseTree.name)),
        ("overlay", .string(overlayTree.name)), ("output", .string(output)),
        ("size", .int(result.bytes.count)),
        ("changes", DiffRendering.json(changes, a: baseTree.name, b: output)["changes"] ?? .array([])),
        (
          "findings",
          FindingJSON.render(ValidationRun(reports: [FileReport(file: output, findings: findings)]))["findings"]
            ?? .array([])
        ),
      ])
      written.print(document.rendered())
    } else if format != .text {
      let picture = PictureOutput.beforeAndAfter(
        (baseTree.name, before), (output, after), format: format, terminal: environment.terminal)
      written.print(picture: picture)
    } else {
      var text =
        "\(output): \(result.bytes.count) bytes (\(baseTree.name): \(baseTree.tree.bytes.count) bytes), checked for "
        + "Linux \(settings.template.kernel)\n"
      text += changes.isIdentical ? "no memory changes\n" : DiffRendering.text(changes)
      text += findings.isEmpty ? "no findings\n" : findings.map { FindingText.line(output, $0) }.joined()
      written.print(text)
    }
    let run = ValidationRun(reports: [FileReport(file: output, findings: findings)])
    written.status = run.hasFindings(atLeast: warningsAreErrors ? .warning : .error) ? 1 : 0
    return written
  }

  /// A blob, or source compiled with `dtc -@` (an overlay's source must be a plugin).
  static func load(_ path: String, overlay: Bool, _ environment: Environment) throws(CLIError) -> DeviceTreeInput {
    let name = path == "-" ? "<stdin>" : path
    let bytes = try environment.read(path)
    let format = InputFormat.detect(bytes)
    let blob: [UInt8]
    switch format {
    case .deviceTreeBlob:
      blob = bytes
    case .deviceTreeSource:
      if overlay && !String(decoding: bytes.prefix(1 << 16), as: UTF8.self).contains("/plugin/") {
        throw CLIError(name, "not an overlay: the source has no /plugin/; (an overlay starts with /dts-v1/; /plugin/;)")
      }
      blob = try DeviceTreeCompiler.compile(
        bytes, name: name, path: path == "-" ? nil : path, symbols: true,
        includeDirectories: environment.includeDirectories)
    default:
      let magic = bytes.prefix(4).map {
        String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
      }.joined()
      throw CLIError(
        name,
        "not a device tree blob (magic \(magic.isEmpty ? "none" : magic), expected d00dfeed) nor device tree source")
    }
    let input = try InputLoader.deviceTree(blob, name: name, format: format!)
    if overlay && !input.tree.isOverlay {
      throw CLIError(name, "not an overlay: no fragment has an __overlay__ node")
    }
    return input
  }

  /// libfdt's failure as one line that says what is missing.
  static func explain(_ error: FDTError, base: DeviceTreeInput, overlay: DeviceTreeInput) -> CLIError {
    guard case .libfdt(let code, _) = error else { return CLIError(overlay.name, error.description) }
    let name = FDTError.name(of: code)
    if name == "FDT_ERR_NOTFOUND",
      let missing = base.tree.missingTarget(for: overlay.tree, compiledWithSymbols: base.format == .deviceTreeSource)
    {
      return CLIError(overlay.name, "FDT_ERR_NOTFOUND: \(missing); nothing written")
    }
    if name == "FDT_ERR_NOSPACE" {
      return CLIError(overlay.name, "FDT_ERR_NOSPACE: the result does not fit in 64 MiB; nothing written")
    }
    return CLIError(overlay.name, "\(error.description); nothing written")
  }
}
