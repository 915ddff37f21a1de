internal import MemoryModel

/// A sorted list of disjoint, merged `[base, end)` spans (memblock.reserved), stored in chunks
/// that remember their largest internal gap, so an allocator looking for `size` free bytes skips
/// whole chunks of smaller gaps. Inserting, removing and searching stay near O(√n) per call
/// instead of O(n), which keeps placing n regions n·log n-like rather than quadratic.
struct SpanList: Sendable, Equatable {
  /// At most `chunkSize` spans and the largest gap between two consecutive spans inside them.
  /// (One array of these rather than an array of span arrays and one of gaps: `[[Span]]` made
  /// the runtime instantiate `Array<Span>` and its storage class at the first reservation.)
  private struct Chunk: Sendable {
    var spans: [Span]
    var largestGap: UInt64

    init(_ spans: [Span]) {
      self.spans = spans
      largestGap = SpanList.largestInternalGap(spans)
    }
  }

  private var chunks: [Chunk] = []

  static let chunkSize = 256

  init() {}

  init(_ spans: [Span]) {
    self.init()
    replace(chunkRange: 0..<0, with: spans)
  }

  var isEmpty: Bool { chunks.isEmpty }

  /// All spans in order.
  var spans: [Span] { chunks.flatMap { $0.spans } }

  static func == (a: SpanList, b: SpanList) -> Bool { a.spans == b.spans }

  /// The chunks whose spans may touch or overlap `[base, end]`, as a range of chunk indices.
  private func affectedChunks(_ base: UInt64, _ end: UInt64) -> Range<Int> {
    // First chunk whose last span ends at or after `base` (touching counts, for merging).
    let low = chunks.partitionPoint { $0.spans.last!.end >= base }
    var upper = low
    while upper < chunks.count && chunks[upper].spans.first!.base <= end { upper += 1 }
    return low..<max(low, upper)
  }

  /// Replaces the spans of `chunkRange` with `spans`, re-chunking them.
  private mutating func replace(chunkRange: Range<Int>, with spans: [Span]) {
    var newChunks: [Chunk] = []
    var index = 0
    while index < spans.count {
      let next = min(spans.count, index + Self.chunkSize)
      newChunks.append(Chunk(Array(spans[index..<next])))
      index = next
    }
    chunks.replaceSubrange(chunkRange, with: newChunks)
  }

  private static func largestInternalGap(_ chunk: [Span]) -> UInt64 {
    var largest: UInt64 = 0
    for i in chunk.indices.dropFirst() { largest = max(largest, chunk[i].base - chunk[i - 1].end) }
    return largest
  }

  /// Adds `span`, merging with overlapping and touching spans (memblock_reserve).
  mutating func insert(_ span: Span) {
    guard span.end > span.base else { return }
    let range = affectedChunks(span.base, span.end)
    if range.count == 1 {
      edit(chunk: range.lowerBound) { Span.insert(span, into: &$0) }
      return
    }
    var affected = chunks[range].flatMap { $0.spans }
    Span.insert(span, into: &affected)
    if range.isEmpty {
      // Lands between chunks (or the list is empty): join the neighbouring chunk if small.
      let at = range.lowerBound
      if at > 0 && chunks[at - 1].spans.count < Self.chunkSize {
        replace(chunkRange: (at - 1)..<at, with: chunks[at - 1].spans + affected)
      } else if at < chunks.count && chunks[at].spans.count < Self.chunkSize {
        replace(chunkRange: at..<(at + 1), with: affected + chunks[at].spans)
      } else {
        replace(chunkRange: at..<at, with: affected)
      }
      return
    }
    replace(chunkRange: range, with: affected)
  }

  /// Removes `span` (memblock_phys_free / memblock_remove_range on reserved).
  mutating func remove(_ span: Span) {
    guard span.end > span.base else { return }
    let range = affectedChunks(span.base, span.end)
    guard !range.isEmpty else { return }
    if range.count == 1 {
      edit(chunk: range.lowerBound) { Span.remove(span, from: &$0) }
      return
    }
    var affected = chunks[range].flatMap { $0.spans }
    Span.remove(span, from: &affected)
    replace(chunkRange: range, with: affected)
  }

