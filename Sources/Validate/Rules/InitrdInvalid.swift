internal import BootModel
internal import MemoryModel

/// `initrd-invalid`: /chosen initrd properties the kernel ignores.
struct InitrdInvalid: Rule {
  let id = "initrd-invalid"
  let severity = Severity.error
  let summary = "/chosen has an initrd start without an end (or the reverse), or start is after end."
  let documentation = """
    early_init_dt_check_for_initrd() (drivers/of/fdt.c) needs both linux,initrd-start and \
    linux,initrd-end (end exclusive, 1 or 2 cells each whatever the root says) and ignores the \
    pair when start > end; the kernel then boots without the initrd it was given and usually fails \
    to mount root. Start equal to end is an empty initrd.
    """

  func check(_ context: ValidationContext) -> [Finding] {
    guard let chosen = context.board.chosen else { return [] }
    switch (chosen.initrdStart, chosen.initrdEnd) {
    case (nil, nil): return []
    case (.some(let start), nil):
      return [
        finding(
          at: chosen.path,
          "linux,initrd-start = \(Hex.short(start)) without linux,initrd-end: the kernel ignores the initrd")
      ]
    case (nil, .some(let end)):
      return [
        finding(
          at: chosen.path,
          "linux,initrd-end = \(Hex.short(end)) without linux,initrd-start: the kernel ignores the initrd")
      ]
    case (.some(let start), .some(let end)):
      if start > end {
        return [
          finding(
            at: chosen.path,
            "linux,initrd-start \(Hex.short(start)) is after linux,initrd-end \(Hex.short(end)): the kernel ignores "
              + "the initrd"
          )
        ]
      }
      if start == end {
        return [
          finding(
            at: chosen.path, "linux,initrd-start equals linux,initrd-end (\(Hex.short(start))): the initrd is empty",
            severity: .warning)
        ]
      }
      return []
    }
  }
}
