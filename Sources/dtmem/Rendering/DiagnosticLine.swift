internal import MemoryModel

extension Diagnostic {
  /// The one stderr line every command prints for a diagnostic, in the form compilers use:
  /// `dtmem: note|warning|error: LOCATION: MESSAGE`.
  var standardErrorLine: String {
    "dtmem: \(severity == .info ? "note" : severity.rawValue): \(location): \(message)\n"
  }
}
