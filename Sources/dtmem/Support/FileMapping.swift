import DeviceTree
import Utilities

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Regular input files mapped read-only instead of read: the kernel fills a file mapping a
/// fault-around window (up to 16 pages) at a time, where a read buffer takes one fault per fresh
/// page (38 of them for a 152 KB blob), and nothing is copied.
///
/// A mapped file that shrinks while it is read (another process truncates it) raises SIGBUS on
/// the first page past its new end, where `read()` would have returned fewer bytes. dtmem's
/// handler turns that into the usual one line, `dtmem: error: FILE: the file changed while it was
/// read`, and exit status 2 (`_exit`, nothing else runs). Output files are written through a
/// temporary file and `rename` (`FileIO.replace`); their bytes are built before the temporary file
/// is made (a tree's `bytes` are a copy), so a SIGBUS cannot come while one exists — and if one
/// does exist, the handler unlinks it (`pendingTemporaryFile`) so that nothing is left behind.
enum FileMapping {
  /// One live mapping: its address range and the error line the handler writes for it.
  struct Slot {
    var start: UInt = 0
    var end: UInt = 0
    var message: UnsafeMutablePointer<CChar>? = nil
    var length = 0
  }

  static let slotCount = 16

  /// What the SIGBUS handler reads: fixed storage, written under `lock` by the mapping
  /// functions (commands run concurrently in the in-process tests) and read by the handler only.
  nonisolated(unsafe) static let slots: UnsafeMutablePointer<Slot> = {
    let slots = UnsafeMutablePointer<Slot>.allocate(capacity: slotCount)
    slots.initialize(repeating: Slot(), count: slotCount)
    return slots
  }()
  nonisolated(unsafe) static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
    let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(lock, nil)
    return lock
  }()
  nonisolated(unsafe) static var handlerInstalled = false
  /// The temporary output file being written (`FileIO.replace`), for the handler to remove.
  nonisolated(unsafe) static var pendingTemporaryFile: UnsafeMutablePointer<CChar>? = nil

  /// The regular file `path`, mapped, when it is one that can be (non-empty, at most
  /// `FileIO.maximumInputSize`, and the file system maps it); nil sends the caller to
  /// `FileIO.read`, which reads everything else (standard input, FIFOs, devices, /proc files of
  /// size 0) and reports every failure as before.
  static func map(_ path: String) -> BlobMemory? {
    let fd = open(PathBytes.cString(path), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
      info.st_size <= FileIO.maximumInputSize
    else { return nil }
    let size = Int(info.st_size)
    let message = "dtmem: error: " + MessageText.line("\(path): the file changed while it was read") + "\n"
    pthread_mutex_lock(lock)
    installHandler()
    guard let slot = (0..<slotCount).first(where: { slots[$0].message == nil }) else {
      pthread_mutex_unlock(lock)
      return nil
    }
    guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
      pthread_mutex_unlock(lock)
      return nil
    }
    let text = strdup(message)!
    slots[slot] = Slot(
      start: UInt(bitPattern: address), end: UInt(bitPattern: address) + UInt(size), message: text,
      length: strlen(text))
    pthread_mutex_unlock(lock)
    #if DEBUG
      // Tests: the file shrinks to nothing right after it is mapped (`HostileInputTests`).
      if getenv("DTMEM_TEST_TRUNCATE_AFTER_MAP") != nil { _ = truncate(PathBytes.cString(path), 0) }
    #endif
    return BlobMemory(buffer: UnsafeRawBufferPointer(start: address, count: size)) { buffer in
      pthread_mutex_lock(lock)
      for index in 0..<slotCount where slots[index].start == UInt(bitPattern: buffer.baseAddress) {
        let text = slots[index].message
        slots[index] = Slot()
        free(text)
      }
      munmap(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count)
      pthread_mutex_unlock(lock)
    }
  }

  /// For the process, once (under `lock`): SIGBUS inside a live mapping ends dtmem with its
  /// error line; any other SIGBUS gets the default action back and happens again.
  static func installHandler() {
    guard !handlerInstalled else { return }
    handlerInstalled = true
    var action = sigaction()
    action.__sigaction_handler.sa_sigaction = { _, info, _ in
      let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
      for index in 0..<FileMapping.slotCount {
        let slot = FileMapping.slots[index]
        if let message = slot.message, address >= slot.start, address < slot.end {
          if let temporary = FileMapping.pendingTemporaryFile { unlink(temporary) }
          _ = write(2, message, slot.length)
          _exit(2)
        }
      }
      signal(SIGBUS, SIG_DFL)
    }
    action.sa_flags = SA_SIGINFO
    sigemptyset(&action.sa_mask)
    sigaction(SIGBUS, &action, nil)
  }
}
