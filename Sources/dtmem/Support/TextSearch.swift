/// Substring search without Foundation.
extension StringProtocol {
  /// The first occurrence of `needle`, as a range of this string's indices.
  func firstRange(of needle: String) -> Range<Index>? {
    let target = Array(needle.utf8)
    guard !target.isEmpty else { return nil }
    let bytes = Array(utf8)
    guard bytes.count >= target.count else { return nil }
    var i = 0
    while i + target.count <= bytes.count {
      if bytes[i] == target[0] && Array(bytes[i..<(i + target.count)]) == target {
        let lower = utf8.index(startIndex, offsetBy: i)
        let upper = utf8.index(lower, offsetBy: target.count)
        return lower..<upper
      }
      i += 1
    }
    return nil
  }
}