  /// Applies `edit` to chunk `index` in place, then re-chunks it if it emptied or outgrew
  /// `chunkSize`: the chunks replacing it with its edited spans would give, without rebuilding.
  private mutating func edit(chunk index: Int, _ change: (inout [Span]) -> Void) {
    change(&chunks[index].spans)
    if chunks[index].spans.isEmpty || chunks[index].spans.count > Self.chunkSize {
      replace(chunkRange: index..<(index + 1), with: chunks[index].spans)
    } else {
      chunks[index].largestGap = Self.largestInternalGap(chunks[index].spans)
    }
  }

  /// Whether any span overlaps `span`.
  func overlaps(_ span: Span) -> Bool {
    guard span.end > span.base else { return false }
    for chunk in affectedChunks(span.base, span.end) where Span.overlaps(span, chunks[chunk].spans) { return true }
    return false
  }

  /// The free gaps of `within` from the top down, skipping chunks whose gaps are all shorter
  /// than `minimum` (only the chunk's internal gaps are skipped; gaps at chunk edges are always
  /// visited) and every gap that starts at or above `limit`. Gaps keep their true extent (a gap
  /// straddling `limit` is visited whole). `body` returns false to stop.
  func forEachGapReversed(in within: Span, minimum: UInt64, below limit: UInt64 = .max, _ body: (Span) -> Bool) {
    let range = affectedChunks(within.base, within.end)
    var top = within.end
    // Where to start: the first span ending at or above `limit`; the gap below it is the highest
    // one starting below `limit`.
    var chunk = range.upperBound
    var startIndex: Int? = nil
    if limit < within.end {
      let low = chunks[range].partitionPoint { $0.spans.last!.end >= limit }
      if low < range.upperBound {
        let spans = chunks[low].spans
        var index = 0
        while spans[index].end < limit { index += 1 }
        top = min(top, spans[index].base)
        chunk = low + 1
        startIndex = index
      }
      if top <= within.base { return }
    }
    while chunk > range.lowerBound {
      chunk -= 1
      let spans = chunks[chunk].spans
      var index = spans.count
      if let start = startIndex {
        index = start
        startIndex = nil
      } else {
        // The internal gaps can be skipped when none is big enough and the whole chunk lies
        // inside the window below `top`.
        let canSkip =
          chunks[chunk].largestGap < minimum && spans.first!.base >= within.base && spans.last!.end <= top
        if canSkip {
          let last = spans.last!
          if last.end < top, !body(Span(base: last.end, end: top)) { return }
          top = min(top, spans.first!.base)
          if top <= within.base { return }
          continue
        }
      }
      while index > 0 {
        index -= 1
        let taken = spans[index]
        if taken.base >= within.end { continue }
        if taken.end <= within.base { break }
        let gapBase = max(taken.end, within.base)
        if gapBase < top, !body(Span(base: gapBase, end: top)) { return }
        top = min(top, taken.base)
        if top <= within.base { return }
      }
    }
    if top > within.base { _ = body(Span(base: within.base, end: top)) }
  }

  /// The free gaps of `within` from the bottom up, with the same chunk skipping.
  func forEachGap(in within: Span, minimum: UInt64, _ body: (Span) -> Bool) {
    var bottom = within.base
    for chunk in affectedChunks(within.base, within.end) {
      let spans = chunks[chunk].spans
      let canSkip = chunks[chunk].largestGap < minimum && spans.first!.base >= bottom && spans.last!.end <= within.end
      if canSkip {
        let first = spans.first!
        if first.base > bottom, !body(Span(base: bottom, end: first.base)) { return }
        bottom = max(bottom, spans.last!.end)
        if bottom >= within.end { return }
        continue
      }
      for taken in spans {
        if taken.end <= within.base { continue }
        if taken.base >= within.end { break }
        if taken.base > bottom, !body(Span(base: bottom, end: min(taken.base, within.end))) { return }
        bottom = max(bottom, taken.end)
        if bottom >= within.end { return }
      }
    }
    if bottom < within.end { _ = body(Span(base: bottom, end: within.end)) }
  }
}
