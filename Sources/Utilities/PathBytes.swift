/// Command-line words and file names as the bytes the kernel handed over, carried in `String`s.
///
/// Linux arguments and file names are bytes, not UTF-8, and decoding them as UTF-8 with
/// replacement characters would make `-o out\xff.dtbo` write a different file. So a byte that
/// is not part of valid UTF-8 travels as the private-use scalar U+10FF00 + byte (the upper half
/// of the last plane's private-use area; valid UTF-8 for those scalars is carried the same way,
/// byte by byte, so the mapping is one to one) and `bytes(_:)` turns it back into the same
/// byte for every system call. Messages show such a byte as `\xFF` (`MessageText`).
public enum PathBytes {
  /// Escape scalars are U+10FF80…U+10FFFF: U+10FF00 + a byte of 0x80…0xFF.
  public static let escapeBase: UInt32 = 0x10_FF00

  /// The raw byte an escape scalar stands for, or nil for any other scalar.
  @inline(__always)
  public static func escapedByte(_ scalar: Unicode.Scalar) -> UInt8? {
    scalar.value >= escapeBase + 0x80 ? UInt8(truncatingIfNeeded: scalar.value - escapeBase) : nil
  }

  /// `bytes` as a `String` that `bytes(_:)` turns back into exactly `bytes`.
  public static func decode(_ bytes: [UInt8]) -> String {
    if let text = String(validating: bytes, as: UTF8.self),
      !text.unicodeScalars.contains(where: { escapedByte($0) != nil })
    {
      return text
    }
    var scalars = String.UnicodeScalarView()
    var index = 0
    while index < bytes.count {
      var parser = Unicode.UTF8.ForwardParser()
      var iterator = bytes[index...].makeIterator()
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded):
        let scalar = Unicode.UTF8.decode(encoded)
        if escapedByte(scalar) != nil {
          for byte in encoded { scalars.append(Unicode.Scalar(escapeBase + UInt32(byte))!) }
        } else {
          scalars.append(scalar)
        }
        index += encoded.count
      case .error(let length):
        for byte in bytes[index..<(index + length)] { scalars.append(Unicode.Scalar(escapeBase + UInt32(byte))!) }
        index += length
      case .emptyInput:
        index = bytes.count
      }
    }
    return String(scalars)
  }

  /// The NUL-terminated C string `decode` came from.
  public static func decode(cString: UnsafePointer<CChar>) -> String {
    let start = UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self)
    var length = 0
    var ascii = true
    while start[length] != 0 {
      if start[length] >= 0x80 { ascii = false }
      length += 1
    }
    let bytes = UnsafeBufferPointer(start: start, count: length)
    // ASCII is valid UTF-8 and holds no escape scalar (all above U+10FF00): the text as it is.
    if ascii { return String(decoding: bytes, as: UTF8.self) }
    return decode(Array(bytes))
  }

  /// The bytes `text` stands for.
  public static func bytes(_ text: String) -> [UInt8] {
    guard text.unicodeScalars.contains(where: { escapedByte($0) != nil }) else { return Array(text.utf8) }
    var result: [UInt8] = []
    for scalar in text.unicodeScalars {
      if let byte = escapedByte(scalar) {
        result.append(byte)
      } else {
        result.append(contentsOf: String(scalar).utf8)
      }
    }
    return result
  }

  /// `text`'s bytes NUL-terminated, for a C call taking a path.
  public static func cString(_ text: String) -> [CChar] {
    bytes(text).map { CChar(bitPattern: $0) } + [0]
  }
}
