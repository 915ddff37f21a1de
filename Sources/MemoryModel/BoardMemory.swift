/// Everything a device tree says about physical memory, as the kernel's early code reads it:
/// the facts, not yet their consequences (the boot model decides those). Every fact carries the
/// node path it came from.
///
/// All `(address, size)` values are decoded with the root node's cell counts, as Linux decodes
/// every early memory property (memory nodes, `/chosen`, all `/reserved-memory` children).
public struct BoardMemory: Hashable, Sendable {
  /// The root's `#address-cells`/`#size-cells`, or the kernel's 1/1 default.
  public var rootCells: CellCounts
  /// Whether the root actually states each count (dtc and the kernel disagree on defaults).
  public var rootStatesAddressCells: Bool
  public var rootStatesSizeCells: Bool
  /// `model`, or else the first `compatible` string of the root.
  public var model: String?
  /// Root-level nodes with `device_type = "memory"`, in DT order.
  public var memoryNodes: [MemoryNode]
  /// `/reserved-memory`, if the tree has one.
  public var reservedMemory: ReservedMemoryNode?
  /// The header's reservation block (`/memreserve/`), up to the terminating empty entry.
  public var memoryReservations: [RegTuple]
  /// `/chosen`, if the tree has one.
  public var chosen: ChosenNode?
  /// Root-level `pmem-region` nodes (persistent memory Linux exposes as /dev/pmem).
  public var persistentRegions: [PersistentRegionNode]
  /// The blob's `totalsize` (what a loader reserves for it), when read from a blob.
  public var blobSize: UInt32?

  public init(
    rootCells: CellCounts = .kernelRootDefault, rootStatesAddressCells: Bool = true,
    rootStatesSizeCells: Bool = true, model: String? = nil, memoryNodes: [MemoryNode] = [],
    reservedMemory: ReservedMemoryNode? = nil, memoryReservations: [RegTuple] = [],
    chosen: ChosenNode? = nil, persistentRegions: [PersistentRegionNode] = [],
    blobSize: UInt32? = nil
  ) {
    self.rootCells = rootCells
    self.rootStatesAddressCells = rootStatesAddressCells
    self.rootStatesSizeCells = rootStatesSizeCells
    self.model = model
    self.memoryNodes = memoryNodes
    self.reservedMemory = reservedMemory
    self.memoryReservations = memoryReservations
    self.chosen = chosen
    self.persistentRegions = persistentRegions
    self.blobSize = blobSize
  }
}

/// `status` as the kernel reads it (`of_fdt_device_is_available`): absent, "okay" or "ok" mean
/// available; anything else does not.
public func deviceTreeStatusIsAvailable(_ status: String?) -> Bool {
  guard let status else { return true }
  return status == "okay" || status == "ok"
}

/// The number a node name's unit address spells (`memory@80000000`, `memory@1,80000000` =
/// 0x180000000: hex cells separated by commas); nil without `@` or when it is not hexadecimal.
public func deviceTreeUnitAddressValue(of name: some StringProtocol) -> UInt64? {
  guard let at = name.firstIndex(of: "@") else { return nil }
  let unit = name[name.index(after: at)...]
  guard !unit.isEmpty else { return nil }
  var result: UInt64 = 0
  for (index, cell) in unit.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
    guard !cell.isEmpty, cell.count <= 16, let number = UInt64(cell, radix: 16) else { return nil }
    result = index == 0 ? number : (result << 32) | number
  }
  return result
}

/// A root-level node with `device_type = "memory"`.
public struct MemoryNode: Hashable, Sendable {
  public var path: String
  public var status: String?
  /// `reg`, decoded with the root cells; nil when absent.
  public var reg: RegList?
  /// `linux,usable-memory`, which the kernel uses instead of `reg` when present.
  public var usableMemory: RegList?
  public var hotpluggable: Bool
  public var numaNodeID: UInt32?

