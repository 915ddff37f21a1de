/// Why a boot model cannot produce a map.
public enum BootModelError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The description holds no memory at all (e.g. a blob whose memory node the bootloader fills).
  case noMemory(String)
  /// The architecture does not boot from this kind of input.
  case unsupported(String)
  /// The blob was booted through UEFI (the EFI stub's `/chosen` entries) and no UEFI memory map
  /// was given.
  case needsFirmwareMap(String)

  public var description: String {
    switch self {
    case .noMemory(let why), .unsupported(let why), .needsFirmwareMap(let why): why
    }
  }
}
