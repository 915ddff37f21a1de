import BootModel
import Testing

@testable import dtmem

/// Each command offers exactly the options it reads, and every enumerated option's values, help
/// and error come from its one declaration.
@Suite struct CommandOptionTests {
  static let boot = [
    "cmdline", "cmdline-file", "arch", "kernel", "kernel-image", "reserve", "memory", "efi-memmap", "page-size",
    "cmdline-size",
    "e820-max-entries",
  ]
  /// Commands that boot device trees on arm64 only offer no --arch and no x86 table capacity
  /// (issue 12: options a command lists must work).
  static let arm64 = boot.filter { $0 != "arch" && $0 != "e820-max-entries" }

  /// What each command accepts, in help order. Adding an option? Add it here.
  static let accepted: [String: [String]] = [
    "show": boot + ["format", "output", "json", "include-dir"],
    "simulate": ["e820"] + boot + ["format", "json", "include-dir", "explain"],
    "to-memmap": boot + ["quote", "json", "include-dir"],
    "to-e820": ["format", "json", "include-dir", "output", "table", "memory", "kernel", "kernel-image", "efi-memmap"],
    "to-dts": [
      "cmdline", "kernel", "kernel-image", "efi-memmap", "cmdline-size", "e820-max-entries", "fragment", "output",
      "json", "include-dir",
    ],
    "to-overlay": arm64 + ["boot-cmdline", "output", "json", "include-dir"],
    "apply": ["output", "in-place"] + arm64 + ["werror", "format", "json", "include-dir"],
    "validate": arm64 + ["format", "json", "include-dir", "werror", "list-rules", "output"],
    "diff": arm64 + ["kernels", "format", "output", "json", "include-dir"],
  ]

  /// The fewest words each command's `init` accepts.
  static func minimal(_ name: String) -> [String] {
    switch name {
    case "diff": ["a.dtb", "b.dtb"]
    case "apply": ["a.dtb", "b.dtbo", "-o", "c.dtb"]
    case "to-overlay", "validate": []
    default: ["a.dtb"]
    }
  }

  @Test func everyCommandAcceptsItsOptions() {
    #expect(Set(DTMem.commands.map { $0.spec.name }) == Set(Self.accepted.keys))
    for command in DTMem.commands {
      #expect(command.spec.options.map(\.name) == Self.accepted[command.spec.name], "\(command.spec.name)")
    }
  }

  @Test func everyCommandReadsExactlyWhatItDeclares() throws {
    for command in DTMem.commands {
      var arguments = try ParsedArguments(Self.minimal(command.spec.name), spec: command.spec)
      let log = ParsedArguments.ReadLog()
      arguments.readLog = log
      _ = try command.init(arguments)
      // Reading an undeclared option asserts; every declared one must be read.
      #expect(Set(log.names) == Set(command.spec.options.map(\.name)), "\(command.spec.name)")
    }
  }

  @Test func everyChoiceIsAcceptedAndNothingElse() throws {
    for command in DTMem.commands {
      let name = command.spec.name
      for option in command.spec.options where !option.choices.isEmpty {
        for choice in option.choices {
          let words = Self.minimal(name) + ["--\(option.name)", choice]
          #expect(throws: Never.self, "\(name) --\(option.name) \(choice)") {
            _ = try command.init(try ParsedArguments(words, spec: command.spec))
          }
        }
        let result = DTMem.run([name] + Self.minimal(name) + ["--\(option.name)", "bogus"], environment: .testing())
        #expect(result.status == 2, "\(name) --\(option.name) bogus")
        #expect(result.standardError.hasPrefix("dtmem: error: --\(option.name)"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
        for choice in option.choices where option.name != "kernel" || choice == KernelVersion.default.rawValue {
          #expect(result.standardError.contains(choice), "\(name) --\(option.name): \(result.standardError)")
        }
        // The help lists every value and the default.
        for choice in option.choices { #expect(option.help.contains(choice), "\(name) --\(option.name) \(choice)") }
        #expect(option.defaultValue.map { option.choices.contains($0) } ?? true, "\(name) --\(option.name)")
      }
    }
  }

  @Test func typedValuesComeFromTheirDeclaration() throws {
    let show = try ParsedArguments(["a.dtb", "--page-size", "0x4000", "--arch", "AArch64"], spec: Show.spec)
    #expect(try show[BootOptions.pageSizeOption] == .size16K)
    #expect(try show[BootOptions.arch] == .arm64)
    #expect(try show[BootOptions.kernelOption] == .default)
    let quoted = try ParsedArguments(["a.dtb", "--quote", "grub-default"], spec: ToMemmap.spec)
    #expect(try quoted[ToMemmap.quote] == .grubDefault)
    #expect(try ParsedArguments(["a.dtb"], spec: ToMemmap.spec)[ToMemmap.quote] == .none)
  }
}
