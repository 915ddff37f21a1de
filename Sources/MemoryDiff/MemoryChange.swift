public import BootModel

/// One difference between two memory descriptions.
public struct MemoryChange: Hashable, Sendable {
  /// What part of the description changed.
  public enum Category: String, Hashable, Sendable {
    /// Root cells, the /reserved-memory node itself.
    case structure
    /// Memory banks.
    case memory
    /// `pmem-region` nodes (persistent memory the nvdimm driver takes).
    case pmem
    /// /reserved-memory children.
    case reserved
    /// The header's /memreserve/ entries.
    case memreserve
    /// /chosen ranges: initrd, linux,usable-memory-range, linux,elfcorehdr.
    case chosen
    /// Memory parameters of the kernel command line.
    case cmdline
    /// What the arm64 boot model predicts: placements, failures, the memory the kernel keeps.
    case simulated
  }

  public var category: Category
  /// `added`, `removed`, `resized`, `moved`, `flags`, `changed`, `placement`, `status`, …
  public var kind: String
  /// A node path, `/memreserve/`, `/chosen`, `cmdline`, or `memory` for the simulated map.
  public var path: String
  /// The old and new value, for people (nil when added or removed).
  public var before: String?
  public var after: String?
  /// One line saying what changed.
  public var message: String

  public init(
    _ category: Category, _ kind: String, at path: String, before: String? = nil, after: String? = nil,
    _ message: String
  ) {
    self.category = category
    self.kind = kind
    self.path = path
    self.before = before
    self.after = after
    self.message = message
  }

  /// `old → new`, or whichever side exists.
  static func transition(_ before: String?, _ after: String?) -> String {
    switch (before, after) {
    case (let b?, let a?): "\(b) → \(a)"
    case (let b?, nil): b
    case (nil, let a?): a
    default: ""
    }
  }
}

/// What `dtmem diff` found: the changes, and notes on what could not be compared.
public struct MemoryDiffResult: Hashable, Sendable {
  /// The kernel both boots follow.
  public var kernel: KernelVersion
  public var changes: [MemoryChange]
  public var notes: [String]

  public var isIdentical: Bool { changes.isEmpty }
}
