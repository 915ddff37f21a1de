#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A one-line progress indicator on standard error: shown only when standard error is a
/// terminal and the work has already taken more than a second, redrawn at most ten times a
/// second, erased when done.
struct Progress {
  let total: Int
  let enabled: Bool
  let started = Progress.now()
  var lastDrawn: Double = 0
  var drawn = false

  /// `enabled`: whether the environment allows drawing (standard error is a terminal).
  init(total: Int, enabled: Bool) {
    self.total = total
    self.enabled = total > 1 && enabled
  }

  /// Monotonic seconds.
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  mutating func update(_ done: Int, _ item: String) {
    guard enabled else { return }
    let now = Progress.now()
    guard now - started > 1, now - lastDrawn >= 0.1 else { return }
    lastDrawn = now
    drawn = true
    let escaped = MessageText.line(item)
    let name = escaped.count > 50 ? "…" + escaped.suffix(49) : escaped
    FileIO.writeStandardError("\r\u{1b}[Kdtmem: \(done)/\(total) \(name)")
  }

  /// Erases the line (before anything else is written to standard error, and at the end).
  mutating func clear() {
    guard drawn else { return }
    FileIO.writeStandardError("\r\u{1b}[K")
    drawn = false
  }
}
