import BootModel
import FirmwareTables
import MemoryCosts
import MemoryModel
import Utilities

/// `show`'s "Costs" section and `"costs"` in `show --json`: the memory map (`struct page`)
/// under sparsemem-vmemmap and flatmem, persistent memory as RAM, what alignment would save.
enum CostReport {
  /// The costs of a boot: arm64 at the page size, x86-64 at 4K. Persistent memory is the
  /// device tree's available `pmem-region` ranges (arm64) or the final table's persistent
  /// entries (x86).
  static func costs(_ result: BootResult, _ request: BootRequest) -> MemoryCosts {
    switch result.architecture {
    case .arm64:
      let persistent = request.board.map(PersistentMemoryCost.ranges(of:)) ?? []
      return MemoryCosts(memory: result.memory, persistent: persistent, layout: .arm64(request.pageSize))
    case .x86:
      let persistent = result.e820.regions.filter { $0.kind == .persistent || $0.kind == .persistentLegacy }.map {
        (path: "e820 \($0.kind.dmesgName)", range: $0.range)
      }
      let end = result.memory.map(\.range.end).max() ?? 0
      return MemoryCosts(memory: result.memory, persistent: persistent, layout: .x86(memoryEnd: end))
    }
  }

  static func text(_ costs: MemoryCosts) -> String {
    let layout = costs.layout
    let (section, block) = (ByteCount.human(layout.sectionSize), ByteCount.human(layout.memoryBlockSize))
    let page = ByteCount.compact(layout.pageSize)
    var out = "\nCosts (\(page) pages: \(section) sparsemem sections, \(block) memory blocks, 64-byte struct page)\n"
    let sections = costs.sparse.presentSections
    let holes = UInt128(sections) * UInt128(layout.sectionSize) - costs.memoryBytes
    let perSection = ByteCount.human(layout.sectionMemoryMapSize)
    let partial = costs.partialSections.count
    var rows: [[String]] = [
      [
        "sparsemem-vmemmap", ByteCount.human(costs.memoryMap),
        "\(count(sections, "present section")), \(perSection) of struct page each",
      ],
      [
        "  of which for holes", ByteCount.human(costs.memoryMapHoles),
        holes == 0
          ? "no holes: every present section is all memory"
          : "\(ByteCount.human(holes)) of holes in \(count(UInt64(partial), "partial section"))",
      ],
    ]
    for buffer in costs.sparse.buffers where buffer.requested != buffer.used {
      let (share, kept) = (ByteCount.human(layout.sectionBufferSize), ByteCount.human(buffer.used))
      rows.append([
        "  boot buffer, node \(buffer.node)", ByteCount.human(buffer.requested),
        "sparse_init() asks for \(share) per section (PMD-aligned), keeps \(kept), frees the rest",
      ])
    }
    if let span = costs.flatSpan {
      rows.append([
        "flatmem (for comparison)", ByteCount.human(costs.flatMemoryMap),
        "every page from \(Hex.short(span.start)) to \(Hex.short(span.last))",
      ])
    }
    out += Table.render(header: ["MEMORY MAP", "STRUCT PAGE", "FOR"], rows: rows)
    if !costs.persistentMemory.isEmpty {
      out += "\n"
      out += Table.render(
        header: ["PMEM", "START", "END", "SIZE", "USABLE AS RAM", "LOST TO ALIGNMENT"],
        rows: costs.persistentMemory.map { pmem in
          [
            pmem.path, Hex.padded(pmem.range.start), Hex.padded(pmem.range.last), ByteCount.human(pmem.range.size),
            ByteCount.human(pmem.usableBytes), ByteCount.human(pmem.lostBytes),
          ]
        })
      if let note = layout.memoryBlockNote { out += "  \(note)\n" }
    }
    let advice = alignmentAdvice(costs)
    if !advice.isEmpty { out += "\nAligning to \(section) sections and \(block) memory blocks\n" + advice }
    return out
  }

