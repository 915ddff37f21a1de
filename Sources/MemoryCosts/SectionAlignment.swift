internal import BootModel
public import MemoryModel

/// A run of memory that starts or ends inside a sparsemem section, and what aligning it would
/// save in `struct page` arrays. Two ways to align: move the run to start on a section boundary
/// (same size), or trim it inward to whole sections (losing the memory outside them). A section
/// another run also touches stays present either way, so it saves nothing.
public struct SectionAlignment: Hashable, Sendable {
  /// The memory run (whole pages, touching ranges merged).
  public var range: PhysicalRange
  /// Bytes from the start of its first section to the run's start (0: it starts aligned).
  public var headOffset: UInt64
  /// Bytes of the run inside its last, partial section (0: it ends aligned).
  public var tailBytes: UInt64
  /// Sections the run touches now.
  public var sections: UInt64
  /// Sections it would touch starting on a section boundary; nil when the section before it
  /// holds other memory (it cannot move there).
  public var sectionsIfMoved: UInt64?
  /// `struct page` bytes saved by moving it; 0 when moving does not free a section.
  public var savedIfMoved: UInt64
  /// `struct page` bytes saved by trimming it to whole sections.
  public var savedIfTrimmed: UInt64
  /// The memory trimming loses.
  public var lostIfTrimmed: UInt64

  /// The runs of `pages` (sorted, merged, page-aligned) that are not section-aligned.
  static func offenders(_ pages: [PhysicalRange], layout: SparseMemoryLayout) -> [SectionAlignment] {
    let section = layout.sectionSize
    let perSection = layout.sectionMemoryMapSize
    var result: [SectionAlignment] = []
    for (index, run) in pages.enumerated() {
      let head = run.start / section
      let tail = run.last / section
      let headOffset = run.start - head * section
      let tailBytes = UInt64(run.end - UInt128(tail) * UInt128(section)) % section
      guard headOffset != 0 || tailBytes != 0 else { continue }
      let sharesHead = index > 0 && pages[index - 1].last / section == head
      let sharesTail = index + 1 < pages.count && pages[index + 1].start / section == tail
      let count = tail - head + 1
      var movedCount: UInt64? = nil
      var savedIfMoved: UInt64 = 0
      if !sharesHead {
        let moved = run.size / section + (run.size % section == 0 ? 0 : 1)
        movedCount = moved
        if moved < count && !sharesTail { savedIfMoved = perSection }
      }
      // Trimming drops the partial head and tail sections (one section when both are the same).
      var freed: UInt64 = 0
      if headOffset != 0 && !sharesHead && !(head == tail && sharesTail) { freed += 1 }
      if tailBytes != 0 && !sharesTail && !(head == tail && (headOffset != 0 || sharesHead)) { freed += 1 }
      let trimmed = run.roundedInward(to: section)?.size ?? 0
      result.append(
        SectionAlignment(
          range: run, headOffset: headOffset, tailBytes: tailBytes, sections: count, sectionsIfMoved: movedCount,
          savedIfMoved: savedIfMoved, savedIfTrimmed: freed * perSection, lostIfTrimmed: run.size - trimmed))
    }
    return result
  }
}