  public init(
    path: String, status: String? = nil, reg: RegList?, usableMemory: RegList? = nil,
    hotpluggable: Bool = false, numaNodeID: UInt32? = nil
  ) {
    self.path = path
    self.status = status
    self.reg = reg
    self.usableMemory = usableMemory
    self.hotpluggable = hotpluggable
    self.numaNodeID = numaNodeID
  }

  public var isAvailable: Bool { deviceTreeStatusIsAvailable(status) }

  /// The property the kernel takes the banks from: `linux,usable-memory` over `reg`.
  public var bankSource: RegList? { usableMemory ?? reg }

  /// That property's name, for messages.
  public var bankSourceName: String { usableMemory != nil ? "linux,usable-memory" : "reg" }

  /// The banks the node states: its tuples with a size, capped at 2^64 - 1.
  public var banks: [PhysicalRange] { bankSource?.nonEmptyRanges ?? [] }
}

/// `/reserved-memory` and its children.
public struct ReservedMemoryNode: Hashable, Sendable {
  public var path: String
  /// The node's own `#address-cells`/`#size-cells` (nil when absent).
  public var addressCells: UInt32?
  public var sizeCells: UInt32?
  /// Whether a `ranges` property exists (the kernel checks presence only).
  public var hasRanges: Bool
  /// Direct children in DT order, disabled ones included.
  public var children: [ReservedRegionNode]

  public init(
    path: String, addressCells: UInt32?, sizeCells: UInt32?, hasRanges: Bool,
    children: [ReservedRegionNode]
  ) {
    self.path = path
    self.addressCells = addressCells
    self.sizeCells = sizeCells
    self.hasRanges = hasRanges
    self.children = children
  }

  /// Why the kernel ignores the whole node (`__reserved_mem_check_root()`: its cells must equal
  /// the root's and a `ranges` property must exist), one phrase per problem; empty when the
  /// format is supported.
  public func formatProblems(rootCells root: CellCounts) -> [String] {
    func cells(_ value: UInt32?) -> String { value.map(String.init) ?? "absent" }
    var problems: [String] = []
    if addressCells != root.address {
      problems.append("#address-cells is \(cells(addressCells)), the root's \(root.address)")
    }
    if sizeCells != root.size { problems.append("#size-cells is \(cells(sizeCells)), the root's \(root.size)") }
    if !hasRanges { problems.append("there is no ranges property") }
    return problems
  }
}

/// One child of `/reserved-memory`.
public struct ReservedRegionNode: Hashable, Sendable {
  public var path: String
  /// The full node name as the kernel prints it (`linux,cma`, `pool@50000000`).
  public var name: String
  public var status: String?
  /// `reg` (static region); nil when absent.
  public var reg: RegList?
  /// `size` (dynamic region); nil when absent.
  public var size: CellValue?
  /// `alignment`; nil when absent. Linux 6.12 reads it with `#address-cells`.
  public var alignment: CellValue?
  /// `alloc-ranges`; nil when absent.
  public var allocRanges: RegList?
  public var noMap: Bool
  public var reusable: Bool
  public var compatible: [String]
  public var cmaDefault: Bool
  public var dmaDefault: Bool

  public init(
    path: String, name: String, status: String? = nil, reg: RegList? = nil,
    size: CellValue? = nil, alignment: CellValue? = nil, allocRanges: RegList? = nil,
    noMap: Bool = false, reusable: Bool = false, compatible: [String] = [],
    cmaDefault: Bool = false, dmaDefault: Bool = false
  ) {
    self.path = path
    self.name = name
    self.status = status
    self.reg = reg
    self.size = size
    self.alignment = alignment
    self.allocRanges = allocRanges
    self.noMap = noMap
    self.reusable = reusable
    self.compatible = compatible
    self.cmaDefault = cmaDefault
    self.dmaDefault = dmaDefault
  }

  public var isAvailable: Bool { deviceTreeStatusIsAvailable(status) }

