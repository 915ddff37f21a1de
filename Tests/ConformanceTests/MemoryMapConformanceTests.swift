import BootModel
import Foundation
import MemoryCosts
import MemoryModel
import TestSupport
import Testing

/// The struct-page cost (`show` "Costs", `"costs"`) against what Linux 6.12 really allocates for
/// its memory map: Debian's 6.12.100 (4K pages) and 6.12.107 (16K pages) arm64 kernels booted
/// with `memblock=debug` under QEMU `virt` (tools/record-memmap). Each case's blob is replayed
/// through the arm64 model; the costs of the memory it keeps must equal the kernel's
/// `memmap_alloc()` buffers minus what `sparse_buffer_fini()` freed, node by node.
@Suite struct MemoryMapConformanceTests {
  struct Recording {
    var cases: String
    var excerpts: String
    var pageSize: PageSize
  }

  static let recordings = [
    Recording(cases: "recorded/arm64-memmap.jsonl", excerpts: "recorded/arm64-memmap.memblock.log", pageSize: .size4K),
    Recording(cases: "recorded/memmap-16k.jsonl", excerpts: "recorded/memmap-16k.memblock.log", pageSize: .size16K),
  ]

  /// What the kernel's log shows for one `sparse_init_nid()`.
  struct KernelBuffer: Equatable, CustomStringConvertible {
    var node: Int
    var requested: UInt64
    /// Nil when the allocation failed (no `memblock_reserve` follows it).
    var range: PhysicalRange?
    var freed: UInt64 = 0
    /// Single pages of `__earlyonly_bootmem_alloc()` between this buffer and the next.
    var singlePages = 0

    var description: String {
      let place = range.map { "\($0)" } ?? "nowhere"
      return "node \(node): \(Hex.short(requested)) at \(place), freed \(Hex.short(freed)), \(singlePages) single pages"
    }
  }

  static func hex(_ text: Substring) -> UInt64? { UInt64(text.hasPrefix("0x") ? text.dropFirst(2) : text, radix: 16) }

  /// `[0xA-0xB]` in a memblock line: inclusive bounds.
  static func bracketRange(_ line: Substring) -> PhysicalRange? {
    guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { return nil }
    let bounds = line[line.index(after: open)..<close].split(separator: "-")
    guard bounds.count == 2, let first = hex(bounds[0]), let last = hex(bounds[1]) else { return nil }
    return PhysicalRange(first: first, last: last)
  }

  /// The memory map buffers, frees and single-page allocations of one case's excerpt.
  static func kernelBuffers(_ lines: [Substring], pageSize: UInt64) throws -> [KernelBuffer] {
    var buffers: [KernelBuffer] = []
    for (index, line) in lines.enumerated() {
      if line.contains("memmap_alloc+") {
        let fields = line.split(separator: " ")
        guard let bytes = fields.dropFirst().first.flatMap({ UInt64($0) }),
          let nid = fields.first(where: { $0.hasPrefix("nid=") }).flatMap({ Int($0.dropFirst(4)) })
        else { throw TestFailure("unreadable memmap_alloc line: \(line)") }
        var range: PhysicalRange? = nil
        if index + 1 < lines.count, lines[index + 1].hasPrefix("memblock_reserve:") {
          range = bracketRange(lines[index + 1])
        }
        buffers.append(KernelBuffer(node: nid, requested: bytes, range: range))
      } else if line.hasPrefix("memblock_phys_free:"), let freed = bracketRange(line), let last = buffers.indices.last {
        if let range = buffers[last].range, range.contains(freed) { buffers[last].freed += freed.size }
      } else if line.contains("__earlyonly_bootmem_alloc+"), line.contains(" \(pageSize) bytes "),
        let last = buffers.indices.last
      {
        buffers[last].singlePages += 1
      }
    }
    return buffers
  }

  /// `== ID` sections of an excerpt file.
  static func excerpts(_ text: String) -> [String: [Substring]] {
    var result: [String: [Substring]] = [:]
    var current: String? = nil
    for line in text.split(separator: "\n") {
      if line.hasPrefix("== ") {
        current = String(line.dropFirst(3))
        result[current!] = []
      } else if let current {
        result[current]!.append(line)
      }
    }
    return result
  }

