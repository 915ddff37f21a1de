import Utilities

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Files, standard streams and output, straight on the C library (no Foundation on the
/// start-up path). Paths are `PathBytes` strings: every system call gets the argument's bytes.
enum FileIO {
  /// Inputs larger than this are refused rather than read into memory.
  static let maximumInputSize = 512 << 20

  /// The whole content of the regular file `path`; `-` reads standard input. Anything else — a
  /// FIFO (whose `open()` would wait for a writer), a device (`/dev/zero` never ends), a socket —
  /// is refused without waiting: it is opened non-blocking and checked before a byte is read.
  static func read(_ path: String) throws(CLIError) -> [UInt8] {
    if path == "-" { return try readAll(fd: 0, name: "<stdin>") }
    let fd = open(PathBytes.cString(path), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
    guard fd >= 0 else { throw CLIError(path, systemError()) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw CLIError(path, systemError()) }
    switch info.st_mode & S_IFMT {
    case S_IFREG:
      break
    case S_IFDIR:
      throw CLIError(path, "is a directory")
    default:
      throw CLIError(
        path,
        "is a \(kind(of: info.st_mode)), not a regular file: dtmem reads regular files, /sys/firmware/memmap "
          + "directories and - (standard input: dtmem … - < \(path))"
      )
    }
    return try readAll(fd: fd, name: path, sizeHint: Int(info.st_size))
  }

  /// Everything `fd` gives until end of file. With the file's size as `sizeHint` the bytes are
  /// read straight into the result (a blob is read once, not copied chunk by chunk).
  static func readAll(fd: Int32, name: String, sizeHint: Int = 0) throws(CLIError) -> [UInt8] {
    var result: [UInt8] = []
    if sizeHint > 0 && sizeHint <= maximumInputSize {
      var failure: Int32 = 0
      result = [UInt8](unsafeUninitializedCapacity: sizeHint) { buffer, count in
        prefault(UnsafeMutableRawBufferPointer(buffer))
        while count < buffer.count {
          let got = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
          if got < 0 && errno == EINTR { continue }
          if got < 0 { failure = errno }
          if got <= 0 { break }
          count += got
        }
      }
      if failure != 0 { throw CLIError(name, String(cString: strerror(failure))) }
      if result.count < sizeHint { return result }
      // The usual end: the file was its stated size. One byte tells, without the zeroed 64 KiB
      // chunk below (16 page faults at every start).
      var probe: UInt8 = 0
      var got = 0
      repeat { got = Glibc.read(fd, &probe, 1) } while got < 0 && errno == EINTR
      if got < 0 { throw CLIError(name, systemError()) }
      if got == 0 { return result }
      result.append(probe)
    }
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

  /// Has the kernel map the pages of a large buffer about to be filled in one call
  /// (`MADV_POPULATE_WRITE`, Linux 5.14) instead of one page fault each while `read` copies into
  /// them (a 150 KB blob: 37 faults). Only pages wholly inside the buffer; a kernel without the
  /// advice refuses it and the pages fault in as before.
  static func prefault(_ buffer: UnsafeMutableRawBufferPointer) {
    let page = Int(getpagesize())
    guard let base = buffer.baseAddress, page > 0, buffer.count >= 16 * page else { return }
    let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(page - 1)
    guard end > start, let first = UnsafeMutableRawPointer(bitPattern: start) else { return }
    let populateWrite: Int32 = 23  // MADV_POPULATE_WRITE (<linux/mman.h>)
    _ = madvise(first, end - start, populateWrite)
  }

  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(PathBytes.cString(path), &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  static func exists(_ path: String) -> Bool { access(PathBytes.cString(path), F_OK) == 0 }

  /// The names in a directory (without `.` and `..`), unsorted.
  static func directoryEntries(_ path: String) throws(CLIError) -> [String] {
    guard let dir = opendir(PathBytes.cString(path)) else { throw CLIError(path, systemError()) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        PathBytes.decode(cString: raw.bindMemory(to: CChar.self).baseAddress!)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// What a file mode is, in words.
  static func kind(of mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFREG: "regular file"
    case S_IFDIR: "directory"
    case S_IFLNK: "symbolic link"
    case S_IFIFO: "FIFO"
    case S_IFCHR: "character device"
    case S_IFBLK: "block device"
    case S_IFSOCK: "socket"
    default: "special file"
    }
  }

  /// Writes `bytes` to `-o path` (`CommandOutput` prints `-` itself). A regular file (or one a
  /// symbolic link leads to; the link stays) is replaced so that readers see either the old file
  /// or the whole new one: a temporary file in its directory, fsync, rename, its permissions
  /// kept. A FIFO or a character device (`/dev/null`, `/dev/stdout`, a pipe) is written into,
  /// never replaced. A directory, block device, socket or dangling link is refused, and so is any
  /// of `inputs` (by identity, so a hard link or a symbolic link to one counts; `hint` ends that
  /// message). On any failure the temporary file is removed and nothing is left behind.
  static func write(_ bytes: [UInt8], to path: String, inputs: [String] = [], hint: String = "") throws(CLIError) {
    var info = stat()
    guard stat(PathBytes.cString(path), &info) == 0 else {
      let why = errno
      var link = stat()
      if why == ENOENT && lstat(PathBytes.cString(path), &link) == 0 {
        throw CLIError(path, "is a symbolic link to nothing; refusing to write through it")
      }
      guard why == ENOENT else { throw CLIError(path, String(cString: strerror(why))) }
      return try replace(bytes, at: path, mode: 0o644)
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG:
      for input in inputs where input != "-" {
        var other = stat()
        if stat(PathBytes.cString(input), &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino {
          throw CLIError(path, "is the input \(input); refusing to overwrite it\(hint)")
        }
      }
      var real = path
      var link = stat()
      if lstat(PathBytes.cString(path), &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK {
        guard let resolved = realpath(PathBytes.cString(path), nil) else { throw CLIError(path, systemError()) }
        real = PathBytes.decode(cString: resolved)
        free(resolved)
      }
      try replace(bytes, at: real, mode: info.st_mode & 0o7777, shownAs: path)
    case S_IFIFO, S_IFCHR:
      try writeThrough(bytes, to: path)
    default:
      throw CLIError(path, "is a \(kind(of: info.st_mode)); refusing to write over it")
    }
  }

  /// A new file with `bytes` renamed onto `path` (created or replaced), with `mode`.
  static func replace(_ bytes: [UInt8], at path: String, mode: mode_t, shownAs name: String? = nil) throws(CLIError) {
    let shown = name ?? path
    var template = PathBytes.cString(path + ".dtmem-XXXXXX")
    let fd = mkstemp(&template)
    guard fd >= 0 else { throw CLIError(shown, "cannot create a temporary file next to it: \(systemError())") }
    var failure: String? = writeAll(bytes, to: fd) ? nil : systemError()
    if failure == nil && fchmod(fd, mode) != 0 { failure = systemError() }
    if failure == nil && fsync(fd) != 0 { failure = systemError() }
    if close(fd) != 0 && failure == nil { failure = systemError() }
    if failure == nil && rename(template, PathBytes.cString(path)) != 0 { failure = systemError() }
    if let failure {
      unlink(template)
      throw CLIError(shown, failure)
    }
  }

  /// Into a FIFO or character device, as `cat > path` would.
  static func writeThrough(_ bytes: [UInt8], to path: String) throws(CLIError) {
    let fd = open(PathBytes.cString(path), O_WRONLY | O_CLOEXEC | O_NOCTTY)
    guard fd >= 0 else { throw CLIError(path, systemError()) }
    var info = stat()
    guard fstat(fd, &info) == 0, [S_IFIFO, S_IFCHR].contains(info.st_mode & S_IFMT) else {
      close(fd)
      throw CLIError(path, "changed into a \(kind(of: info.st_mode)) while dtmem was writing; nothing written")
    }
    let failure: String? = writeAll(bytes, to: fd) ? nil : systemError()
    close(fd)
    if let failure { throw CLIError(path, failure) }
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

  /// Raw: `CommandOutput` has escaped its messages.
  static func writeStandardError(_ text: String) { _ = writeAll(Array(text.utf8), to: 2) }

  /// Whether standard error is a terminal (progress lines only go there).
  static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

  static func systemError() -> String { String(cString: strerror(errno)) }
}

extension FileIO {
  /// Writes `bytes` to a new private file under `$TMPDIR` (or /tmp) and returns its path; the
  /// caller removes it.
  static func temporaryFile(_ bytes: [UInt8], suffix: String) throws(CLIError) -> String {
    let directory = getenv("TMPDIR").map { PathBytes.decode(cString: $0) } ?? "/tmp"
    var template = PathBytes.cString(directory + "/dtmem-XXXXXX" + suffix)
    let fd = mkstemps(&template, Int32(suffix.utf8.count))
    guard fd >= 0 else { throw CLIError(directory, "cannot create a temporary file: \(systemError())") }
    let path = PathBytes.decode(cString: template)
    guard writeAll(bytes, to: fd) else {
      let why = systemError()
      close(fd)
      unlink(template)
      throw CLIError(path, why)
    }
    close(fd)
    return path
  }

  static func remove(_ path: String) { unlink(PathBytes.cString(path)) }
}
