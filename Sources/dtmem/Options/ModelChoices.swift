import BootModel
import KernelParameters
import Translate

/// `--arch`: the boot model (a few other names for each are accepted).
extension Architecture: OptionChoice {
  var name: String { rawValue }

  static func choice(_ text: String) -> Architecture? {
    switch text.lowercased() {
    case "x86", "x86_64", "x86-64", "amd64": return .x86
    case "arm64", "aarch64": return .arm64
    default: return nil
    }
  }

  static func refusal(_ text: String, option: String) -> CLIError {
    CLIError(option, "'\(text)' is not a boot model: use x86 or arm64")
  }
}

/// `--page-size`: 4K, 16K or 64K, written any way `memparse` reads them (`16k`, `0x4000`).
extension PageSize: OptionChoice {
  var name: String {
    switch self {
    case .size4K: "4K"
    case .size16K: "16K"
    case .size64K: "64K"
    }
  }

  static func choice(_ text: String) -> PageSize? {
    MemParse.wholeNumber(Substring(text)).flatMap(PageSize.init(rawValue:))
  }
}

/// `--kernel`: a modelled version, as written (`6.12`) or as a release (`6.12.100+deb12-arm64`).
extension KernelVersion: OptionChoice {
  var name: String { rawValue }

  static func choice(_ text: String) -> KernelVersion? { KernelVersion(release: text) }

  static func refusal(_ text: String, option: String) -> CLIError {
    CLIError("\(option) \(text)", "unsupported kernel version; supported: \(KernelVersion.supportedNames)")
  }
}

/// `to-memmap --quote`.
extension CommandLineQuoting: OptionChoice {
  var meaning: String {
    switch self {
    case .none: "the bytes the kernel gets"
    case .shell: "one single-quoted shell word"
    case .grub: "\\$ for a grub.cfg linux line"
    case .grubDefault: "\\\\\\$ for GRUB_CMDLINE_LINUX in /etc/default/grub"
    }
  }
}
