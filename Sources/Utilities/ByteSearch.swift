/// Substring search on UTF-8 bytes, the one every text reader in dtmem uses. The standard
/// library's `String.contains(_:)` builds a searcher per call (string processing), which
/// dominates a run over many short kernel-log lines; Foundation is kept off the path.
public enum ByteSearch {
  /// The first occurrence of `needle` in `text`, as a range of `text`'s indices.
  public static func firstRange(of needle: String, in text: Substring) -> Range<Substring.Index>? {
    let target = Array(needle.utf8)
    guard !target.isEmpty else { return nil }
    let utf8 = text.utf8
    var index = utf8.startIndex
    while index != utf8.endIndex {
      if utf8[index] == target[0] {
        var a = index
        var b = 0
        while b < target.count, a != utf8.endIndex, utf8[a] == target[b] {
          a = utf8.index(after: a)
          b += 1
        }
        if b == target.count { return index..<a }
      }
      index = utf8.index(after: index)
    }
    return nil
  }

  /// Whether `needle` (UTF-8 bytes, made once by the caller) occurs in `text`.
  public static func contains(_ needle: [UInt8], in text: Substring) -> Bool {
    guard let first = needle.first else { return true }
    let found = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
      guard bytes.count >= needle.count else { return false }
      var i = 0
      let last = bytes.count - needle.count
      while i <= last {
        if bytes[i] == first {
          var j = 1
          while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
          if j == needle.count { return true }
        }
        i += 1
      }
      return false
    }
    return found ?? (firstRange(of: String(decoding: needle, as: UTF8.self), in: text) != nil)
  }

  public static func contains(_ needle: String, in text: Substring) -> Bool { contains(Array(needle.utf8), in: text) }
}
