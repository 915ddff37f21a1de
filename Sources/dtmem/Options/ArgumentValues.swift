import BootModel
import KernelParameters
import MemoryModel

/// `START:SIZE[:LABEL]` as `--reserve` and `--memory` take it (numbers as `memparse` reads them).
struct RangeArgument {
  var range: PhysicalRange
  var label: String?

  static func parse(_ text: String, option: String) throws(CLIError) -> RangeArgument {
    // START, SIZE and an optional LABEL (which may itself hold colons).
    guard let colon = text.firstIndex(of: ":") else {
      throw CLIError(option, "'\(text)' is not START:SIZE (e.g. 0x40200000:0x2b20000 or 1G:64M)")
    }
    let startText = text[..<colon]
    var sizeText = text[text.index(after: colon)...]
    var label: String? = nil
    if let second = sizeText.firstIndex(of: ":") {
      label = String(sizeText[sizeText.index(after: second)...])
      sizeText = sizeText[..<second]
    }
    guard let start = MemParse.wholeNumber(startText) else {
      throw CLIError(
        option, "'\(startText)' in '\(text)' is not a number (decimal, 0x hex, 0 octal, optional K M G T P E)")
    }
    guard let size = MemParse.wholeNumber(sizeText) else {
      throw CLIError(
        option, "'\(sizeText)' in '\(text)' is not a number (decimal, 0x hex, 0 octal, optional K M G T P E)")
    }
    guard size > 0 else { throw CLIError(option, "'\(text)' has size 0") }
    guard let range = PhysicalRange(start: start, size: size) else {
      throw CLIError(option, "'\(text)' runs past the end of the 64-bit address space")
    }
    return RangeArgument(range: range, label: label?.isEmpty == true ? nil : label)
  }

  /// A count the kernel caps something at (`--cmdline-size`, `--e820-max-entries`): 0 for no
  /// limit (nil), else at least 2.
  static func limit(_ text: String, option: String, unit: String) throws(CLIError) -> Int? {
    guard let value = MemParse.wholeNumber(Substring(text)), value <= UInt64(Int32.max) else {
      throw CLIError(option, "'\(text)' is not a number of \(unit)")
    }
    guard value != 0 else { return nil }
    guard value >= 2 else { throw CLIError(option, "must be 0 (no limit) or at least 2") }
    return Int(value)
  }
}
