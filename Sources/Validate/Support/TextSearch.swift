/// Substring search on UTF-8 bytes. `String.contains(_:)` from the standard library's string
/// processing builds a searcher per call, which dominates a corpus run; the kernel lines dtmem
/// searches are short and ASCII.
enum TextSearch {
  static func contains(_ haystack: String, _ needle: [UInt8]) -> Bool {
    guard let first = needle.first else { return true }
    var haystack = haystack
    return haystack.withUTF8 { bytes in
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
  }
}
