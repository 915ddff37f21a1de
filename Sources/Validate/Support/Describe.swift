internal import BootModel
internal import MemoryModel

/// Wording shared by the rules (ranges and sizes: `Describe` in MemoryModel).
extension Describe {
  /// How a reservation is named in a message.
  static func reservation(_ r: Reservation) -> String {
    switch r.origin {
    case .staticRegion, .dynamicRegion: return r.path
    case .memoryReservationBlock:
      let index = r.name.split(separator: "-").last.map(String.init) ?? "?"
      return "/memreserve/ entry #\(index)"
    case .initrd: return "the initrd (\(r.path))"
    case .elfCoreHeader: return "linux,elfcorehdr (\(r.path))"
    case .loader: return "--reserve \(r.name)"
    case .reserveMemParameter: return "reserve_mem=\(r.name)"
    case .defaultCMA: return "the default CMA area"
    case .crashKernel: return "the crash kernel"
    case .firmware: return "\(r.name) (UEFI firmware)"
    }
  }

  /// The page size as people write it.
  static func page(_ size: PageSize) -> String { ByteCount.human(size.bytes) }
}
