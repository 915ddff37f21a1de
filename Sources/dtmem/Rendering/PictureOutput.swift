import BootModel
import FirmwareTables
import MemoryCosts
import MemoryModel
import Pictures
import Validate

/// `--format svg|map` of `show`, `diff` and `apply`: the map as a standalone SVG document or a
/// terminal strip of block characters, before and after on one axis for the two-tree commands.
enum PictureOutput {
  enum Format: String, OptionChoice {
    case text, svg, map

    var meaning: String {
      switch self {
      case .text: ""
      case .svg: "a standalone SVG 1.1 picture of the map"
      case .map:
        "the same lanes as block characters, sized to the terminal; 80 columns when not one; coloured on a terminal "
          + "unless NO_COLOR is set"
      }
    }
  }

  /// `--format` of show, diff and apply.
  static let formatOption = Option.choice("format", "FORMAT", help: "", default: Format.text)

  /// `-o FILE` of show and diff.
  static let output = Option.text(
    "output", short: "o", "FILE", help: "Write here (atomically) instead of standard output.", kind: .file)

  /// `--format`, which `--json` excludes.
  static func format(_ arguments: ParsedArguments) throws(CLIError) -> Format {
    let format = try arguments[formatOption]
    if format != .text, try arguments[CommonOptions.json] {
      throw CLIError("--format \(format.name)", "--json prints the map as JSON; give one of them")
    }
    return format
  }

  /// One input's picture: its banks (or firmware table), the boot, its costs.
  static func scene(_ input: LoadedInput, _ outcome: Simulation.Outcome) -> MapScene {
    let (result, request) = (outcome.result, outcome.request)
    let costs = CostReport.costs(result, request)
    switch input {
    case .deviceTree(let tree):
      return MapScene(
        title: tree.name, subtitle: subtitle(tree.board.model, result, request),
        banks: stated(tree.board, memory: request.memoryOverride),
        boot: result, costs: costs)
    case .firmwareTable(let table):
      let entries = table.entries.compactMap { entry in
        PhysicalRange(start: entry.start, size: entry.size).map {
          FirmwareEntry(range: $0, kind: entry.kind, typeName: entry.kind.dmesgName)
        }
      }
      return MapScene(
        title: table.name,
        subtitle: subtitle("\(table.format.rawValue), \(table.entries.count) entries", result, request),
        banks: [], firmware: entries, boot: result, costs: costs)
    }
  }

  /// Two checked trees, before and after, on one axis (`diff`, `apply`).
  static func beforeAndAfter(
    _ before: (name: String, context: ValidationContext), _ after: (name: String, context: ValidationContext),
    format: Format, terminal: Terminal?
  ) -> String {
    let scenes = [scene(name: before.name, before.context), scene(name: after.name, after.context)]
    return render(scenes, captions: ["before", "after"], format: format, terminal: terminal)
  }

  /// A checked tree's picture (`diff`, `apply`).
  static func scene(name: String, _ context: ValidationContext) -> MapScene {
    MapScene(
      title: name, subtitle: subtitle(context.board.model, context.boot, context.request),
      banks: stated(context.board, memory: context.request.memoryOverride), boot: context.boot,
      costs: CostReport.costs(context.boot, context.request))
  }

  static func subtitle(_ what: String?, _ result: BootResult, _ request: BootRequest) -> String {
    let page = result.architecture == .x86 ? "4K" : ByteCount.compact(request.pageSize.bytes)
    return [what, "\(result.architecture.rawValue) boot model, Linux \(result.kernel), \(page) pages"].compactMap { $0 }
      .joined(separator: " — ")
  }

  /// The banks the boot starts from: `--memory` when given, else the tree's memory nodes.
  static func stated(_ board: BoardMemory, memory: [PhysicalRange]?) -> [StatedBank] {
    if let memory { return memory.map { StatedBank(path: "--memory", range: $0, source: "START:SIZE") } }
    return ShowReport.banks(board).map {
      StatedBank(path: $0.path, range: $0.range, source: $0.source, isAvailable: $0.isAvailable)
    }
  }

  /// The picture in `format` (not `.text`): the strip is as wide as the terminal standard output
  /// goes to, and coloured there; 80 columns, plain, in a file or a pipe.
  static func render(_ scenes: [MapScene], captions: [String] = [], format: Format, terminal: Terminal?) -> String {
    let scenes = scenes.map(printable)
    switch format {
    case .svg, .text:
      return SVGMap.render(scenes, captions: captions)
    case .map:
      return TerminalMap.render(
        scenes, captions: captions, width: terminal?.width ?? 80, colour: terminal?.colour ?? false)
    }
  }

  /// The scene with every text from the input escaped as messages are (`MessageText.line`): a
  /// picture is printed as drawn, so its own colour codes are the only control characters in it.
  static func printable(_ scene: MapScene) -> MapScene {
    var safe = scene
    safe.title = MessageText.line(scene.title)
    safe.subtitle = MessageText.line(scene.subtitle)
    for lane in safe.lanes.indices {
      for shape in safe.lanes[lane].shapes.indices {
        safe.lanes[lane].shapes[shape].label = MessageText.line(scene.lanes[lane].shapes[shape].label)
        safe.lanes[lane].shapes[shape].details = scene.lanes[lane].shapes[shape].details.map(MessageText.line)
      }
    }
    safe.unplaced = scene.unplaced.map {
      UnplacedRegion(
        name: MessageText.line($0.name), status: MessageText.line($0.status), detail: MessageText.line($0.detail))
    }
    return safe
  }

  /// A command's output in `format`: written to `path` (never one of `inputs`), or printed — text
  /// escaped (`CommandOutput.print`), a picture as drawn.
  static func output(_ text: String, format: Format, to path: String?, inputs: [String]) -> CommandOutput {
    var output = CommandOutput()
    if format == .text {
      output.write(text: text, to: path ?? "-", inputs: inputs)
    } else if let path, path != "-" {
      output.write(Array(text.utf8), to: path, inputs: inputs)
    } else {
      output.print(picture: text)
    }
    return output
  }

  /// The terminal a picture goes to: standard output's, unless it is written to a file.
  static func terminal(_ environment: Environment, output path: String?) -> Terminal? {
    path == nil || path == "-" ? environment.terminal : nil
  }
}
