import ArgumentParser

#if canImport(Glibc)
  import Glibc
#endif

@main
struct DTMem: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dtmem",
    abstract: "Physical memory maps the way Linux 6.12 builds them: device tree, e820, memmap=.",
    discussion: """
      dtmem reads a device tree blob's /memory, /reserved-memory, /memreserve/ and /chosen facts \
      (through libfdt), x86 e820 tables and the memmap=, mem= and reserve_mem= kernel parameters, \
      and converts between them with the kernel's own semantics. Its arm64 model predicts where \
      every dynamic reserved-memory region lands and what the kernel refuses; its x86 model \
      replays memmap=/mem= edits on an e820 table exactly.

      INPUT is detected from its content: a .dtb, a .dts (compiled with dtc), a kernel log with \
      BIOS-e820 lines, /proc/iomem, a /sys/firmware/memmap directory, dtmem's own JSON, or - for \
      standard input.

      Exit status: 0 success; 1 validate found problems; 2 the input or parameters could not be \
      used (one line on stderr: dtmem: error: WHAT: WHY).
      """,
    version: "0.1.0",
    subcommands: [
      Show.self, Simulate.self, ToMemmap.self, ToE820.self, ToDTS.self, ToOverlay.self, Apply.self, ValidateCommand.self,
      DiffCommand.self,
    ]
  )

  /// Parses, runs, and maps every failure onto the contract's exit statuses.
  static func main() {
    var command: ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }
      FileIO.writeStandardError("dtmem: error: \(message(for: error))\n")
      FileIO.writeStandardError("Run 'dtmem help' or 'dtmem help COMMAND' for usage.\n")
      Glibc.exit(2)
    }
    do {
      try command.run()
    } catch let error as CLIError {
      FileIO.writeStandardError("dtmem: error: \(error.description)\n")
      Glibc.exit(2)
    } catch {
      let code = exitCode(for: error)
      if code == .success || code.rawValue == 1 { exit(withError: error) }
      FileIO.writeStandardError("dtmem: error: \(message(for: error))\n")
      Glibc.exit(2)
    }
  }
}