  /// The unit address part of the name (`50000000` in `pool@50000000`), if any.
  public var unitAddress: Substring? {
    guard let at = name.firstIndex(of: "@") else { return nil }
    return name[name.index(after: at)...]
  }
}

/// `/chosen`'s memory-related properties.
public struct ChosenNode: Hashable, Sendable {
  public var path: String
  public var bootargs: String?
  /// `linux,usable-memory-range` (kexec/kdump): the first range caps memory, the second is added.
  public var usableMemoryRange: RegList?
  /// `linux,initrd-start` and `-end` (end exclusive), read with their own width like the kernel.
  public var initrdStart: UInt64?
  public var initrdEnd: UInt64?
  /// `linux,elfcorehdr` (crash dump ELF header).
  public var elfCoreHeader: RegList?
  /// `linux,uefi-mmap-start` and `linux,uefi-mmap-size`: the EFI stub put them there (the blob
  /// was booted through UEFI; the memory comes from that map, not from `/memory`).
  public var uefiMemoryMapStart: UInt64?
  public var uefiMemoryMapSize: UInt64?
  /// `kaslr-seed` as `get_kaslr_seed()` (arch/arm64/kernel/pi/kaslr_early.c, 6.12) reads it: a
  /// big-endian u64 when the property is exactly 8 bytes long, else 0; nil when absent.
  public var kaslrSeed: UInt64?

  public init(
    path: String, bootargs: String? = nil, usableMemoryRange: RegList? = nil,
    initrdStart: UInt64? = nil, initrdEnd: UInt64? = nil, elfCoreHeader: RegList? = nil,
    uefiMemoryMapStart: UInt64? = nil, uefiMemoryMapSize: UInt64? = nil, kaslrSeed: UInt64? = nil
  ) {
    self.path = path
    self.bootargs = bootargs
    self.usableMemoryRange = usableMemoryRange
    self.initrdStart = initrdStart
    self.initrdEnd = initrdEnd
    self.elfCoreHeader = elfCoreHeader
    self.uefiMemoryMapStart = uefiMemoryMapStart
    self.uefiMemoryMapSize = uefiMemoryMapSize
    self.kaslrSeed = kaslrSeed
  }

  /// Whether the EFI stub wrote this `/chosen` (it adds `linux,uefi-mmap-start`).
  public var isFromEFIStub: Bool { uefiMemoryMapStart != nil }

  /// The initrd as the kernel takes it: both properties present and start <= end.
  public var initrd: RegTuple? {
    guard let start = initrdStart, let end = initrdEnd, start <= end else { return nil }
    return RegTuple(address: start, size: end - start)
  }

  /// `linux,usable-memory-range` as Linux 6.12 takes it, or nil when absent or refused. The
  /// kernel's length check (`early_init_dt_check_for_usable_mem_range()`, drivers/of/fdt.c)
  /// takes the length in *bytes* modulo the tuple's *cell* count, so it refuses only lengths
  /// that are not a multiple of that count, and lets some partial tuples through.
  public func acceptedUsableMemoryRange(rootCells: CellCounts) -> RegList? {
    guard let list = usableMemoryRange else { return nil }
    let cellsPerTuple = Int(rootCells.address) + Int(rootCells.size)
    return cellsPerTuple > 0 && list.byteLength % cellsPerTuple == 0 ? list : nil
  }
}

/// A `compatible = "pmem-region"` node: persistent memory outside `/memory`.
public struct PersistentRegionNode: Hashable, Sendable {
  public var path: String
  public var reg: RegList?
  /// `volatile`: the region is exposed as a volatile (non-persistent) namespace.
  public var isVolatile: Bool
  public var status: String?

  public init(path: String, reg: RegList?, isVolatile: Bool = false, status: String? = nil) {
    self.path = path
    self.reg = reg
    self.isVolatile = isVolatile
    self.status = status
  }

  public var isAvailable: Bool { deviceTreeStatusIsAvailable(status) }
}
