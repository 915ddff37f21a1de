internal import MemoryModel

extension Diagnostic {
  /// The one stderr line every command prints for a diagnostic, in the form compilers use:
  /// `dtmem: note|warning|error: LOCATION: MESSAGE` (without the line break; see
  /// `CommandOutput.report`).
  var messageLine: String {
    "dtmem: \(severity == .info ? "note" : severity.rawValue): \(location): \(message)"
  }
}
