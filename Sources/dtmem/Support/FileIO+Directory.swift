import Utilities

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

extension FileIO {
  /// Writes a directory of small files at `path` so that readers see either nothing (or the old
  /// empty directory) or the whole new tree: the tree is built in a temporary directory next to
  /// `path`, then renamed onto it. `path` must not exist, or be an empty directory. On any
  /// failure everything written is removed. `files` holds relative paths (`0/start`) and contents.
  static func writeDirectoryAtomically(_ files: [(path: String, contents: String)], to path: String) throws(CLIError) {
    var info = stat()
    if lstat(PathBytes.cString(path), &info) == 0 {
      guard (info.st_mode & S_IFMT) == S_IFDIR else { throw CLIError(path, "exists and is not a directory") }
      guard (try directoryEntries(path)).isEmpty else {
        throw CLIError(path, "exists and is not empty; refusing to replace it")
      }
    }
    var template = PathBytes.cString(path + ".dtmem-XXXXXX")
    guard mkdtemp(&template) != nil else {
      throw CLIError(path, "cannot create a temporary directory next to it: \(systemError())")
    }
    let temporary = PathBytes.decode(cString: template)
    var created: [String] = []  // directories, in creation order
    var written: [String] = []
    func cleanUp() {
      for file in written.reversed() { unlink(PathBytes.cString(file)) }
      for directory in created.reversed() { rmdir(PathBytes.cString(directory)) }
      rmdir(PathBytes.cString(temporary))
    }
    do throws(CLIError) {
      for (relative, contents) in files {
        let components = relative.split(separator: "/").map(String.init)
        var directory = temporary
        for component in components.dropLast() {
          directory += "/" + component
          if !created.contains(directory) {
            guard mkdir(PathBytes.cString(directory), 0o755) == 0 || errno == EEXIST else {
              throw CLIError(directory, systemError())
            }
            created.append(directory)
          }
        }
        let file = temporary + "/" + relative
        try writeNewFile(Array(contents.utf8), to: file)
        written.append(file)
      }
      guard chmod(PathBytes.cString(temporary), 0o755) == 0 else { throw CLIError(temporary, systemError()) }
      guard rename(PathBytes.cString(temporary), PathBytes.cString(path)) == 0 else {
        throw CLIError(path, systemError())
      }
    } catch {
      cleanUp()
      throw error
    }
  }

  /// Creates `path` (which must not exist) with `bytes`.
  static func writeNewFile(_ bytes: [UInt8], to path: String) throws(CLIError) {
    let fd = open(PathBytes.cString(path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw CLIError(path, systemError()) }
    guard writeAll(bytes, to: fd) else {
      let why = systemError()
      close(fd)
      throw CLIError(path, why)
    }
    guard fsync(fd) == 0, close(fd) == 0 else { throw CLIError(path, systemError()) }
  }
}
