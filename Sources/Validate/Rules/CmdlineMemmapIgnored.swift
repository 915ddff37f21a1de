internal import BootModel
internal import KernelParameters
internal import MemoryModel

/// `cmdline-memmap-ignored`: memmap= does nothing on arm64.
struct CmdlineMemmapIgnored: Rule {
  let id = "cmdline-memmap-ignored"
  let severity = Severity.warning
  let summary = "memmap= is on an arm64 command line, where it does not exist."
  let documentation = """
    memmap= is an x86 (and MIPS) early parameter (parse_memmap_opt(), arch/x86/kernel/e820.c); arm64 has \
    no handler, so unknown_bootoption() (init/main.c) collects it, Linux lists it among the unknown \
    parameters it passes to user space, and the memory stays as the device tree says. On arm64, describe the region in \
    /reserved-memory (reg with \
    no-map for memmap=nn$ss, a pmem-region node for memmap=nn!ss) — `dtmem to-overlay` writes it.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    context.commandLine.parameters(named: "memmap").map { parameter in
      finding(
        at: "cmdline",
        "\(parameter.text) is ignored on arm64 (no memmap= there; the kernel passes it to init as an unknown "
          + "parameter): describe the region in /reserved-memory instead"
      )
    }
  }
}
