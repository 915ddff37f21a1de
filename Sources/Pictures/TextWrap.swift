/// Words into lines of at most `width` characters, later lines starting with `indent`; a word
/// longer than a line is cut.
enum TextWrap {
  static func lines(_ text: String, width: Int, indent: String = "") -> [String] {
    let width = max(width, indent.count + 8)
    var lines: [String] = []
    var line = ""
    var blank = true
    for piece in text.split(separator: " ") {
      var word = piece[...]
      while !word.isEmpty {
        let space = blank ? 0 : 1
        if line.count + space + word.count <= width {
          line += (blank ? "" : " ") + word
          blank = false
          word = ""
        } else {
          if blank {
            let take = width - line.count
            line += word.prefix(take)
            word = word.dropFirst(take)
          }
          lines.append(line)
          line = indent
          blank = true
        }
      }
    }
    if !blank { lines.append(line) }
    return lines
  }
}
