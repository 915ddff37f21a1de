internal import MemoryModel

/// Steps 1–4: memory nodes, usable-memory-range, physical limits, `mem=`, initrd, loader.
extension Arm64BootState {
  /// `MAX_PHYSMEM_BITS` = `CONFIG_ARM64_PA_BITS`: 52 in Debian's 6.12 build, 48 in its 6.1
  /// build (from the packages' config; no recorded boot has memory that high).
  var physicalAddressBits: UInt64 {
    switch request.kernel {
    case .v6_1: 48
    case .v6_12: 52
    }
  }
  /// The linear map of a 48-bit-VA CPU (what QEMU's cortex-a57 and most cores have):
  /// `PAGE_END - _PAGE_OFFSET(48)` = 2^47.
  static let linearRegionSize: UInt64 = 1 << 47

  var kernelImage: PhysicalRange? {
    request.loaderReservations.first { $0.kind == .kernelImage }?.range ?? locatedKernelImage
  }

  /// The blob itself, reserved by `setup_machine_fdt()` before any node is read.
  mutating func reserveBlob() -> [String] {
    var found = false
    for loader in request.loaderReservations where loader.kind == .deviceTreeBlob {
      memblock.reserve(loader.range.start, loader.range.size)
      reservations.append(
        Reservation(
          name: loader.label ?? "device tree blob", path: "--reserve", origin: .loader, range: loader.range,
          status: .reserved))
      found = true
    }
    return found ? [] : ["blob location unknown (pass --reserve START:SIZE:dtb to model it)"]
  }

  /// `early_init_dt_scan_memory()`: root-level `device_type = "memory"` nodes with status okay;
  /// `linux,usable-memory` over `reg`; whole tuples; size-0 tuples skipped.
  mutating func scanMemoryNodes(_ events: inout [BootEvent]) -> [String] {
    var notes: [String] = []
    if let banks = request.memoryOverride {
      notes.append("memory nodes replaced by --memory")
      for bank in banks { addMemoryArch(bank.start, bank.size, &events) }
      return notes
    }
    for node in board.memoryNodes {
      guard node.isAvailable else {
        notes.append("\(node.path): skipped (status = \"\(node.status ?? "")\")")
        continue
      }
      guard let source = node.bankSource else {
        notes.append("\(node.path): no reg, skipped")
        continue
      }
      if !source.isWellFormed {
        diagnostics.append(
          Diagnostic(
            .warning, at: node.path,
            "\(node.bankSourceName) is \(source.byteLength) bytes, not a multiple of \(source.tupleBytes); the kernel "
              + "reads the whole tuples and ignores the rest"
          ))
      }
      for tuple in source.tuples where tuple.size != 0 {
        addMemoryArch(tuple.address, tuple.size, &events)
        if node.hotpluggable { memblock.setFlag(.hotplug, true, tuple.address, tuple.size) }
      }
    }
    return notes
  }

  /// `early_init_dt_add_memory_arch()` with arm64's limits (0 … U64_MAX): page trimming only.
  mutating func addMemoryArch(_ base: UInt64, _ size: UInt64, _ events: inout [BootEvent]) {
    let offset = base & (page - 1)
    if size < page - offset {
      events.append(.memory(.blockIgnored(base: base, size: size, why: .noWholePage)))
      return
    }
    var base = base
    var size = size
    if offset != 0 {
      size -= page - offset
      base = (base &+ page &- 1) & ~(page - 1)
    }
    size &= ~(page - 1)
    memblock.addMemory(base, size)
  }

  /// `linux,usable-memory-range`: cap memory to the first range, add the second.
  mutating func applyUsableMemoryRange() -> [String] {
    guard let chosen = board.chosen, let stated = chosen.usableMemoryRange else { return [] }
    guard let list = chosen.acceptedUsableMemoryRange(rootCells: board.rootCells) else {
      return ["\(chosen.path)/linux,usable-memory-range: length \(stated.byteLength) rejected, property ignored"]
    }
    let ranges = Array(list.tuples.prefix(2))
    guard let first = ranges.first else { return [] }
    memblock.capMemoryRange(first.address, first.size)
    for extra in ranges.dropFirst() where extra.size != 0 {
      memblock.addMemory(extra.address, extra.size)
    }
    return []
  }

