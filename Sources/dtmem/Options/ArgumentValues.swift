import BootModel
import KernelParameters
import MemoryModel

/// `START:SIZE[:LABEL]` as `--reserve` and `--memory` take it (numbers as `memparse` reads them).
struct RangeArgument {
  var range: PhysicalRange
  var label: String?

  static func parse(_ text: String, option: String) throws(CLIError) -> RangeArgument {
    let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count >= 2 else {
      throw CLIError(option, "'\(text)' is not START:SIZE (e.g. 0x40200000:0x2b20000 or 1G:64M)")
    }
    guard let start = MemParse.wholeNumber(parts[0]) else {
      throw CLIError(
        option, "'\(parts[0])' in '\(text)' is not a number (decimal, 0x hex, 0 octal, optional K M G T P E)")
    }
    guard let size = MemParse.wholeNumber(parts[1]) else {
      throw CLIError(
        option, "'\(parts[1])' in '\(text)' is not a number (decimal, 0x hex, 0 octal, optional K M G T P E)")
    }
    guard size > 0 else { throw CLIError(option, "'\(text)' has size 0") }
    guard let range = PhysicalRange(start: start, size: size) else {
      throw CLIError(option, "'\(text)' runs past the end of the 64-bit address space")
    }
    let label = parts.count == 3 ? String(parts[2]) : nil
    return RangeArgument(range: range, label: label?.isEmpty == true ? nil : label)
  }

  static func parseAll(_ texts: [String], option: String) throws(CLIError) -> [RangeArgument] {
    var result: [RangeArgument] = []
    for text in texts { result.append(try parse(text, option: option)) }
    return result
  }

  /// `--memory` values as banks replacing a blob's memory nodes; nil when none are given.
  static func memoryOverride(_ texts: [String]) throws(CLIError) -> [PhysicalRange]? {
    texts.isEmpty ? nil : try parseAll(texts, option: "--memory").map(\.range)
  }
}

extension Architecture {
  static func parse(_ text: String) throws(CLIError) -> Architecture {
    switch text.lowercased() {
    case "x86", "x86_64", "x86-64", "amd64": return .x86
    case "arm64", "aarch64": return .arm64
    default: throw CLIError("--arch", "'\(text)' is not a boot model: use x86 or arm64")
    }
  }
}

extension PageSize {
  static func parse(_ text: String) throws(CLIError) -> PageSize {
    switch MemParse.wholeNumber(Substring(text)) {
    case 0x1000: return .size4K
    case 0x4000: return .size16K
    case 0x10000: return .size64K
    default: throw CLIError("--page-size", "'\(text)' is not 4K, 16K or 64K")
    }
  }
}

extension KernelVersion {
  /// `--kernel VERSION`: `6.12` (or a release such as `6.12.100`).
  static func parse(_ text: String) throws(CLIError) -> KernelVersion {
    guard let version = KernelVersion(release: text) else {
      throw CLIError("--kernel \(text)", "unsupported kernel version; supported: \(KernelVersion.supportedNames)")
    }
    return version
  }
}
