#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Files, standard streams and atomic output, straight on the C library (no Foundation on the
/// start-up path).
enum FileIO {
  /// Inputs larger than this are refused rather than read into memory.
  static let maximumInputSize = 512 << 20

  /// The whole content of `path`; `-` reads standard input.
  static func read(_ path: String) throws(CLIError) -> [UInt8] {
    if path == "-" { return try readAll(fd: 0, name: "<stdin>") }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw CLIError(path, systemError()) }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
      throw CLIError(path, "is a directory")
    }
    return try readAll(fd: fd, name: path)
  }

  static func readAll(fd: Int32, name: String) throws(CLIError) -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw CLIError(name, systemError())
      }
      if count == 0 { break }
      result.append(contentsOf: chunk[0..<count])
      if result.count > maximumInputSize {
        throw CLIError(name, "larger than \(maximumInputSize >> 20) MiB; refusing to read it")
      }
    }
    return result
  }

  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  /// The names in a directory (without `.` and `..`), unsorted.
  static func directoryEntries(_ path: String) throws(CLIError) -> [String] {
    guard let dir = opendir(path) else { throw CLIError(path, systemError()) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Writes `bytes` to `path` so that readers see either the old file or the whole new one:
  /// a temporary file in the same directory, fsync, rename. On any failure the temporary file
  /// is removed and nothing is left behind. `-` writes standard output.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(CLIError) {
    if path == "-" {
      writeStandardOutput(bytes)
      return
    }
    var template = Array((path + ".dtmem-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw CLIError(path, "cannot create a temporary file next to it: \(systemError())") }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var failure: String? = writeAll(bytes, to: fd) ? nil : systemError()
    if failure == nil && fchmod(fd, 0o644) != 0 { failure = systemError() }
    if failure == nil && fsync(fd) != 0 { failure = systemError() }
    if close(fd) != 0 && failure == nil { failure = systemError() }
    if failure == nil && rename(temporary, path) != 0 { failure = systemError() }
    if let failure {
      unlink(temporary)
      throw CLIError(path, failure)
    }
  }

  /// Writes all of `bytes` to `fd`, retrying short and interrupted writes; false (with `errno`
  /// set) when the descriptor refuses them.
  static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += written
    }
    return true
  }

  /// A closed pipe (`dtmem … | head`) ends the process with SIGPIPE, as for any Unix filter.
  static func writeStandardOutput(_ bytes: [UInt8]) { _ = writeAll(bytes, to: 1) }

  static func writeStandardOutput(_ text: String) { writeStandardOutput(Array(text.utf8)) }

  static func writeStandardError(_ text: String) { _ = writeAll(Array(text.utf8), to: 2) }

  /// Whether standard error is a terminal (progress lines only go there).
  static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

  static func systemError() -> String { String(cString: strerror(errno)) }
}

extension FileIO {
  /// Writes `bytes` to a new private file under `$TMPDIR` (or /tmp) and returns its path; the
  /// caller removes it.
  static func temporaryFile(_ bytes: [UInt8], suffix: String) throws(CLIError) -> String {
    let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((directory + "/dtmem-XXXXXX" + suffix).utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
    guard fd >= 0 else { throw CLIError(directory, "cannot create a temporary file: \(systemError())") }
    let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    guard writeAll(bytes, to: fd) else {
      let why = systemError()
      close(fd)
      unlink(path)
      throw CLIError(path, why)
    }
    close(fd)
    return path
  }

  static func remove(_ path: String) { unlink(path) }
}
