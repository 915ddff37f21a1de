internal import BootModel
internal import KernelParameters
internal import MemoryModel

/// `cmdline-too-long`: a command line the kernel cuts.
struct CmdlineTooLong: Rule {
  let id = "cmdline-too-long"
  let severity = Severity.error
  let summary = "The kernel command line is longer than COMMAND_LINE_SIZE; the kernel cuts it."
  let documentation = """
    arm64 copies /chosen bootargs into boot_command_line[COMMAND_LINE_SIZE = 2048] \
    (early_init_dt_scan_chosen(), drivers/of/fdt.c), keeping at most 2047 bytes: parameters past \
    that are lost without a message and the last one kept may be cut in the middle. Put the \
    memory parameters first, or shorten the line.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    let given = context.request.commandLine
    guard context.commandLine.wasTruncated, let size = context.request.limits.commandLineSize else { return [] }
    let limit = size - 1
    let full = KernelCommandLine(given.text, limit: nil)
    let lost = full.parameters.filter { $0.offset + $0.text.utf8.count > limit }.map(\.text)
    let shown = lost.prefix(4).joined(separator: " ") + (lost.count > 4 ? " …" : "")
    return [
      finding(
        at: "cmdline",
        "\(given.text.utf8.count) bytes (\(given.source)): the kernel keeps the first \(limit), so \(lost.count) "
          + "parameter\(lost.count == 1 ? " is" : "s are") cut or lost: \(shown)"
      )
    ]
  }
}
