import Foundation
import TestSupport
import Testing

@testable import dtmem

/// `--generate-completion-script bash|zsh|fish` and `--generate-manual`: accepted by the shells
/// and by groff, complete what they should, and name every command and option the specs declare.
@Suite struct GeneratedDocumentationTests {
  static func generated(_ words: [String]) throws -> String {
    let result = try InProcess.run(words)
    guard result.status == 0, result.errorText.isEmpty else {
      throw TestFailure("dtmem \(words.joined(separator: " ")): \(result.status) \(result.errorText)")
    }
    return result.text
  }

  static func installed(_ program: String) -> Bool {
    ["/usr/bin/", "/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + program) }
  }

  /// Every command's name and every option's `--name`, in `text` (as `escape` writes names).
  func expectEverythingNamed(_ text: String, _ what: String, escape: (String) -> String = { $0 }) {
    for command in DTMem.commands {
      #expect(text.contains(escape(command.spec.name)), "\(what): \(command.spec.name)")
      for option in command.spec.options {
        #expect(text.contains(escape("--" + option.name)), "\(what): \(command.spec.name) --\(option.name)")
      }
    }
    for option in DTMem.program.options {
      #expect(text.contains(escape("--" + option.name)), "\(what): --\(option.name)")
    }
  }

  @Test func bashAcceptsAndCompletesTheBashScript() throws {
    let script = try Self.generated(["--generate-completion-script", "bash"])
    let check = try Command.run(["bash", "-n"], input: Array(script.utf8))
    #expect(check.status == 0, "\(check.errorText)")
    expectEverythingNamed(script, "bash")
    // What bash offers after each line typed so far (the last word being completed).
    let probe = """
      source /dev/stdin
      t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _dtmem; echo "${COMPREPLY[*]}"; }
      t dtmem si
      t dtmem show --format ''
      t dtmem to-memmap x --quote grub
      t dtmem simulate --pa
      t dtmem show dts/cma-carv
      t dtmem --generate-completion-script ''
      t dtmem help to-o
      t dtmem show --cmdline ''
      """
    let completions = try Command.run(
      ["bash", "-c", "exec 3<&0; " + probe.replacingOccurrences(of: "/dev/stdin", with: "/dev/fd/3")],
      input: Array(script.utf8), directory: Repository.root)
    #expect(completions.status == 0, "\(completions.errorText)")
    #expect(
      completions.text.split(separator: "\n", omittingEmptySubsequences: false) == [
        "simulate", "text svg map", "grub grub-default", "--page-size", "dts/cma-carveouts.dts", "bash zsh fish",
        "to-overlay", "", "",
      ])
  }

