/// The C preprocessor pass the kernel's build runs on every device tree source before dtc
/// (scripts/Makefile.lib, `cmd_dtc`, Linux 6.12: `$(HOSTCC) -E $(dtc_cpp_flags) -x
/// assembler-with-cpp`, with `dtc_cpp_flags = … -nostdinc -I$(DTC_INCLUDE) -undef -D__DTS__`;
/// dtc then gets `-i $(dir $<)`). Kernel-tree sources need it for `#include <dt-bindings/…>`,
/// `#include "board.dtsi"` and the macros they define. dtmem runs it only on source that has a
/// preprocessor directive, so other source reaches dtc byte for byte as given.
enum DeviceTreePreprocessor {
  /// The directives that make a line the preprocessor's (`#address-cells` is a property).
  static let directives: Set<String> = [
    "include", "define", "undef", "if", "ifdef", "ifndef", "elif", "else", "endif", "error", "warning", "pragma",
    "line", "include_next",
  ]

  /// Whether some line starts (after blanks) with `#` and a directive.
  static func isNeeded(_ source: [UInt8]) -> Bool {
    var index = 0
    let count = source.count
    while index < count {
      while index < count && (source[index] == 0x20 || source[index] == 0x09) { index += 1 }
      if index < count && source[index] == UInt8(ascii: "#") {
        var start = index + 1
        while start < count && (source[start] == 0x20 || source[start] == 0x09) { start += 1 }
        var end = start
        while end < count && (isLetter(source[end]) || source[end] == UInt8(ascii: "_")) { end += 1 }
        let followed = end < count ? source[end] : 0x0a
        if end > start, followed != UInt8(ascii: "-"),
          directives.contains(String(decoding: source[start..<end], as: UTF8.self))
        {
          return true
        }
      }
      while index < count && source[index] != 0x0a { index += 1 }
      index += 1
    }
    return false
  }

  static func isLetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
  }

  /// The folder a source path is in (what `$(dir $<)` gives), `.` for a bare name.
  static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// The preprocessor's command line for `file`, searching `includeDirectories` in order.
  static func arguments(file: String, includeDirectories: [String]) -> [String] {
    ["cpp", "-nostdinc", "-undef", "-D__DTS__", "-x", "assembler-with-cpp"]
      + includeDirectories.flatMap { ["-I", $0] } + ["-o", "-", file]
  }

  /// The preprocessed source of `file`, within dtc's limits.
  static func run(
    file: String, name: String, includeDirectories: [String], limits: Subprocess.Limits
  ) throws(CLIError) -> [UInt8] {
    guard let output = Subprocess.run(arguments(file: file, includeDirectories: includeDirectories), limits: limits)
    else {
      throw CLIError(
        name,
        "is device tree source with C preprocessor directives (#include, #define, …), which the kernel's build runs "
          + "through cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp before dtc, and cpp is not installed "
          + "(apt-get install cpp), or give a .dtb")
    }
    try DeviceTreeCompiler.check(
      output, program: "cpp", what: "preprocessed source", reads: "an #include", name: name, limits: limits)
    guard output.status == 0 else {
      let message = DeviceTreeCompiler.firstError(output) ?? "exit status \(output.status)"
      let hint =
        message.contains("No such file")
        ? "; give the folder that holds it with -I DIR (in a kernel tree: -I scripts/dtc/include-prefixes)" : ""
      throw CLIError(name, "cpp could not preprocess it: \(message.replacing(file, with: name))\(hint)")
    }
    return output.standardOutput
  }
}
