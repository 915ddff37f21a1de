internal import BootModel
internal import MemoryModel

/// `memory-missing`: the blob states no memory (the bootloader is expected to fill it in).
struct MemoryMissing: Rule {
  let id = "memory-missing"
  let severity = Severity.warning
  let summary = "The blob has no memory node, or its memory nodes hold no memory."
  let documentation = """
    early_init_dt_scan_memory() (drivers/of/fdt.c) adds the reg (or linux,usable-memory) ranges of \
    root nodes with device_type = "memory"; size-0 ranges, disabled nodes and nodes without reg add \
    nothing. Blobs shipped with a kernel usually leave memory to the bootloader (U-Boot's \
    fdt_fixup_memory_banks(), or UEFI, whose memory map replaces DT memory entirely), but a blob \
    handed to the kernel in that state on a DT boot gives it no RAM. The other rules still run; \
    those that need memory (dynamic placement, reservations or the initrd outside memory, \
    sparsemem holes, mem=) are skipped — give the banks with --memory START:SIZE to run them.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    guard let why = context.missingMemory else { return [] }
    let path = context.board.memoryNodes.first?.path ?? "/"
    let reason = why.split(separator: ";").first.map(String.init) ?? why
    return [
      finding(
        at: path,
        "\(reason): a DT boot of this blob as it is has no RAM; the bootloader must add it (or boot through UEFI). "
          + "Checks that need memory were skipped; give --memory START:SIZE to run them"
      )
    ]
  }
}
