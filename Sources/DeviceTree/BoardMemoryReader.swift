public import MemoryModel

extension FlatDeviceTree {
  /// The memory facts of this tree, read where and how Linux 6.12's early code reads them
  /// (drivers/of/fdt.c `early_init_dt_scan_root/_memory/_chosen`, drivers/of/of_reserved_mem.c):
  /// the root's cell counts, root-level `device_type = "memory"` nodes, `/reserved-memory` and
  /// its direct children, the header's `/memreserve/` block, `/chosen` (or `/chosen@0`), and
  /// root-level `pmem-region` nodes. Throws when the root's cell counts cannot be decoded
  /// (more than two cells, or none).
  public func boardMemory() throws(FDTError) -> BoardMemory {
    let root = self.root
    let addressCells = cell("#address-cells", of: root)
    let sizeCells = cell("#size-cells", of: root)
    let cells = CellCounts(
      address: addressCells ?? CellCounts.kernelRootDefault.address,
      size: sizeCells ?? CellCounts.kernelRootDefault.size)
    guard (1...2).contains(cells.address) else {
      throw .unsupported(
        path: "/", reason: "#address-cells = <\(cells.address)>: dtmem reads addresses of 1 or 2 cells")
    }
    guard (1...2).contains(cells.size) else {
      throw .unsupported(
        path: "/", reason: "#size-cells = <\(cells.size)>: dtmem reads sizes of 1 or 2 cells")
    }

    var board = BoardMemory(
      rootCells: cells, rootStatesAddressCells: addressCells != nil,
      rootStatesSizeCells: sizeCells != nil,
      model: string("model", of: root) ?? strings("compatible", of: root).first,
      memoryReservations: memoryReservations, blobSize: totalSize)

    // The root's children, each looked at in one pass over its properties; a path is made only
    // for the ones read.
    forEachChild(of: root) { offset, entry, name in
      // __symbols__ and aliases: properties not recorded, and none of the two names.
      if outline.lacksMemoryFactNames(entry) { return }
      var deviceType: UnsafeRawBufferPointer? = nil
      var compatible: UnsafeRawBufferPointer? = nil
      forEachProperty(ofNodeAt: offset, entry: entry) { property, value in
        if deviceType == nil && Self.named(property, "device_type") { deviceType = value }
        if compatible == nil && Self.named(property, "compatible") { compatible = value }
      }
      let isMemory = deviceType.map { Self.firstString(of: $0, is: "memory") } ?? false
      let isPersistent = compatible.map { Self.stringList($0, contains: "pmem-region") } ?? false
      guard isMemory || isPersistent else { return }
      let child = Node(offset: offset, path: Self.childPath("/", name), entry: entry)
      if isMemory {
        board.memoryNodes.append(memoryNode(child, cells: cells))
      }
      if isPersistent {
        board.persistentRegions.append(
          PersistentRegionNode(
            path: child.path, reg: property("reg", of: child).map { CellDecoder.tuples($0, cells: cells) },
            isVolatile: hasProperty("volatile", of: child), status: string("status", of: child)))
      }
    }
    if let reserved = node(atPath: "/reserved-memory") {
      board.reservedMemory = reservedMemoryNode(reserved, cells: cells)
    }
    if let chosen = node(atPath: "/chosen") ?? node(atPath: "/chosen@0") {
      board.chosen = chosenNode(chosen, cells: cells)
    }
    return board
  }

  func memoryNode(_ node: Node, cells: CellCounts) -> MemoryNode {
    MemoryNode(
      path: node.path, status: string("status", of: node),
      reg: property("reg", of: node).map { CellDecoder.tuples($0, cells: cells) },
      usableMemory: property("linux,usable-memory", of: node).map { CellDecoder.tuples($0, cells: cells) },
      hotpluggable: hasProperty("hotpluggable", of: node),
      numaNodeID: cell("numa-node-id", of: node))
  }

