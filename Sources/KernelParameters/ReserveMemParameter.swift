internal import MemoryModel

/// `reserve_mem=SIZE:ALIGN:NAME` (mm/memblock.c `reserve_mem()`, Linux 6.12): memory the kernel
/// allocates top-down once memblock is complete, kept under a name that drivers look up
/// (`ramoops.mem_name=NAME`). This is the grammar; placement is the boot model's business.
public struct ReserveMemParameter: Hashable, Sendable {
  public var size: UInt64
  /// The alignment after the kernel raises anything below `SMP_CACHE_BYTES` (64) to 64.
  public var alignment: UInt64
  /// The alignment as written (before the raise).
  public var requestedAlignment: UInt64
  public var name: String

  /// `RESERVE_MEM_MAX_ENTRIES`: a ninth successful `reserve_mem=` is refused.
  public static let maximumEntries = 8
  /// `RESERVE_MEM_NAME_SIZE` (16, with the NUL): names are 1 to 15 bytes.
  public static let maximumNameLength = 15
  /// `SMP_CACHE_BYTES` on x86-64 and arm64.
  public static let minimumAlignment: UInt64 = 64

  /// Why the kernel refuses a value (6.12 refuses silently; dtmem says why).
  public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
    case missingValue
    case badSize
    case expectedColonAfterSize
    case expectedColonAfterAlignment
    case badNameLength(Int)
    case blankName

    public var description: String {
      switch self {
      case .missingValue: "no value (reserve_mem=SIZE:ALIGN:NAME)"
      case .badSize: "the size is zero or not a number"
      case .expectedColonAfterSize: "expected ':' after the size"
      case .expectedColonAfterAlignment: "expected ':' after the alignment"
      case .badNameLength(let length):
        "the name is \(length) bytes; it must be 1 to \(ReserveMemParameter.maximumNameLength)"
      case .blankName: "the name is only whitespace"
      }
    }
  }

  public init(size: UInt64, alignment: UInt64, requestedAlignment: UInt64, name: String) {
    self.size = size
    self.alignment = alignment
    self.requestedAlignment = requestedAlignment
    self.name = name
  }

  /// Why `reserve_mem()` refuses an occurrence, given the entries it already holds.
  public enum Refusal: Error, Hashable, Sendable {
    /// `RESERVE_MEM_MAX_ENTRIES` entries are held: checked before anything is parsed.
    case tableFull
    case malformed(Rejection)
    /// An entry of that name is held.
    case nameInUse(ReserveMemParameter)
  }

  /// `reserve_mem()`'s checks in its order — room for one more, the value, a new name — for an
  /// occurrence parsed with `parse`, when entries named `held` are already kept.
  public static func admit(
    _ parsed: Result<ReserveMemParameter, Rejection>, held: [String]
  ) -> Result<ReserveMemParameter, Refusal> {
    guard held.count < maximumEntries else { return .failure(.tableFull) }
    switch parsed {
    case .failure(let rejection): return .failure(.malformed(rejection))
    case .success(let request):
      return held.contains(request.name) ? .failure(.nameInUse(request)) : .success(request)
    }
  }

  /// Parses one value exactly as `reserve_mem()` does, in the same order of checks (the entry
  /// count and duplicate-name checks depend on earlier entries: `admit`).
  public static func parse(_ value: String?) -> Result<ReserveMemParameter, Rejection> {
    guard let value else { return .failure(.missingValue) }
    let bytes = Array(value.utf8)
    let size = MemParse.memparse(bytes)
    guard size.value != 0, size.end != 0 else { return .failure(.badSize) }
    guard MemParse.byte(bytes, size.end) == 0x3a else { return .failure(.expectedColonAfterSize) }
    let align = MemParse.memparse(bytes, from: size.end + 1)
    guard MemParse.byte(bytes, align.end) == 0x3a else {
      return .failure(.expectedColonAfterAlignment)
    }
    let nameBytes = bytes[(align.end + 1)...]
    guard !nameBytes.isEmpty, nameBytes.count <= maximumNameLength else {
      return .failure(.badNameLength(nameBytes.count))
    }
    guard nameBytes.contains(where: { !KernelCommandLine.isSpace($0) }) else {
      return .failure(.blankName)
    }
    return .success(
      ReserveMemParameter(
        size: size.value, alignment: max(align.value, minimumAlignment),
        requestedAlignment: align.value, name: String(decoding: nameBytes, as: UTF8.self)))
  }
}