  @Test(.enabled(if: installed("zsh"))) func zshAcceptsTheZshScript() throws {
    let script = try Self.generated(["--generate-completion-script", "zsh"])
    #expect(script.hasPrefix("#compdef dtmem\n"))
    let check = try Command.run(["zsh", "-n"], input: Array(script.utf8))
    #expect(check.status == 0, "\(check.errorText)")
    expectEverythingNamed(script, "zsh")
    #expect(script.contains("--format[One of text, svg, map]"))
    let (offered, printed) = try Self.zshCompletions(
      script,
      [
        "dtmem si", "dtmem to-memmap x --quote g", "dtmem simulate x --pa", "dtmem help to-o",
        "dtmem --generate-completion-script ", "dtmem show dts/cma-c", "dtmem to-memmap x --quote ",
      ])
    // Each value of an enumerated option is listed with what it means, quoted as written.
    #expect(printed.contains("-- \\\\\\$ for GRUB_CMDLINE_LINUX in /etc/default/grub"), "\(printed)")
    #expect(printed.contains("-- put it in a directory on $fpath as _dtmem"), "\(printed)")
    #expect(
      offered.map { $0.last ?? "" } == [
        "simulate", "grub grub-default", "--page-size", "to-overlay", "bash zsh fish", "cma-carveouts.dts",
        "none shell grub grub-default",
      ], "\(offered)")
    #expect(script.contains("--quote[How to write the line for where it goes]"))
    #expect(script.contains(#":format:((text svg\:"a standalone SVG 1.1 picture of the map" map\:"#))
  }

  /// Types each line and a tab into an interactive zsh (in a pseudo-terminal, with the script as
  /// `_dtmem` on `$fpath`), and prints what `compadd` was offered as `<<words>>`, each line's
  /// output ending in `@@END@@`.
  static let zshDriver = #"""
    # zsh COMPLETION-DIR LINE…: types each LINE and a tab into an interactive zsh in a pty, and
    # prints one line per LINE with what compadd was offered (<<words>> per call).
    zmodload zsh/zpty
    zmodload zsh/datetime
    zpty z zsh -f -i
    zpty -w z "PROMPT=''; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
    zpty -w z 'dtmem() { : }'
    zpty -w z 'compadd() {'
    zpty -w z '  local -a __h; builtin compadd -O __h "$@"'
    zpty -w z '  (( $#__h )) && print -r -- "<<${(j: :)__h}>>"; builtin compadd "$@"'
    zpty -w z '}'
    zpty -w z 'zstyle ":completion:*" menu no'
    zpty -w z 'print READY'
    zpty -r z line '*READY*'
    shift
    for probe in "$@"; do
      zpty -n -w z "$probe"$'\t'
      out=""
      deadline=$(( EPOCHREALTIME + 10 ))
      quiet=0
      while (( EPOCHREALTIME < deadline )); do
        if zpty -r -t z line; then out+="$line"; quiet=0
        else
          [[ $out == *'>>'* ]] && (( ++quiet > 20 )) && break
          sleep 0.02
        fi
      done
      zpty -w z $'\C-u'
      print -r -- "$out"
      print -r -- "@@END@@"
    done
    zpty -d z
    """#

  /// What zsh offers after each line: the words of every `compadd` call, in order; and what it
  /// printed (the listings), terminal escapes removed.
  static func zshCompletions(_ script: String, _ lines: [String]) throws -> (offers: [[String]], printed: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-zsh-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try script.write(to: directory.appendingPathComponent("_dtmem"), atomically: true, encoding: .utf8)
    let result = try Command.run(
      ["timeout", "60", "zsh", "-f", "-c", zshDriver, "zsh", directory.path] + lines, directory: Repository.root)
    guard result.status == 0 else { throw TestFailure("zsh: \(result.status) \(result.errorText)") }
    let offers = result.text.components(separatedBy: "@@END@@").dropLast().map { chunk in
      chunk.components(separatedBy: "<<").dropFirst().compactMap { piece in
        piece.range(of: ">>").map { String(piece[..<$0.lowerBound]) }
      }
    }
    let printed = result.text.replacingOccurrences(
      of: "\u{1b}\\[[0-9;?]*[a-zA-Z]", with: "", options: .regularExpression)
    return (offers, printed)
  }

  @Test(.enabled(if: installed("fish"))) func fishAcceptsAndCompletesTheFishScript() throws {
    let script = try Self.generated(["--generate-completion-script", "fish"])
    let check = try Command.run(["fish", "-n"], input: Array(script.utf8))
    #expect(check.status == 0, "\(check.errorText)")
    expectEverythingNamed(script, "fish") { $0.hasPrefix("--") ? "-l " + $0.dropFirst(2) : $0 }
    let probe =
      "source; complete -C 'dtmem show --format '; complete -C 'dtmem to-e'; complete -C 'dtmem show dts/cma-c'"
    let completions = try Command.run(
      ["fish", "--no-config", "-c", probe], input: Array(script.utf8), directory: Repository.root)
    #expect(completions.status == 0, "\(completions.errorText)")
    let offered = completions.text.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }
    #expect(offered == ["map", "svg", "text", "to-e820", "dts/cma-carveouts.dts"], "\(completions.text)")
    // Each value of an enumerated option with what it means.
    #expect(completions.text.contains("svg\ta standalone SVG 1.1 picture of the map\n"), "\(completions.text)")
    let quoting = try Command.run(
      ["fish", "--no-config", "-c", "source; complete -C 'dtmem to-memmap x --quote grub'"], input: Array(script.utf8))
    #expect(quoting.text.contains("grub\t\\$ for a grub.cfg linux line\n"), "\(quoting.text)")
  }

  @Test func groffRendersTheManualWithoutWarnings() throws {
    let manual = try Self.generated(["--generate-manual"])
    #expect(manual.contains(".TH DTMEM 1 "))
    for device in ["-Tutf8", "-Tps"] {
      let result = try Command.run(["groff", "-man", "-ww", "-z", device], input: Array(manual.utf8))
      #expect(result.status == 0 && result.errorText.isEmpty, "groff \(device): \(result.errorText)")
    }
    expectEverythingNamed(manual, "manual", escape: { ManualPage.text($0) })
    for command in DTMem.commands {
      #expect(manual.contains(".SS \(command.spec.name)\n"), "\(command.spec.name)")
      for example in command.spec.examples {
        #expect(manual.contains(ManualPage.text("$ dtmem " + example)), "\(example)")
      }
    }
    #expect(manual.contains(".SH EXAMPLES") && manual.contains(".SH EXIT STATUS"))
    // Only ASCII reaches groff: the rest is written as glyph escapes.
    #expect(manual.utf8.allSatisfy { $0 < 0x80 })
  }

  @Test func badRequestsAreOneLineErrors() throws {
    for words in [
      ["--generate-completion-script"], ["--generate-completion-script", "tcsh"],
      ["--generate-manual", "--generate-completion-script", "bash"], ["--generate-manual", "extra"],
    ] {
      let result = try InProcess.run(words)
      #expect(result.status == 2, "\(words)")
      #expect(
        result.text.isEmpty && result.errorText.split(separator: "\n").count == 1, "\(words): \(result.errorText)")
    }
    #expect(try InProcess.run(["--generate-completion-script", "tcsh"]).errorText.contains("bash, zsh, fish"))
    #expect(
      try InProcess.run(["--generate-completion-script"]).errorText
        == "dtmem: error: --generate-completion-script: needs a value (bash, zsh, fish)\n")
    #expect(try Self.generated(["--generate-completion-script=fish"]).contains("complete -c dtmem"))
  }
}
