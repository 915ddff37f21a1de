internal import FirmwareTables
internal import MemoryModel

/// `efi_load_initrd()` (drivers/firmware/efi/libstub/efi-stub-helper.c), the same in Linux 6.12
/// and 6.1: the stub asks the firmware's `LoadFile2` protocol on the initrd media device path
/// (EDK2 gives QEMU's `-initrd` this way and appends `initrd=initrd` to the load options), loads
/// it with `efi_allocate_pages()` — `EFI_ALLOC_ALIGN` (64 KiB) on arm64, top-down — into Loader
/// Data, and hands it over in the `LINUX_EFI_INITRD_MEDIA` configuration table (`efi: … INITRD=`),
/// which `efi_config_parse_tables()` turns into `phys_initrd_start`/`phys_initrd_size`; the stub
/// writes no `linux,initrd-*` into `/chosen`. `arm64_memblock_init()` then treats it as any
/// initrd (added back after `mem=`, reserved). Recorded: efird-* and efird61-* in
/// Tests/Fixtures/recorded/arm64-uefi-initrd.jsonl (docs/kernel-findings-uefi.md §6).
enum EFILoadInitrd {
  /// `EFI_ALLOC_ALIGN` of the arm64 stub.
  static let allocationAlignment: UInt64 = 0x1_0000

  struct Loaded: Hashable {
    var tuple: RegTuple
    /// The `--reserve …:initrd` entry it was given as, if any.
    var loader: PhysicalRange?
  }

  /// `--reserve START:SIZE:initrd` when given (the kernel reserves it page-rounded); else from the
  /// map: the FDT copy is allocated right after the initrd, so a Loader Data block of 2 MiB plus
  /// a 64 KiB multiple is `[FDT copy][initrd]`, the initrd at its 2 MiB point, its size known to
  /// 64 KiB (estimated). An initrd too large for the block the FDT copy then takes is a Loader
  /// Data block of its own that the map cannot tell from others: give `--reserve` for it.
  static func locate(_ layout: UEFIFirmwareLayout, given: [LoaderReservation]) -> (Loaded, estimated: Bool)? {
    if let loader = given.first(where: { ($0.label ?? "").lowercased().hasPrefix("initrd") }) {
      return (
        Loaded(tuple: RegTuple(address: loader.range.start, size: loader.range.size), loader: loader.range), false
      )
    }
    let fdt = UEFIFirmwareLayout.stubFDTAllocation
    guard !layout.regions(.loaderData).contains(where: { $0.size == fdt }),
      let block = layout.regions(.loaderData).first(where: {
        $0.size > fdt && ($0.size - fdt) % allocationAlignment == 0
      })
    else { return nil }
    return (Loaded(tuple: RegTuple(address: block.start + fdt, size: block.size - fdt), loader: nil), true)
  }
}