  func reservedMemoryNode(_ node: Node, cells: CellCounts) -> ReservedMemoryNode {
    var children: [ReservedRegionNode] = []
    children.reserveCapacity(recordedChildCount(of: node))
    forEachChild(of: node) { offset, entry, name in
      children.append(reservedRegion(at: offset, entry: entry, name: name, parent: node.path, cells: cells))
    }
    return ReservedMemoryNode(
      path: node.path, addressCells: cell("#address-cells", of: node),
      sizeCells: cell("#size-cells", of: node), hasRanges: hasProperty("ranges", of: node),
      children: children)
  }

  /// A child of /reserved-memory, its properties read in one pass (the first of each name counts,
  /// as for libfdt's `fdt_getprop`), cells decoded in place.
  func reservedRegion(
    at offset: Int32, entry: Int32, name: UnsafeRawBufferPointer, parent: String, cells: CellCounts
  ) -> ReservedRegionNode {
    var status: String? = nil
    var reg: RegList? = nil
    var size: CellValue? = nil
    var alignment: CellValue? = nil
    var allocRanges: RegList? = nil
    var compatible: [String]? = nil  // nil until seen; a present value is never nil
    var noMap = false
    var reusable = false
    var cmaDefault = false
    var dmaDefault = false
    forEachProperty(ofNodeAt: offset, entry: entry) { property, value in
      switch property.count {
      case 3 where Self.named(property, "reg"):
        if reg == nil { reg = CellDecoder.tuples(value, cells: cells) }
      case 4 where Self.named(property, "size"):
        if size == nil { size = CellDecoder.value(value, cells: cells.size) }
      case 6 where Self.named(property, "status"):
        if status == nil { status = Self.firstString(of: value) }
      case 6 where Self.named(property, "no-map"):
        noMap = true
      case 8 where Self.named(property, "reusable"):
        reusable = true
      case 9 where Self.named(property, "alignment"):
        if alignment == nil { alignment = CellDecoder.value(value, cells: cells.alignmentCells) }
      case 10 where Self.named(property, "compatible"):
        if compatible == nil { compatible = Self.strings(of: value) }
      case 12 where Self.named(property, "alloc-ranges"):
        if allocRanges == nil { allocRanges = CellDecoder.tuples(value, cells: cells) }
      case 17 where Self.named(property, "linux,cma-default"):
        cmaDefault = true
      case 17 where Self.named(property, "linux,dma-default"):
        dmaDefault = true
      default:
        break
      }
    }
    return ReservedRegionNode(
      path: Self.childPath(parent, name), name: String(decoding: name, as: UTF8.self), status: status, reg: reg,
      size: size, alignment: alignment, allocRanges: allocRanges, noMap: noMap,
      reusable: reusable, compatible: compatible ?? [], cmaDefault: cmaDefault, dmaDefault: dmaDefault)
  }

  func chosenNode(_ node: Node, cells: CellCounts) -> ChosenNode {
    let bootargs = property("bootargs", of: node).map { bytes in
      String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
    return ChosenNode(
      path: node.path, bootargs: bootargs,
      usableMemoryRange: property("linux,usable-memory-range", of: node).map {
        CellDecoder.tuples($0, cells: cells)
      },
      initrdStart: property("linux,initrd-start", of: node).map(CellDecoder.flexibleNumber),
      initrdEnd: property("linux,initrd-end", of: node).map(CellDecoder.flexibleNumber),
      elfCoreHeader: property("linux,elfcorehdr", of: node).map { CellDecoder.tuples($0, cells: cells) },
      uefiMemoryMapStart: property("linux,uefi-mmap-start", of: node).map(CellDecoder.flexibleNumber),
      uefiMemoryMapSize: property("linux,uefi-mmap-size", of: node).map(CellDecoder.flexibleNumber),
      kaslrSeed: property("kaslr-seed", of: node).map { bytes in
        bytes.count == 8 ? bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } : 0
      })
  }
}