  static func replay(_ recorded: [String: Any], pageSize: PageSize) throws -> BootResult {
    let (_, board) = try DTC.board(source: recorded["dts"] as! String)
    let loader = try (recorded["loader_reserved"] as? [[String: String]] ?? []).map { entry in
      guard let start = entry["start"].flatMap({ hex(Substring($0)) }),
        let size = entry["size"].flatMap({ hex(Substring($0)) }),
        let range = PhysicalRange(start: start, size: size)
      else { throw TestFailure("bad loader_reserved entry \(entry)") }
      return LoaderReservation(range: range, label: entry["what"])
    }
    let request = BootRequest(
      .deviceTree(board), commandLine: BootCommandLine.bootargs(of: board) ?? .none, pageSize: pageSize,
      loaderReservations: loader)
    return try Boot.run(request)
  }

  @Test(arguments: recordings)
  func structPageCostMatchesTheKernel(_ recording: Recording) throws {
    let cases = try Repository.jsonLines(Repository.fixture(recording.cases))
    let excerpts = Self.excerpts(try String(contentsOf: Repository.fixture(recording.excerpts), encoding: .utf8))
    #expect(cases.count >= 9)
    let page = recording.pageSize.bytes
    var kernel: [String: [KernelBuffer]] = [:]
    for recorded in cases {
      let id = try #require(recorded["id"] as? String)
      kernel[id] = try Self.kernelBuffers(try #require(excerpts[id], "\(id): no excerpt"), pageSize: page)
    }
    // A buffered boot allocates only the vmemmap's page tables one page at a time (one to a few
    // pages, depending on where the arrays fall in the vmemmap); a boot whose buffer failed
    // allocates those plus every page of the arrays, and the line does not say which is which.
    // So such a boot must show the model's pages plus as many extra pages as the buffered boots
    // of the same kernel spent on page tables.
    let buffered = kernel.values.filter { $0.allSatisfy { $0.range != nil } }.map {
      $0.reduce(0) { $0 + $1.singlePages }
    }
    let tables = (buffered.min() ?? 0)...(buffered.max() ?? 0)
    var fallbacks = 0
    for recorded in cases {
      let id = recorded["id"] as! String
      let buffers = kernel[id]!
      let result = try Self.replay(recorded, pageSize: recording.pageSize)
      // The memory the model keeps is the memory the kernel listed.
      let nodeLines = excerpts[id]!.filter { $0.hasPrefix("  node ") }.map(String.init)
      #expect(result.kernelLog.filter { $0.hasPrefix("  node ") } == nodeLines, "\(id): memory differs")
      let costs = MemoryCosts(memory: result.memory, persistent: [], layout: .arm64(recording.pageSize))
      #expect(costs.sparse.buffers.map(\.node) == buffers.map(\.node), "\(id): buffers per node \(buffers)")
      #expect(
        costs.sparse.buffers.map { UInt64($0.requested) } == buffers.map(\.requested), "\(id): buffer sizes \(buffers)")
      for (model, logged) in zip(costs.sparse.buffers, buffers) {
        if logged.range != nil {
          #expect(
            UInt64(model.used) == logged.requested - logged.freed,
            "\(id): node \(logged.node) keeps \(Hex.short(model.used)) in the model (\(logged))")
        } else {
          fallbacks += 1
          let extra = logged.singlePages - Int(UInt64(model.used) / page)
          let arrays = Hex.short(model.used)
          #expect(
            tables.contains(extra),
            "\(id): \(logged.singlePages) single pages for \(arrays) of arrays: \(extra) more, tables take \(tables)")
        }
      }
      #expect(costs.memoryMap == UInt64(costs.sparse.buffers.reduce(UInt128(0)) { $0 + $1.used }))
    }
    // The 16K recordings hold a boot whose 32 MiB-per-section buffer did not fit.
    if recording.pageSize == .size16K { #expect(fallbacks >= 1) }
  }
}
