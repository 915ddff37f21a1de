internal import MemoryModel

/// What `crashkernel=` asks for, once parsed.
public struct CrashKernelRequest: Hashable, Sendable {
  public enum Form: String, Hashable, Sendable {
    /// `crashkernel=SIZE[@OFFSET]`
    case simple
    /// `crashkernel=START-[END]:SIZE[,…][@OFFSET]`: SIZE chosen by the amount of memory.
    case ranges
    /// `crashkernel=SIZE,high` (with an optional `crashkernel=SIZE,low`).
    case high
  }

  public var form: Form
  public var size: UInt64
  /// A fixed base (`@OFFSET`); nil lets the kernel choose (the kernel treats 0 as "choose").
  public var base: UInt64?
  /// Low memory reserved alongside a `,high` reservation (the default unless `,low` is given).
  public var lowSize: UInt64
  /// The parameter the request came from, as written.
  public var text: String

  public init(form: Form, size: UInt64, base: UInt64?, lowSize: UInt64, text: String) {
    self.form = form
    self.size = size
    self.base = base
    self.lowSize = lowSize
    self.text = text
  }
}

/// `crashkernel=` as Linux 6.12 reads it (kernel/crash_reserve.c `parse_crashkernel()`, called
/// from x86 `arch_reserve_crashkernel()`): not a parsed parameter but a `strstr()` over the
/// raw command line — the **last** `crashkernel=` without a `,high`/`,low` suffix wins (also one
/// inside another word or after `--`), and only without one are `,high` and `,low` read. Messages
/// are the kernel's `pr_warn`/`pr_info` lines. The extended form chooses the size from the
/// memory the kernel sees at that point (after `memmap=`/`mem=`), rounded up to 128 MiB.
public enum CrashKernelParameter {
  /// x86-64 `DEFAULT_CRASH_KERNEL_LOW_SIZE`: max(swiotlb default 64 MiB + 8 MiB, 256 MiB).
  public static let defaultLowSize: UInt64 = 256 << 20
  /// arm64 `DEFAULT_CRASH_KERNEL_LOW_SIZE`: 128 MiB.
  public static let arm64DefaultLowSize: UInt64 = 128 << 20

  public struct Outcome: Hashable, Sendable {
    /// The request, or nil when the kernel reserves nothing (`parse_crashkernel()` failed, or
    /// the size is 0 or not below the memory size).
    public var request: CrashKernelRequest?
    /// What the kernel complains about while parsing, in order.
    public var complaints: [Complaint]
    /// Why nothing is reserved, for people (the kernel often says nothing).
    public var refusal: String?
  }

  /// What `parse_crashkernel()` and its helpers warn about (each a `pr_warn`/`pr_info`; the
  /// words are the kernel log renderer's).
  public enum Complaint: Hashable, Sendable {
    /// A simple or suffixed value without a size.
    case memoryValueExpected
    /// A range, its end or its size missing in the ranges form.
    case rangeValueExpected
    case dashExpected
    case endNotAfterStart
    case colonExpected
    /// A size not below the memory size rounded up to 128 MiB.
    case invalidSize
    /// `@` without an offset in the ranges form.
    case offsetValueExpected
    /// No range of the ranges form holds the memory size.
    case zeroSize
    /// The character after the size (0 for the end of the line).
    case unrecognizedCharacter(UInt8)
  }

  /// The words' bytes, in the static strings' own storage: no array to allocate at the first
  /// parse behind a `swift_once` token each (two pages of the binary's zero-initialized data to
  /// fault in). (Two suffixes, not an array of them: a `[[UInt8]]` costs a runtime type
  /// instantiation.)
  static var name: UnsafeBufferPointer<UInt8> { bytes("crashkernel=") }
  static var highSuffix: UnsafeBufferPointer<UInt8> { bytes(",high") }
  static var lowSuffix: UnsafeBufferPointer<UInt8> { bytes(",low") }

