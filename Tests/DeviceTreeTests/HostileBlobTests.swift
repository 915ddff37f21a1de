import Foundation
import MemoryModel
import TestSupport
import Testing

@testable import DeviceTree

/// Blobs built to break the reader (issue 14, the fuzz corpus in Tests/Fixtures/fuzz/blob): every
/// header field at its edges, properties that run off the structure block, trees too deep.
@Suite struct HostileBlobTests {
  static let sample = try! DTC.compile(source: BlobReaderTests.sample)

  static func reproducer(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: Repository.fixture("fuzz/blob/" + name)))
  }

  /// `bytes` with header word `field` (0 magic … 9 size_dt_struct) set to `value`.
  static func with(_ bytes: [UInt8], field: Int, _ value: UInt32) -> [UInt8] {
    var copy = bytes
    copy.replaceSubrange((field * 4)..<(field * 4 + 4), with: withUnsafeBytes(of: value.bigEndian, Array.init))
    return copy
  }

  static func word(_ bytes: [UInt8], _ field: Int) -> UInt32 {
    bytes[(field * 4)..<(field * 4 + 4)].reduce(0) { $0 << 8 | UInt32($1) }
  }

  /// What the reader accepts, libfdt reads within the blob (TestSupport.LibfdtAgreement).
  static func expectLibfdtReadsInBounds(_ tree: FlatDeviceTree, sourceLocation: SourceLocation = #_sourceLocation) {
    let problem = LibfdtAgreement.problem(in: tree)
    #expect(problem == nil, "\(problem ?? "")", sourceLocation: sourceLocation)
  }

  /// Header versions 2–15 made libfdt's fdt_check_full dereference NULL (SIGSEGV in every command).
  @Test func oldHeaderVersionsAreRefusedBeforeLibfdtSeesThem() throws {
    let blob = try Self.reproducer("issue14-header-version-2.dtb")
    let error = try #require(throws: FDTError.self) { try FlatDeviceTree(bytes: blob) }
    guard case .badHeader(let field, let value, _) = error else { throw TestFailure("\(error)") }
    #expect(field == "version" && value == 2)
    #expect(error.description.contains("version = 2") && !error.description.contains("\n"))
    for version: UInt32 in 2...15 {
      let old = Self.with(Self.with(Self.sample, field: 5, version), field: 6, min(version, 2))
      let refusal = try #require(throws: FDTError.self) { try FlatDeviceTree(bytes: old) }
      guard case .badHeader("version", version, _) = refusal else {
        throw TestFailure("version \(version): \(refusal)")
      }
    }
  }

  /// A property of length 0xffffffff whose value starts with a NOP wrapped libfdt 1.6.1's offset
  /// arithmetic and passed fdt_check_full.
  @Test func aPropertyRunningPastTheStructureBlockIsRefused() throws {
    let blob = try Self.reproducer("issue14-property-length-wraps.dtb")
    let error = try #require(throws: FDTError.self) { try FlatDeviceTree(bytes: blob) }
    guard case .badStructure(_, let reason) = error, reason.contains("runs past the end of the structure block") else {
      throw TestFailure("\(error)")
    }
    // Every length that ends past the block, on the blob's last property (bootargs).
    let structEnd = Int(Self.word(blob, 2) + Self.word(blob, 9))
    let lengthAt = 0xb8  // the bootargs property's length word
    for length: UInt32 in [0xffff_ffff, 0x8000_0000, 0x7fff_ffff, UInt32(structEnd - lengthAt - 8 + 1)] {
      var bytes = blob
      bytes.replaceSubrange(lengthAt..<(lengthAt + 4), with: withUnsafeBytes(of: length.bigEndian, Array.init))
      #expect(throws: FDTError.self, "length \(length)") { try FlatDeviceTree(bytes: bytes) }
    }
  }

  /// Each header field at the values where checks flip: refused with an FDTError, or read, with
  /// libfdt agreeing and reading within bounds. Never a crash.
  @Test func everyHeaderFieldAtItsEdges() throws {
    let good = Self.sample
    let total = UInt32(good.count)
    var accepted = 0
    var refused = 0
    for field in 0..<10 {
      let original = Self.word(good, field)
      let values: [UInt32] = [
        0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 18, 35, 36, 39, 40, 41, original &- 4, original &- 1, original, original &+ 1,
        original &+ 4, total &- 1, total, total &+ 1, 0x7fff_ffff, 0x8000_0000, 0xffff_fff0, 0xffff_ffff,
      ]
      for value in values {
        let bytes = Self.with(good, field: field, value)
        do {
          let tree = try FlatDeviceTree(bytes: bytes)
          _ = try? tree.boardMemory()
          Self.expectLibfdtReadsInBounds(tree)
          accepted += 1
        } catch {
          #expect(!error.description.isEmpty && !error.description.contains("\n"))
          refused += 1
        }
      }
    }
    #expect(accepted > 0 && refused > 0)
  }

  /// What each field's edges mean, one expectation each.
  @Test func headerFieldEdgesMeanWhatTheySay() throws {
    let good = Self.sample
    let total = UInt32(good.count)
    func field(
      _ index: Int, _ value: UInt32, _ refusedBecause: String?, sourceLocation: SourceLocation = #_sourceLocation
    ) {
      let bytes = Self.with(good, field: index, value)
      do {
        _ = try FlatDeviceTree(bytes: bytes)
        #expect(refusedBecause == nil, "field \(index) = \(value) accepted", sourceLocation: sourceLocation)
      } catch {
        #expect(
          refusedBecause.map { error.description.contains($0) } == true, "field \(index) = \(value): \(error)",
          sourceLocation: sourceLocation)
      }
    }
    field(0, 0xd00d_feee, "magic")
    field(1, 39, "totalsize = 0x27: smaller than the 40-byte header")
    field(1, total + 1, "truncated")
    field(1, 0x8000_0000, "larger than libfdt's limit")
    field(2, 36, "off_dt_struct = 0x24: points into the 40-byte header")
    field(
      2, Self.word(good, 2) + 1, "off_dt_struct = \(Hex.short(UInt64(Self.word(good, 2) + 1))): not aligned to 4 bytes")
    field(2, total, "off_dt_struct")
    field(3, 0, "off_dt_strings = 0x0: points into the 40-byte header")
    field(3, total, "off_dt_strings")
    field(4, 0, "off_mem_rsvmap = 0x0: points into the 40-byte header")
    field(4, Self.word(good, 4) + 4, "not aligned to 8 bytes")
    field(4, (total - 8) & ~7, "the reservation block's first entry ends past totalsize")
    field(5, 15, "version = 15")
    field(5, 18, nil)
    field(5, 0xffff_ffff, nil)
    field(6, 0, nil)
    field(6, 18, "last_comp_version = 18")
    field(7, 0xffff_ffff, nil)
    field(8, 0, "a property name outside the strings block")
    field(8, total, "off_dt_strings")
    field(9, 3, "size_dt_struct = 0x3")
    field(9, Self.word(good, 9) - 4, "structure block")
    // Version 16: no size_dt_struct, the structure block runs to totalsize.
    let v16 = Self.with(Self.with(good, field: 5, 16), field: 6, 16)
    let tree = try FlatDeviceTree(bytes: v16)
    #expect(try tree.boardMemory() == (try FlatDeviceTree(bytes: good).boardMemory()))
  }

  static func nested(_ depth: Int) -> TreeNode {
    var node = TreeNode("leaf")
    for level in (1..<depth).reversed() { node = TreeNode("n\(level)", children: [node]) }
    return TreeNode("", children: [node])
  }

  /// Linux's unflatten_dt_nodes() skips nodes at depth 63 and deeper; dtmem refuses such trees
  /// (an overlay nested 8,000 deep took apply 4.5 s: libfdt is quadratic in depth).
  @Test func treesDeeperThanLinuxReadsAreRefused() throws {
    let deepest = try Self.nested(62).unchecked(memoryReservations: [])
    _ = try FlatDeviceTree(bytes: deepest)
    let tooDeep = try Self.nested(63).unchecked(memoryReservations: [])
    #expect(throws: FDTError.tooDeep(limit: 62)) { try FlatDeviceTree(bytes: tooDeep) }
    // And dtmem does not write one either.
    #expect(throws: FDTError.tooDeep(limit: 62)) { try Self.nested(63).blob() }
    let overlay = try Self.reproducer("issue14-overlay-nested-100-deep.dtbo")
    #expect(throws: FDTError.tooDeep(limit: 62)) { try FlatDeviceTree(bytes: overlay) }
  }
}
