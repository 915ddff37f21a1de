internal import CLibFDT
internal import MemoryModel

/// Why a blob cannot be used. Each case renders as one line that says what is wrong.
public enum FDTError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Fewer bytes than the fixed header.
  case tooShort(length: Int)
  /// The first word is not 0xd00dfeed.
  case badMagic(found: UInt32)
  /// The header's `totalsize` is larger than the data.
  case truncated(totalSize: UInt32, available: Int)
  /// libfdt refused the blob or an operation on it (negative `FDT_ERR_*` code).
  case libfdt(code: Int32, operation: String)
  /// A header field libfdt cannot be trusted with (a version it misreads, a block outside the
  /// blob or misaligned).
  case badHeader(field: String, value: UInt32, reason: String)
  /// The structure block at `offset` (from its start) is not a tree libfdt reads safely.
  case badStructure(offset: Int32, reason: String)
  /// Nodes nested deeper than Linux unflattens.
  case tooDeep(limit: Int32)
  /// A structural fact dtmem needs is unusable (e.g. `#address-cells = <3>` at the root).
  case unsupported(path: String, reason: String)

  public var description: String {
    switch self {
    case .tooShort(let length):
      return "not a device tree blob: \(length) bytes is shorter than the 40-byte header"
    case .badMagic(let found):
      return "not a device tree blob: magic \(Hex.short(UInt64(found))), expected 0xd00dfeed"
    case .truncated(let total, let available):
      return "truncated device tree blob: header says \(total) bytes, only \(available) present"
    case .libfdt(let code, let operation):
      return "\(operation): \(FDTError.name(of: code)) (\(FDTError.explanation(of: code)))"
    case .badHeader(let field, let value, let reason):
      let shown = field.hasSuffix("version") ? String(value) : Hex.short(UInt64(value))
      return "unusable device tree header: \(field) = \(shown): \(reason)"
    case .badStructure(let offset, let reason):
      return "corrupt device tree structure block at offset \(Hex.short(UInt64(offset))): \(reason)"
    case .tooDeep(let limit):
      return
        "nodes nested more than \(limit) deep below the root: Linux (unflatten_dt_nodes, FDT_MAX_DEPTH 64) drops "
        + "them, and no real tree comes close; refusing it"
    case .unsupported(let path, let reason):
      return "\(path): \(reason)"
    }
  }

  /// libfdt's symbolic name for a code (`FDT_ERR_TRUNCATED`).
  public static func name(of code: Int32) -> String {
    guard let text = fdt_strerror(code) else { return "FDT_ERR_\(-code)" }
    return String(cString: text)
  }

  /// What each code means for someone holding the file.
  static func explanation(of code: Int32) -> String {
    switch -code {
    case FDT_ERR_TRUNCATED: return "a structure or string reaches past the end of the blob"
    case FDT_ERR_BADMAGIC: return "bad magic number"
    case FDT_ERR_BADVERSION: return "unsupported blob version"
    case FDT_ERR_BADSTRUCTURE: return "corrupt structure block"
    case FDT_ERR_BADLAYOUT: return "blocks overlap or are out of order"
    case FDT_ERR_BADOFFSET: return "an offset points outside the blob or into the middle of a tag"
    case FDT_ERR_BADSTATE: return "the blob is incomplete"
    case FDT_ERR_INTERNAL: return "libfdt internal error"
    case FDT_ERR_NOSPACE: return "no room left in the buffer"
    case FDT_ERR_BADNCELLS: return "bad #address-cells or #size-cells"
    case FDT_ERR_BADVALUE: return "a property has an unexpected value"
    case FDT_ERR_BADOVERLAY: return "malformed overlay"
    case FDT_ERR_NOPHANDLES: return "phandles exhausted"
    case FDT_ERR_BADFLAGS: return "bad flags"
    case FDT_ERR_NOTFOUND: return "a node or property the operation needs is missing"
    case FDT_ERR_EXISTS: return "the node already exists"
    case FDT_ERR_BADPATH: return "malformed path"
    case FDT_ERR_BADPHANDLE: return "bad phandle"
    default: return "libfdt error \(code)"
    }
  }
}
