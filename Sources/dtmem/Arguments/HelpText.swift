/// Help screens generated from the specs, wrapped for an 80-column terminal.
enum HelpText {
  static let width = 80
  static let column = 28

  static func command(_ spec: CommandSpec) -> String {
    var out = "OVERVIEW: \(spec.abstract)\n\n"
    for paragraph in paragraphs(spec.discussion) {
      if paragraph.isPreformatted {
        // A table keeps its indented lines; runs of unindented text around it are wrapped.
        var prose: [Substring] = []
        for line in paragraph.text.split(separator: "\n", omittingEmptySubsequences: false) {
          if line.hasPrefix(" ") {
            if !prose.isEmpty { out += wrap(prose.joined(separator: " "), indent: 0) + "\n" }
            prose = []
            out += line + "\n"
          } else {
            prose.append(line)
          }
        }
        if !prose.isEmpty { out += wrap(prose.joined(separator: " "), indent: 0) + "\n" }
        out += "\n"
      } else {
        out += wrap(paragraph.text, indent: 0) + "\n\n"
      }
    }
    out += "USAGE: dtmem \(spec.name)\(usage(spec))\n\n"
    if !spec.arguments.isEmpty {
      out += "ARGUMENTS:\n"
      for argument in spec.arguments {
        out += entry("<\(argument.valueName.lowercased())>\(argument.isRepeating ? " ..." : "")", argument.help)
      }
      out += "\n"
    }
    out += "OPTIONS:\n"
    for option in ProgramSpec.options(of: spec) {
      var help = option.help
      if let value = option.defaultValue { help += " (default: \(value))" }
      out += entry(label(option), help)
    }
    return out
  }

  /// `-o, --output <file>`.
  static func label(_ option: OptionSpec) -> String {
    var label = option.short.map { "-\($0), " } ?? ""
    label += "--\(option.name)"
    if let value = option.valueName { label += " <\(value.lowercased())>" }
    return label
  }

  static func root(_ program: ProgramSpec, exitStatus: String) -> String {
    var out = "OVERVIEW: \(program.abstract)\n\n"
    for paragraph in paragraphs(program.discussion + "\n\n" + exitStatus) {
      out += wrap(paragraph.text, indent: 0) + "\n\n"
    }
    out += "USAGE: dtmem <subcommand>\n\nOPTIONS:\n"
    for option in program.options { out += entry(label(option), option.help) }
    out += "\nSUBCOMMANDS:\n"
    for command in program.commands { out += entry(command.name, command.abstract) }
    out += "\n  See 'dtmem help <subcommand>' for detailed help.\n"
    return out
  }

  /// `<input> [<options>]`: the arguments, and the options listed below.
  static func usage(_ spec: CommandSpec) -> String {
    var parts: [String] = []
    for argument in spec.arguments {
      let name = "<\(argument.valueName.lowercased())>\(argument.isRepeating ? " ..." : "")"
      parts.append(argument.isOptional ? "[\(name)]" : name)
    }
    if !spec.options.isEmpty { parts.append("[<options>]") }
    return parts.isEmpty ? "" : " " + parts.joined(separator: " ")
  }

  static func entry(_ label: String, _ help: String) -> String {
    let lead = "  " + label
    if lead.count + 2 <= column {
      let body = wrap(help, indent: column)
      return lead + String(repeating: " ", count: column - lead.count) + body.dropFirst(column) + "\n"
    }
    return lead + "\n" + wrap(help, indent: column) + "\n"
  }

  struct Paragraph {
    var text: String
    var isPreformatted: Bool
  }

  /// Blank-line separated paragraphs; lines ending in `\` join, and a paragraph with lines
  /// indented by two or more spaces (a table) is kept as written.
  static func paragraphs(_ text: String) -> [Paragraph] {
    var result: [Paragraph] = []
    for block in text.split(separator: "\n\n", omittingEmptySubsequences: true) {
      let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
      if lines.dropFirst().contains(where: { $0.hasPrefix("  ") }) {
        result.append(Paragraph(text: lines.joined(separator: "\n"), isPreformatted: true))
        continue
      }
      let joined = lines.map { $0.hasSuffix("\\") ? String($0.dropLast()) : String($0) + " " }.joined()
      result.append(Paragraph(text: joined.split(separator: " ").joined(separator: " "), isPreformatted: false))
    }
    return result
  }

  /// Greedy word wrap; every line starts with `indent` spaces.
  static func wrap(_ text: String, indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && indent + line.count + 1 + word.count > width {
        lines.append(pad + line)
        line = String(word)
      } else {
        line += (line.isEmpty ? "" : " ") + word
      }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(pad + line) }
    return lines.joined(separator: "\n")
  }
}
