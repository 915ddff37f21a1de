internal import MemoryModel

/// What a boot step did to memblock, computed by comparing the state before and after, so every
/// step's `--explain` line is derived from the model rather than written by hand.
extension Memblock {
  /// Human lines (`memory +[mem …]`, `memory -[mem …]`, `no-map +[mem …]`, `reserved +[mem …]`)
  /// and, as a fact for the rules, the memory removed.
  func changes(since before: Memblock) -> (lines: [String], memoryRemoved: [PhysicalRange]) {
    var lines: [String] = []
    let (memoryBefore, memoryAfter) = (before.memorySpans, memorySpans)
    let noMapBefore = before.memory.filter { $0.flags.contains(.noMap) }.map { Span(base: $0.base, end: $0.end) }
    let noMapAfter = memory.filter { $0.flags.contains(.noMap) }.map { Span(base: $0.base, end: $0.end) }
    let removed = Span.subtract(memoryBefore, memoryAfter)
    for span in Span.subtract(memoryAfter, memoryBefore) { lines.append("memory   + \(span.text)") }
    for span in removed { lines.append("memory   - \(span.text)") }
    for span in Span.subtract(noMapAfter, noMapBefore) { lines.append("no-map   + \(span.text)") }
    for span in Span.subtract(noMapBefore, noMapAfter) { lines.append("no-map   - \(span.text)") }
    for span in Span.subtract(reserved.spans, before.reserved.spans) { lines.append("reserved + \(span.text)") }
    for span in Span.subtract(before.reserved.spans, reserved.spans) { lines.append("reserved - \(span.text)") }
    return (lines, Self.ranges(removed))
  }

  /// `changes(since:)`'s `memoryRemoved` alone, without the lines, from memblock.memory as it
  /// was (`before`; only the regions are kept, so the step's edits of memblock.reserved need not
  /// copy it). Most steps leave memory as it was: comparing the regions is cheaper than
  /// subtracting their spans.
  func memoryRemoved(since before: [Region]) -> [PhysicalRange] {
    guard memory != before else { return [] }
    return Self.ranges(Span.subtract(Self.spans(before), memorySpans))
  }

  private var memorySpans: [Span] { Self.spans(memory) }

  private static func spans(_ regions: [Region]) -> [Span] { regions.map { Span(base: $0.base, end: $0.end) } }

  private static func ranges(_ spans: [Span]) -> [PhysicalRange] {
    spans.compactMap { PhysicalRange(start: $0.base, end: UInt128($0.end)) }
  }
}

extension Span {
  /// `[mem 0x…-0x…] (size)` with an inclusive end.
  var text: String {
    "[mem \(Hex.padded(base))-\(Hex.padded(end &- 1))] \(ByteCount.human(end - base))"
  }

  /// The parts of `a` not covered by `b` (both sorted and disjoint; `a` may hold touching spans).
  static func subtract(_ a: [Span], _ b: [Span]) -> [Span] {
    var merged: [Span] = []
    for span in a { Span.insert(span, into: &merged) }
    var result: [Span] = []
    var j = 0
    for span in merged {
      var cursor = span.base
      while j < b.count && b[j].end <= cursor { j += 1 }
      var k = j
      while k < b.count && b[k].base < span.end {
        if b[k].base > cursor { result.append(Span(base: cursor, end: b[k].base)) }
        cursor = max(cursor, b[k].end)
        k += 1
      }
      if cursor < span.end { result.append(Span(base: cursor, end: span.end)) }
    }
    return result
  }
}
