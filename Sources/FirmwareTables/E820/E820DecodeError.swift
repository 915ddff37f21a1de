/// Why an e820 table could not be read, and where: a line of a log or of `/proc/iomem`, a file
/// of a `/sys/firmware/memmap` directory, or a JSON path.
public struct E820DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Where the problem is: `line 12`, `3/end`, `e820[2].size`, `byte 40`.
  public var position: String
  public var message: String

  public init(_ position: String, _ message: String) {
    self.position = position
    self.message = message
  }

  public static func line(_ number: Int, _ message: String) -> E820DecodeError {
    E820DecodeError("line \(number)", message)
  }

  public var description: String { "\(position): \(message)" }
}

/// A one-line reason, for `Result` values inside the decoders.
struct Why: Error, CustomStringConvertible, ExpressibleByStringInterpolation {
  var description: String
  init(_ text: String) { description = text }
  init(stringLiteral value: String) { description = value }
  init(stringInterpolation: DefaultStringInterpolation) {
    description = String(stringInterpolation: stringInterpolation)
  }
}
