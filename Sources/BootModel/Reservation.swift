public import MemoryModel

/// One reservation the boot made, tried or would make, in the kernel's processing order.
public struct Reservation: Hashable, Sendable {
  /// Where the reservation comes from.
  public enum Origin: String, Hashable, Sendable {
    /// A `/reserved-memory` child with `reg`.
    case staticRegion = "static"
    /// A `/reserved-memory` child with `size` (placed by the kernel).
    case dynamicRegion = "dynamic"
    /// An entry of the blob header's `/memreserve/` block.
    case memoryReservationBlock = "memreserve"
    /// Memory the loader occupied before the kernel looked (`--reserve`).
    case loader
    /// The initrd named by `/chosen`.
    case initrd
    /// The crash-dump ELF header named by `/chosen`.
    case elfCoreHeader = "elfcorehdr"
    /// A `reserve_mem=` kernel parameter.
    case reserveMemParameter = "reserve_mem"
    /// The default CMA area (`cma=` or the kernel's configured size).
    case defaultCMA = "cma"
    /// The crash kernel's memory (`crashkernel=`).
    case crashKernel = "crashkernel"
    /// What UEFI firmware or the EFI stub left for the kernel (tables, the tree copy, the map).
    case firmware
  }

  /// What became of it.
  public enum Status: Hashable, Sendable {
    /// Static, taken where it was asked for.
    case reserved
    /// Dynamic, placed by the allocator.
    case allocated
    /// The kernel refuses or fails it; the reason says how.
    case failed(reason: String)
    /// `status` is not "okay".
    case disabled
    /// Placed later than anything the model sees exactly; the address is a prediction.
    case estimated(reason: String)

    /// The contract's spelling: reserved, allocated, failed, disabled, estimated.
    public var name: String {
      switch self {
      case .reserved: "reserved"
      case .allocated: "allocated"
      case .failed: "failed"
      case .disabled: "disabled"
      case .estimated: "estimated"
      }
    }

    /// Whether the memory is taken: a static region reserved or a dynamic one placed.
    public var holdsMemory: Bool {
      switch self {
      case .reserved, .allocated: true
      default: false
      }
    }

    public var reason: String? {
      switch self {
      case .failed(let reason), .estimated(let reason): reason
      default: nil
      }
    }
  }

  /// The name as the kernel prints it (`linux,cma`, `pool@50000000`), or the parameter's name.
  public var name: String
  /// The node path (`/reserved-memory/linux,cma`), `/memreserve/`, `cmdline`, or `--reserve`.
  public var path: String
  public var origin: Origin
  /// Where it is (or is predicted to be); nil when it was never placed.
  public var range: PhysicalRange?
  /// The size asked for (dynamic regions, parameters).
  public var requestedSize: UInt64?
  /// The alignment used for placement.
  public var alignment: UInt64?
  /// The windows tried, in order (`alloc-ranges`).
  public var allocRanges: [RegTuple]
  public var noMap: Bool
  public var reusable: Bool
  public var compatible: [String]
  public var status: Status
  /// False when the kernel's table of reserved regions (`reserved_mem[64]`) was full: the
  /// memory stays reserved but is never initialised, so no driver finds it.
  public var isRecorded: Bool = true
  /// Why its handler refused it ("compatible matching fail"); the status then says `.failed`.
  public var setupFailure: SetupFailure? = nil

  /// Why a `shared-dma-pool` region's setup fails (`rmem_cma_setup()`, `rmem_dma_setup()`).
  public enum SetupFailure: Hashable, Sendable {
    /// `linux,cma-default` while `cma=` is on the command line.
    case cmaBypassed
    /// `reusable` together with `no-map`: neither handler takes it.
    case reusableWithNoMap
    /// Base or size not a multiple of the CMA alignment.
    case cmaMisaligned
    /// Every `CONFIG_CMA_AREAS` slot is in use.
    case cmaSlotsFull
    /// The region is not reserved memory (size 0, or released).
    case cmaNotReserved
  }

  public init(
    name: String, path: String, origin: Origin, range: PhysicalRange? = nil,
    requestedSize: UInt64? = nil, alignment: UInt64? = nil, allocRanges: [RegTuple] = [],
    noMap: Bool = false, reusable: Bool = false, compatible: [String] = [], status: Status
  ) {
    self.name = name
    self.path = path
    self.origin = origin
    self.range = range
    self.requestedSize = requestedSize
    self.alignment = alignment
    self.allocRanges = allocRanges
    self.noMap = noMap
    self.reusable = reusable
    self.compatible = compatible
    self.status = status
  }
}

extension Reservation {
  /// The kernel refuses or fails it.
  public var isFailed: Bool {
    if case .failed = status { return true }
    return false
  }

  /// One line for `--explain`: what became of the reservation.
  public var outcome: String {
    let place = range.map { "\($0)" } ?? requestedSize.map { "\(ByteCount.human($0))" } ?? ""
    switch status {
    case .reserved: return "\(name): reserved \(place)"
    case .allocated: return "\(name): placed at \(place)"
    case .estimated: return "\(name): predicted at \(place)"
    case .disabled: return "\(name): disabled, skipped"
    case .failed(let reason): return "\(name): failed — \(reason)"
    }
  }

  /// The lines for reservations a step added, and for earlier ones whose status it changed.
  static func outcomes(_ before: [Reservation], _ after: [Reservation]) -> [String] {
    var lines: [String] = []
    for (old, new) in zip(before, after) where old.status != new.status { lines.append(new.outcome) }
    lines.append(contentsOf: after.dropFirst(before.count).map(\.outcome))
    return lines
  }
}
