internal import BootModel
internal import KernelParameters
internal import MemoryModel

/// `cmdline-memmap-as-mem`: memmap= items that act as mem= on x86.
struct CmdlineMemmapAsMem: Rule {
  let id = "cmdline-memmap-as-mem"
  let severity = Severity.warning
  let summary = "A memmap= item that x86 reads as a bare size, which removes all RAM above it (like mem=)."
  let documentation = """
    x86's parse_memmap_one() (arch/x86/kernel/e820.c) reads SIZE, then the character after it: @ # \
    $ ! % introduce a range, and anything else — the end of the item (memmap=64M), an unknown \
    separator (memmap=1G&0x…, memmap=1GB$0x…) — takes the bare-size branch, which removes all RAM \
    above SIZE, without any message. GRUB expands an unescaped $0x… as a variable, turning \
    memmap=64M$0x90000000 into memmap=64M (write \\$ in grub.cfg). arm64 ignores memmap= anyway \
    (cmdline-memmap-ignored), but a command line shared with x86 loses its memory there. \
    (Items are read with the x86 model's memmap= grammar, MemmapParameter.)
    """

  func check(_ context: ValidationContext) -> [Finding] {
    var findings: [Finding] = []
    for parameter in context.commandLine.parameters(named: "memmap") {
      for item in MemmapParameter.parse(parameter.value) {
        guard case .removeUsableAbove(let limit) = item.operation else { continue }
        let bytes = Array(item.text.utf8)
        let next = MemParse.byte(bytes, MemParse.memparse(bytes).end)
        let why =
          next == 0
          ? "a bare size (if it was memmap=\(item.text)$START, GRUB expanded $START as a variable: write \\$ in "
            + "grub.cfg)"
          : "'\(Character(Unicode.Scalar(next)))' is not a memmap= separator (@ # $ ! %)"
        findings.append(
          finding(
            at: "cmdline",
            "memmap=\(item.text): \(why); x86 then removes all RAM above \(ByteCount.human(limit)) like "
              + "mem=\(ByteCount.compact(limit)) (ignored on arm64, but fatal to a command line shared with x86)"
          ))
      }
    }
    return findings
  }
}