  /// `arm64_memblock_init()`: drop memory the CPU cannot address or map linearly.
  mutating func applyPhysicalLimits(_ events: inout [BootEvent]) -> [String] {
    memblock.removeMemory(1 << physicalAddressBits, UInt64.max)
    guard let start = memblock.startOfDRAM, let end = memblock.endOfDRAM else { return [] }
    let memstartAlign: UInt64 = request.pageSize == .size64K ? 0x2000_0000 : 0x4000_0000
    var memstart = Alignment.down(start, memstartAlign)
    if end - memstart > Self.linearRegionSize {
      events.append(.memory(.beyondLinearMap))
    }
    let kernelEnd = kernelImage.map { UInt64(truncatingIfNeeded: $0.end) } ?? 0
    let (limit, overflow) = memstart.addingReportingOverflow(Self.linearRegionSize)
    if !overflow { memblock.removeMemory(max(limit, kernelEnd), UInt64.max) }
    if !overflow, let newEnd = memblock.endOfDRAM, limit < newEnd {
      memstart = Alignment.up(newEnd - Self.linearRegionSize, memstartAlign) ?? newEnd
      memblock.removeMemory(0, memstart)
    }
    return []
  }

  /// The initrd: page-rounded, refused if not reachable through the linear map, else made
  /// memory (even outside every memory node) and reserved.
  mutating func reserveInitrd(_ events: inout [BootEvent]) -> [String] {
    guard let initrd, initrd.size != 0 else { return [] }
    let base = initrd.address & ~(page - 1)
    let endAddress = (initrd.address &+ initrd.size &+ page &- 1) & ~(page - 1)
    let size = endAddress &- base
    let dramStart = memblock.startOfDRAM ?? 0
    let range = initrd.range
    if base < dramStart || UInt128(base) + UInt128(size) > UInt128(dramStart) + UInt128(Self.linearRegionSize) {
      events.append(.memory(.initrdNotAccessible(initrd)))
      reservations.append(
        Reservation(
          name: "initrd", path: board.chosen?.path ?? "/chosen", origin: .initrd, range: range,
          status: .failed(
            reason: "not reachable through the linear map (below the first memory bank); the kernel drops the initrd")))
      return []
    }
    memblock.addMemory(base, size)
    memblock.setFlag(.noMap, false, base, size)
    memblock.reserve(base, size)
    reservations.append(
      Reservation(
        name: "initrd", path: board.chosen?.path ?? "/chosen", origin: .initrd, range: range, status: .reserved))
    return []
  }

  /// `memblock_reserve(_text, _end - _text)` (6.1: from `_stext`, `reservedKernelImage`) and
  /// whatever else the loader occupies.
  mutating func reserveLoaderRegions() -> [String] {
    var notes: [String] = []
    for loader in request.loaderReservations
    where loader.kind != .deviceTreeBlob && (efiInitrd?.loader).map({ $0 != loader.range }) ?? true {
      let range = loader.kind == .kernelImage ? reservedKernelImage(loader.range) : loader.range
      if range != loader.range { notes.append("kernel image reserved from _stext: \(range)") }
      memblock.reserve(range.start, range.size)
      reservations.append(
        Reservation(
          name: loader.label ?? (loader.kind == .kernelImage ? "kernel image" : "--reserve"), path: "--reserve",
          origin: .loader, range: range, status: .reserved))
    }
    if let image = locatedKernelImage {
      let range = reservedKernelImage(image)
      memblock.reserve(range.start, range.size)
      reservations.append(
        Reservation(
          name: "kernel image", path: "--efi-memmap", origin: .loader, range: range,
          status: .estimated(reason: "the EFI stub's copy, found in the UEFI map (give --reserve START:SIZE:kernel)")))
    }
    return notes
  }
}
