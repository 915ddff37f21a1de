/// The Linux versions whose boot dtmem models, each as Debian builds it. Every boot model reads
/// the version from its request (`BootRequest.kernel`) and nowhere else. A new version is one
/// case here, the steps that differ (each a named rule reading `kernel`), and its kernel-log
/// renderers (`KernelLog.renderer(_:_:)`). Cases are named `vMAJOR_MINOR`.
// swift-format-ignore: AlwaysUseLowerCamelCase
public enum KernelVersion: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// Linux 6.1 as Debian 12 ships it (`linux-image-6.1.0-50`, 6.1.176 on arm64 and x86-64).
  case v6_1 = "6.1"
  /// Linux 6.12 as Debian 12 ships it (6.12.100 on arm64 and x86-64): the default.
  case v6_12 = "6.12"

  public static let `default` = KernelVersion.v6_12

  /// `6.12`.
  public var description: String { rawValue }

  /// The versions as a user types them, in order: `6.1, 6.12`.
  public static var supportedNames: String { allCases.map(\.rawValue).joined(separator: ", ") }

  /// A version as written (`6.12`) or a kernel release (`6.12.100+deb12-arm64`): the modelled
  /// version with that major and minor number; nil for any other.
  public init?(release: String) {
    let numbers = release.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
    guard numbers.count >= 2 else { return nil }
    let minor = numbers[1].prefix { $0.isASCII && $0.isNumber }
    // After major.minor only a patch level (".100") or the end may follow.
    guard !minor.isEmpty, numbers.count == 3 || minor.count == numbers[1].count else { return nil }
    guard let version = KernelVersion(rawValue: "\(numbers[0]).\(minor)") else { return nil }
    self = version
  }
}