  /// `3 present sections`, `1 partial section`.
  static func count(_ value: UInt64, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

  /// One line per memory run or pmem range that alignment would make cheaper.
  static func alignmentAdvice(_ costs: MemoryCosts) -> String {
    let section = ByteCount.human(costs.layout.sectionSize)
    var out = ""
    for run in costs.alignment where run.savedIfMoved > 0 || run.savedIfTrimmed > 0 {
      var wheres: [String] = []
      if run.headOffset != 0 { wheres.append("starts \(ByteCount.human(run.headOffset)) into its first section") }
      if run.tailBytes != 0 { wheres.append("ends \(ByteCount.human(run.tailBytes)) into its last section") }
      var options: [String] = []
      if let moved = run.sectionsIfMoved, run.savedIfMoved > 0 {
        options.append(
          "started on a \(section) boundary it would take \(moved) instead of \(run.sections), "
            + "saving \(ByteCount.human(run.savedIfMoved)) of struct page")
      }
      if run.savedIfTrimmed > 0 {
        let net = Int128(run.savedIfTrimmed) - Int128(run.lostIfTrimmed)
        let verdict =
          net > 0 ? "a net gain of \(ByteCount.human(UInt64(net)))" : "a net loss of \(ByteCount.human(UInt64(-net)))"
        options.append(
          "trimmed to whole sections it saves \(ByteCount.human(run.savedIfTrimmed)) of struct page "
            + "and loses \(ByteCount.human(run.lostIfTrimmed)) of memory (\(verdict))")
      }
      let size = ByteCount.human(run.range.size)
      out +=
        "  memory \(run.range) (\(size)) \(wheres.joined(separator: " and ")): \(options.joined(separator: "; "))\n"
    }
    for pmem in costs.persistentMemory where pmem.lostBytes > 0 {
      let gain = pmem.usableIfAligned - pmem.usableBytes
      let head = pmem.range.start % pmem.blockSize
      let block = ByteCount.human(pmem.blockSize)
      var line = "  \(pmem.path) \(pmem.range): \(ByteCount.human(pmem.lostBytes)) cannot become RAM"
      if head != 0 { line += " (it starts \(ByteCount.human(head)) into a \(block) block)" }
      line +=
        gain > 0
        ? "; started on a block boundary, \(ByteCount.human(pmem.usableIfAligned)) would be usable "
          + "(\(ByteCount.human(gain)) more)"
        : "; its size is not a whole number of blocks: only a multiple of \(block) can be hot-added"
      out += line + "\n"
    }
    return out
  }

  static func json(_ costs: MemoryCosts) -> JSONValue {
    let hex = MapDocument.hex
    var members: [(String, JSONValue)] = [
      ("page_size", hex(costs.layout.pageSize)), ("section_size", hex(costs.layout.sectionSize)),
      ("memory_block_size", hex(costs.layout.memoryBlockSize)),
      ("memmap_sparse_vmemmap", hex(costs.memoryMap)), ("memmap_holes", hex(costs.memoryMapHoles)),
      ("memmap_flatmem", hex(costs.flatMemoryMap)),
      (
        "pmem",
        .array(
          costs.persistentMemory.map { pmem in
            .object([
              ("path", .string(pmem.path)), ("start", hex(pmem.range.start)), ("size", hex(pmem.range.size)),
              ("usable_as_ram", hex(pmem.usableBytes)), ("lost_to_alignment", hex(pmem.lostBytes)),
            ])
          })
      ),
    ]
    members.append(
      (
        "memmap_boot_buffers",
        .array(
          costs.sparse.buffers.map { buffer in
            .object([
              ("node", .int(buffer.node)), ("requested", .string(Hex.short(buffer.requested))),
              ("used", .string(Hex.short(buffer.used))),
            ])
          })
      ))
    members.append(
      (
        "alignment",
        .array(
          costs.alignment.map { run in
            .object([
              ("start", hex(run.range.start)), ("size", hex(run.range.size)), ("saved_if_moved", hex(run.savedIfMoved)),
              ("saved_if_trimmed", hex(run.savedIfTrimmed)), ("lost_if_trimmed", hex(run.lostIfTrimmed)),
            ])
          })
      ))
    return .object(members)
  }
}
