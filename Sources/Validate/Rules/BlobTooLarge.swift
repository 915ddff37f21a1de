internal import BootModel
internal import MemoryModel

/// `blob-too-large`: arm64 refuses blobs over 2 MiB.
struct BlobTooLarge: Rule {
  /// `MAX_FDT_SIZE` (arch/arm64/include/asm/boot.h).
  static let maximumSize: UInt64 = 0x20_0000

  let id = "blob-too-large"
  let severity = Severity.error
  let summary = "The blob is larger than the 2 MiB arm64 accepts."
  let documentation = """
    arm64's setup_machine_fdt() (arch/arm64/kernel/setup.c) maps the blob through a fixmap window \
    of MAX_FDT_SIZE = 2 MiB and refuses a blob whose totalsize is larger: the kernel reports an invalid \
    device tree blob (it must be 8-byte aligned and at most 2 MB) and stops before the console is \
    up. Bootloaders that pad the blob for fixups (fdt resize, \
    QEMU's 2 × (size + 10000)) can push a large tree over the limit.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    guard let size = context.board.blobSize, UInt64(size) > Self.maximumSize else { return [] }
    return [
      finding(
        at: "/",
        "totalsize is \(Describe.bytes(UInt64(size))), over the \(ByteCount.human(Self.maximumSize)) arm64 maps "
          + "(MAX_FDT_SIZE): setup_machine_fdt() refuses the blob and the kernel does not boot"
      )
    ]
  }
}
