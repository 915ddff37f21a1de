import Utilities

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Runs a program found on `PATH` and collects what it prints (used for `dtc`), within limits.
enum Subprocess {
  /// What the program may use before it is stopped.
  struct Limits {
    /// Wall-clock seconds.
    var seconds: Int
    /// Bytes on standard output and standard error together.
    var outputBytes: Int
    /// Address space (`RLIMIT_AS`), so that an allocation fails long before the machine's memory
    /// runs out.
    var memoryBytes: Int
  }

  /// Why the program was stopped.
  enum Stop: Equatable {
    case timeLimit
    case outputLimit
  }

  struct Output {
    var status: Int32
    var standardOutput: [UInt8]
    var standardError: [UInt8]
    /// Set when dtmem killed the program at a limit.
    var stopped: Stop? = nil
  }

  /// Runs `arguments[0]` with `arguments` (`PathBytes` strings); nil when the program cannot be
  /// started.
  static func run(_ arguments: [String], limits: Limits) -> Output? {
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0 else { return nil }
    guard pipe(&errPipe) == 0 else {
      close(outPipe[0])
      close(outPipe[1])
      return nil
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    posix_spawn_file_actions_addclose(&actions, outPipe[0])
    posix_spawn_file_actions_addclose(&actions, errPipe[0])

    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map {
      PathBytes.cString($0).withUnsafeBufferPointer { strdup($0.baseAddress!) }
    }
    argv.append(nil)
    defer { for pointer in argv { free(pointer) } }
    // The program runs in a process group of its own, so that a stop at a limit kills what it
    // started too: `cpp` is a driver, and its `cc1` blocked on an #include of a FIFO outlived
    // the driver's SIGKILL, holding every descriptor it inherited.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, argv[0]!, &actions, &attributes, argv, environ)
    close(outPipe[1])
    close(errPipe[1])
    guard spawned == 0 else {
      close(outPipe[0])
      close(errPipe[0])
      return nil
    }
    // posix_spawn returns once the child has exec'd; it has read nothing yet.
    limitMemory(of: pid, to: limits.memoryBytes)
    let deadline = Progress.now() + Double(limits.seconds)
    var output = Output(status: -1, standardOutput: [], standardError: [])
    var fds = [
      pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0),
      pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0),
    ]
    var open = 2
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while open > 0 && output.stopped == nil {
      let left = deadline - Progress.now()
      guard left > 0 else {
        output.stopped = .timeLimit
        break
      }
      let ready = poll(&fds, nfds_t(fds.count), Int32(min(left * 1000 + 1, 60_000)))
      if ready < 0 {
        if errno == EINTR { continue }
        break
      }
      for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fds[index].fd, $0.baseAddress, $0.count) }
        if count > 0 {
          if index == 0 {
            output.standardOutput.append(contentsOf: buffer[0..<count])
          } else {
            output.standardError.append(contentsOf: buffer[0..<count])
          }
          if output.standardOutput.count + output.standardError.count > limits.outputBytes {
            output.stopped = .outputLimit
          }
        } else if count == 0 || errno != EINTR {
          close(fds[index].fd)
          fds[index].fd = -1
          open -= 1
        }
      }
    }
    if output.stopped != nil { kill(-pid, SIGKILL) }
    for fd in fds where fd.fd >= 0 { close(fd.fd) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
    output.status = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return output
  }

  /// `prlimit(pid, RLIMIT_AS, …)`. Glibc declares it only under _GNU_SOURCE, which Swift's Glibc
  /// module does not define, so it is looked up by name; where it is missing the time and output
  /// limits still hold.
  static func limitMemory(of pid: pid_t, to bytes: Int) {
    typealias PRLimit = @convention(c) (pid_t, Int32, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "prlimit") else { return }
    let prlimit = unsafeBitCast(symbol, to: PRLimit.self)
    var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
    _ = prlimit(pid, Int32(RLIMIT_AS.rawValue), &limit, nil)
  }
}
