/// Options for reading device tree source, on every command that reads INPUT.
enum SourceOptions {
  /// `-I DIR`: a folder `#include <…>`, `#include "…"` and `/include/` search, after the source's
  /// own folder, in the order given (the kernel's build passes `-I scripts/dtc/include-prefixes`).
  static let includeDirectory = Option<[String]>(
    spec: OptionSpec(
      name: "include-dir", short: "I", valueName: "DIR",
      help:
        "A folder #include and /include/ in device tree source search, after the source's own (repeatable; "
        + "a kernel tree's scripts/dtc/include-prefixes finds <dt-bindings/…>). Source with #include, #define "
        + "or #if runs through cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp first, as the kernel's build does.",
      isRepeatable: true, kind: .file)
  ) { (values: [String]) throws(CLIError) -> [String] in
    for value in values where value.isEmpty { throw CLIError("--include-dir", "needs a folder, not an empty name") }
    return values
  }

  /// The command's environment with the `-I` folders it was given.
  static func environment(_ arguments: ParsedArguments) throws(CLIError) -> Environment {
    var environment = arguments.environment
    environment.includeDirectories = try arguments[includeDirectory]
    return environment
  }
}
