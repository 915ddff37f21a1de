public import MemoryModel

/// One UEFI memory descriptor (`EFI_MEMORY_DESCRIPTOR`): the type as the firmware gave it, the
/// physical start, the number of 4 KiB UEFI pages and the attribute bits.
public struct UEFIMemoryDescriptor: Hashable, Sendable {
  /// `EFI_PAGE_SIZE`: UEFI counts 4 KiB pages whatever the kernel's page size.
  public static let pageSize: UInt64 = 4096

  public var type: UEFIMemoryType
  public var physicalStart: UInt64
  public var pages: UInt64
  public var attributes: UEFIMemoryAttributes

  public init(type: UEFIMemoryType, physicalStart: UInt64, pages: UInt64, attributes: UEFIMemoryAttributes) {
    self.type = type
    self.physicalStart = physicalStart
    self.pages = pages
    self.attributes = attributes
  }

  /// `[physicalStart, physicalStart + pages × 4 KiB)`; nil when it is empty or passes 2^64.
  public var range: PhysicalRange? {
    let (size, overflow) = pages.multipliedReportingOverflow(by: Self.pageSize)
    guard !overflow else { return nil }
    return PhysicalRange(start: physicalStart, size: size)
  }

  /// The descriptor from inclusive bounds (as the kernel and the Shell print them), or why not.
  static func inclusive(
    type: UEFIMemoryType, first: UInt64, last: UInt64, attributes: UEFIMemoryAttributes
  ) -> Result<UEFIMemoryDescriptor, Why> {
    guard last >= first else {
      return .failure("the range ends (\(Hex.short(last))) before it starts (\(Hex.short(first)))")
    }
    guard first % pageSize == 0 else { return .failure("start \(Hex.short(first)) is not 4 KiB aligned") }
    guard last % pageSize == pageSize - 1 else {
      return .failure("end \(Hex.short(last)) is not the last byte of a 4 KiB page")
    }
    let pages = (last - first) / pageSize + 1
    return .success(UEFIMemoryDescriptor(type: type, physicalStart: first, pages: pages, attributes: attributes))
  }
}
