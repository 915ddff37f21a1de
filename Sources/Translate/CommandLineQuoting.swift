/// Ways to write a command line so that the tool it is pasted into hands the kernel exactly the
/// same bytes. `$` is the problem: a shell expands `$0x…` inside double quotes, and GRUB expands
/// `$…` in grub.cfg — an unescaped `memmap=64M$0x90000000` reaches the kernel as `memmap=64M`,
/// which removes all RAM above 64 MiB.
public enum CommandLineQuoting: String, CaseIterable, Sendable {
  /// The bytes the kernel must receive (for U-Boot `bootargs` set with single quotes, kexec
  /// `--append` from a script variable, QEMU `-append` in single quotes).
  case none
  /// One single-quoted shell word: `'memmap=exactmap memmap=64M$0x90000000'`.
  case shell
  /// For a `linux` line in grub.cfg: `$` written as `\$`.
  case grub
  /// For `GRUB_CMDLINE_LINUX="…"` in /etc/default/grub, which the shell reads before
  /// grub-mkconfig writes grub.cfg: `$` written as `\\\$`.
  case grubDefault = "grub-default"

  public func apply(_ line: String) -> String {
    switch self {
    case .none: return line
    case .shell:
      return "'" + line.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    case .grub: return line.split(separator: "$", omittingEmptySubsequences: false).joined(separator: "\\$")
    case .grubDefault: return line.split(separator: "$", omittingEmptySubsequences: false).joined(separator: "\\\\\\$")
    }
  }
}
