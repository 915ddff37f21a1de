internal import BootModel
internal import MemoryModel

/// `kernel-panic`: the boot stops during the modelled steps.
struct KernelPanic: Rule {
  let id = "kernel-panic"
  let severity = Severity.error
  let summary = "The kernel stops (panics) while setting up memory."
  var documentation: String {
    """
    Some descriptions stop the kernel before it has a console. The one the arm64 model knows: \
    fdt_scan_reserved_mem() (drivers/of/of_reserved_mem.c, 6.12–7.1) collects the dynamic \
    children of /reserved-memory into a 64-entry array on the stack without a bound check; a 65th \
    overwrites the stack canary and the function's return panics \
    (\(KernelWords.example(.stop(BootStop(.reservedMemoryArrayOverflow(dynamicChildren: 65)))))). Recorded with \
    6.12.100: this happens before earlycon is up, so the boot prints nothing and hangs \
    (docs/kernel-findings-arm64.md §1.3). Findings of other rules describe the boot as far as it got.
    """
  }

  func check(_ context: ValidationContext) -> [Finding] {
    guard let stop = context.boot.stop else { return [] }
    let cause = context.boot.stopCause
    var message = "the kernel stops: \(context.quote(.stop(stop)))"
    if let cause { message += " — \(cause.message)" }
    return [finding(at: cause?.location ?? "/", message)]
  }
}
