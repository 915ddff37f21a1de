import Utilities

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A new private folder under `$TMPDIR` (or /tmp) for a run's scratch files, removed with them.
final class TemporaryFolder {
  let path: String
  private(set) var files: [String] = []

  init() throws(CLIError) {
    let directory = getenv("TMPDIR").map { PathBytes.decode(cString: $0) } ?? "/tmp"
    var template = PathBytes.cString(directory + "/dtmem-XXXXXX")
    guard mkdtemp(&template) != nil else {
      throw CLIError(directory, "cannot create a temporary folder: \(FileIO.systemError())")
    }
    path = PathBytes.decode(cString: template)
  }

  /// Writes `bytes` to `name` in the folder; its path.
  func write(_ bytes: [UInt8], named name: String) throws(CLIError) -> String {
    let file = path + "/" + name
    let fd = open(PathBytes.cString(file), O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard fd >= 0 else { throw CLIError(file, FileIO.systemError()) }
    files.append(file)
    defer { close(fd) }
    guard FileIO.writeAll(bytes, to: fd) else { throw CLIError(file, FileIO.systemError()) }
    return file
  }

  func remove() {
    for file in files { unlink(PathBytes.cString(file)) }
    rmdir(PathBytes.cString(path))
  }
}