  /// A literal's UTF-8, valid for the whole process (a multi-character literal is stored as
  /// bytes).
  private static func bytes(_ word: StaticString) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
  }

  /// Parses the command line as the kernel keeps it. Nil when it holds no `crashkernel=` at all.
  /// `defaultLowSize` is the architecture's `DEFAULT_CRASH_KERNEL_LOW_SIZE`, used by `,high`
  /// without `,low`.
  /// `refusesSizeOfAllMemory`: refuse a size not below the memory size (6.12's
  /// `parse_crashkernel()`; 6.1's has no such check and tries to allocate it).
  public static func parse(
    _ commandLine: String, systemRAM: UInt64, defaultLowSize: UInt64 = CrashKernelParameter.defaultLowSize,
    refusesSizeOfAllMemory: Bool = true
  ) -> Outcome? {
    let line = Array(commandLine.utf8)
    var complaints: [Complaint] = []
    let plain = parse(line, systemRAM: systemRAM, suffix: nil, complaints: &complaints)
    var request: CrashKernelRequest? = nil
    var refusal: String? = nil
    switch plain {
    case .notFound:
      // crashkernel=X,high, then the optional crashkernel=Y,low.
      let high = parse(line, systemRAM: 0, suffix: highSuffix, complaints: &complaints)
      switch high {
      case .notFound:
        return nil
      case .invalid(let why):
        refusal = why
      case .parsed(let size, _, let text):
        guard size != 0 else {
          refusal = "the size is 0"
          break
        }
        var lowSize = defaultLowSize
        switch parse(line, systemRAM: 0, suffix: lowSuffix, complaints: &complaints) {
        case .notFound: break
        case .invalid(let why): refusal = "crashkernel=…,low: \(why)"
        case .parsed(let low, _, _): lowSize = low
        }
        if refusal == nil {
          request = CrashKernelRequest(form: .high, size: size, base: nil, lowSize: lowSize, text: text)
        }
      }
    case .invalid(let why):
      refusal = why
    case .parsed(let size, let base, let text):
      let ranges = text.utf8.contains(0x3a)
      request = CrashKernelRequest(
        form: ranges ? .ranges : .simple, size: size, base: base == 0 ? nil : base, lowSize: 0, text: text)
    }
    if let current = request {
      if current.size == 0 {
        refusal = current.form == .ranges ? "no range matches the memory size" : "the size is 0"
        request = nil
      } else if refusesSizeOfAllMemory && current.size >= systemRAM {
        refusal =
          "\(ByteCount.human(current.size)) is not less than the memory the kernel sees (\(ByteCount.human(systemRAM)))"
        request = nil
      }
    }
    return Outcome(request: request, complaints: complaints, refusal: refusal)
  }

  enum Parsed {
    case notFound
    case invalid(String)
    case parsed(size: UInt64, base: UInt64, text: String)
  }

  /// `__parse_crashkernel()`.
  static func parse(
    _ line: [UInt8], systemRAM: UInt64, suffix: UnsafeBufferPointer<UInt8>?, complaints: inout [Complaint]
  ) -> Parsed {
    guard let found = lastOccurrence(line, suffix: suffix) else { return .notFound }
    let start = found + name.count
    let tokenEnd = line[found...].firstIndex(of: 0x20) ?? line.count
    let text = String(decoding: line[found..<tokenEnd], as: UTF8.self)
    if let suffix {
      return parseSuffixed(line, from: start, suffix: suffix, text: text, complaints: &complaints)
    }
    let colon = line[start...].firstIndex(of: 0x3a)
    let space = line[start...].firstIndex(of: 0x20)
    if let colon, space == nil || colon < space! {
      return parseRanges(line, from: start, systemRAM: systemRAM, text: text, complaints: &complaints)
    }
    return parseSimple(line, from: start, text: text, complaints: &complaints)
  }

  /// `get_last_crashkernel()`: the last `crashkernel=` whose word (up to the next space) ends
  /// in `suffix`, or, without a suffix, in neither known suffix.
  static func lastOccurrence(_ line: [UInt8], suffix: UnsafeBufferPointer<UInt8>?) -> Int? {
    let name = Self.name  // read once, not per byte of the line
    var last: Int? = nil
    var index = 0
    while index + name.count <= line.count {
      guard line[index] == name[0], line[index..<(index + name.count)].elementsEqual(name) else {
        index += 1
        continue
      }
      let end = line[index...].firstIndex(of: 0x20) ?? line.count
      func endsWith(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        end - index >= s.count && line[(end - s.count)..<end].elementsEqual(s)
      }
      if let suffix {
        if endsWith(suffix) { last = index }
      } else if !endsWith(highSuffix) && !endsWith(lowSuffix) {
        last = index
      }
      index += 1
    }
    return last
  }

  static func character(_ c: UInt8) -> String { String(decoding: [c], as: UTF8.self) }

  /// `parse_crashkernel_simple()`.
  static func parseSimple(_ line: [UInt8], from start: Int, text: String, complaints: inout [Complaint]) -> Parsed {
    let size = MemParse.memparse(line, from: start)
    guard size.end != start else {
      complaints.append(.memoryValueExpected)
      return .invalid("no size")
    }
    let c = MemParse.byte(line, size.end)
    if c == 0x40 {
      return .parsed(size: size.value, base: MemParse.memparse(line, from: size.end + 1).value, text: text)
    }
    guard c == 0x20 || c == 0 else {
      complaints.append(.unrecognizedCharacter(c))
      return .invalid("unexpected '\(character(c))' after the size")
    }
    return .parsed(size: size.value, base: 0, text: text)
  }

  /// `parse_crashkernel_mem()`: `START-[END]:SIZE[,…][@OFFSET]`, END exclusive; the first range
  /// holding the memory size (rounded up to 128 MiB) gives SIZE.
  static func parseRanges(
    _ line: [UInt8], from start: Int, systemRAM: UInt64, text: String, complaints: inout [Complaint]
  ) -> Parsed {
    let total = roundUp128M(systemRAM)
    var cur = start
    var crashSize: UInt64 = 0
    repeat {
      let rangeStart = MemParse.memparse(line, from: cur)
      guard rangeStart.end != cur else {
        complaints.append(.rangeValueExpected)
        return .invalid("a range start is missing")
      }
      cur = rangeStart.end
      guard MemParse.byte(line, cur) == 0x2d else {
        complaints.append(.dashExpected)
        return .invalid("'-' expected after a range start")
      }
      cur += 1
      var rangeEnd = UInt64.max
      if MemParse.byte(line, cur) != 0x3a {
        let parsed = MemParse.memparse(line, from: cur)
        guard parsed.end != cur else {
          complaints.append(.rangeValueExpected)
          return .invalid("a range end is missing")
        }
        cur = parsed.end
        rangeEnd = parsed.value
        guard rangeEnd > rangeStart.value else {
          complaints.append(.endNotAfterStart)
          return .invalid("a range ends before it starts")
        }
      }
      guard MemParse.byte(line, cur) == 0x3a else {
        complaints.append(.colonExpected)
        return .invalid("':' expected after a range")
      }
      cur += 1
      let size = MemParse.memparse(line, from: cur)
      guard size.end != cur else {
        complaints.append(.rangeValueExpected)
        return .invalid("a size is missing")
      }
      cur = size.end
      guard size.value < total else {
        complaints.append(.invalidSize)
        return .invalid(
          "a size (\(ByteCount.human(size.value))) is not less than the memory size rounded up to 128 MiB "
            + "(\(ByteCount.human(total)))"
        )
      }
      if total >= rangeStart.value && total < rangeEnd {
        crashSize = size.value
        break
      }
      let separator = MemParse.byte(line, cur)
      cur += 1
      if separator != 0x2c { break }
    } while true
    var base: UInt64 = 0
    if crashSize > 0 {
      while cur < line.count && line[cur] != 0x20 && line[cur] != 0x40 { cur += 1 }
      if MemParse.byte(line, cur) == 0x40 {
        cur += 1
        let parsed = MemParse.memparse(line, from: cur)
        guard parsed.end != cur else {
          complaints.append(.offsetValueExpected)
          return .invalid("no offset after '@'")
        }
        base = parsed.value
      }
    } else {
      complaints.append(.zeroSize)
    }
    return .parsed(size: crashSize, base: base, text: text)
  }

  /// `parse_crashkernel_suffix()`.
  static func parseSuffixed(
    _ line: [UInt8], from start: Int, suffix: UnsafeBufferPointer<UInt8>, text: String, complaints: inout [Complaint]
  ) -> Parsed {
    let size = MemParse.memparse(line, from: start)
    guard size.end != start else {
      complaints.append(.memoryValueExpected)
      return .invalid("no size")
    }
    var cur = size.end
    guard cur + suffix.count <= line.count, line[cur..<(cur + suffix.count)].elementsEqual(suffix) else {
      complaints.append(.unrecognizedCharacter(MemParse.byte(line, cur)))
      return .invalid("unexpected text after the size")
    }
    cur += suffix.count
    let c = MemParse.byte(line, cur)
    guard c == 0x20 || c == 0 else {
      complaints.append(.unrecognizedCharacter(c))
      return .invalid("unexpected text after \(String(decoding: suffix, as: UTF8.self))")
    }
    return .parsed(size: size.value, base: 0, text: text)
  }

  /// `roundup(x, SZ_128M)` in u64 arithmetic (wraps like the kernel's for absurd sizes).
  static func roundUp128M(_ x: UInt64) -> UInt64 {
    let unit: UInt64 = 128 << 20
    return ((x &+ unit &- 1) / unit) &* unit
  }
}
