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

    for child in children(of: root) {
      if firstString("device_type", of: child, is: "memory") {
        board.memoryNodes.append(memoryNode(child, cells: cells))
      }
      if stringList("compatible", of: child, contains: "pmem-region") {
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
    let children = children(of: node).map { child in
      ReservedRegionNode(
        path: child.path, name: name(of: child), status: string("status", of: child),
        reg: property("reg", of: child).map { CellDecoder.tuples($0, cells: cells) },
        size: property("size", of: child).map { CellDecoder.value($0, cells: cells.size) },
        alignment: property("alignment", of: child).map { CellDecoder.value($0, cells: cells.alignmentCells) },
        allocRanges: property("alloc-ranges", of: child).map { CellDecoder.tuples($0, cells: cells) },
        noMap: hasProperty("no-map", of: child), reusable: hasProperty("reusable", of: child),
        compatible: strings("compatible", of: child),
        cmaDefault: hasProperty("linux,cma-default", of: child),
        dmaDefault: hasProperty("linux,dma-default", of: child))
    }
    return ReservedMemoryNode(
      path: node.path, addressCells: cell("#address-cells", of: node),
      sizeCells: cell("#size-cells", of: node), hasRanges: hasProperty("ranges", of: node),
      children: children)
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
