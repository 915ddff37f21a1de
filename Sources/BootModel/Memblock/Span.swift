internal import MemoryModel

/// A half-open `[base, end)` span with helpers over sorted, disjoint, merged span lists.
struct Span: Hashable, Sendable {
  var base: UInt64
  var end: UInt64

  /// The index of the first span whose end is greater than `address`.
  static func firstIndex(endingAfter address: UInt64, in spans: [Span]) -> Int {
    spans.partitionPoint { $0.end > address }
  }

  /// Adds `span`, merging with overlapping and touching spans.
  static func insert(_ span: Span, into spans: inout [Span]) {
    guard span.end > span.base else { return }
    var low = firstIndex(endingAfter: span.base, in: spans)
    // A span ending exactly at `span.base` touches it and merges.
    if low > 0 && spans[low - 1].end == span.base { low -= 1 }
    var high = low
    var merged = span
    while high < spans.count && spans[high].base <= span.end {
      merged.base = min(merged.base, spans[high].base)
      merged.end = max(merged.end, spans[high].end)
      high += 1
    }
    spans.replaceSubrange(low..<high, with: [merged])
  }

  /// Removes `span` from the list, splitting spans it cuts.
  static func remove(_ span: Span, from spans: inout [Span]) {
    guard span.end > span.base else { return }
    let low = firstIndex(endingAfter: span.base, in: spans)
    var high = low
    var replacement: [Span] = []
    while high < spans.count && spans[high].base < span.end {
      let existing = spans[high]
      if existing.base < span.base { replacement.append(Span(base: existing.base, end: span.base)) }
      if existing.end > span.end { replacement.append(Span(base: span.end, end: existing.end)) }
      high += 1
    }
    spans.replaceSubrange(low..<high, with: replacement)
  }

  static func overlaps(_ span: Span, _ spans: [Span]) -> Bool {
    guard span.end > span.base else { return false }
    let index = firstIndex(endingAfter: span.base, in: spans)
    return index < spans.count && spans[index].base < span.end
  }
}
