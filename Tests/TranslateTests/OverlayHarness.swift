import BootModel
import DeviceTree
import Foundation
import KernelParameters
import MemoryModel
import TestSupport
import Translate

/// Builds overlays on test bases and boots the results in both models.
enum OverlayHarness {
  /// QEMU's `virt` tree with 2 GiB at 0x40000000 (dts/qemu-virt-2g.dts).
  static let qemuVirt: FlatDeviceTree = {
    try! FlatDeviceTree(bytes: DTC.compile(file: Repository.path("dts/qemu-virt-2g.dts")))
  }()

  /// What QEMU's loader occupies: the kernel Image and the blob.
  static let qemuLoader = [
    LoaderReservation(range: PhysicalRange(start: 0x4020_0000, size: 0x2b2_0000)!, label: "kernel"),
    LoaderReservation(range: PhysicalRange(start: 0x4800_0000, size: 0x1_0000)!, label: "dtb"),
  ]

  /// A 2/2 base from a root body (`memory@…`, `reserved-memory { … }`).
  static func base(_ body: String, cells: (Int, Int) = (2, 2)) throws -> FlatDeviceTree {
    let source =
      "/dts-v1/;\n/ {\n\t#address-cells = <\(cells.0)>;\n\t#size-cells = <\(cells.1)>;\n\tchosen { };\n\(body)\n};\n"
    return try FlatDeviceTree(bytes: DTC.compile(source: source))
  }

  static func build(_ cmdline: String, base: FlatDeviceTree? = qemuVirt, loader: [LoaderReservation] = qemuLoader)
    throws -> OverlayResult
  {
    try OverlayBuilder.build(
      OverlayParameters(KernelCommandLine(cmdline, limit: nil)), base: base,
      boot: try base.map { BootRequest(.deviceTree(try $0.boardMemory()), loaderReservations: loader) })
  }

  /// The arm64 boot of a tree (no command line, QEMU's loader).
  static func boot(_ tree: FlatDeviceTree, loader: [LoaderReservation] = qemuLoader) throws -> BootResult {
    try Boot.run(
      BootRequest(.deviceTree(tree.boardMemory()), commandLine: BootCommandLine.empty, loaderReservations: loader))
  }

  /// What x86 makes of `cmdline` on the e820 view of `base`: the map the parameters mean. An
  /// arm64 base has no RAM below 1 MiB, so the x86 kernel stops after the map (no room for the
  /// real-mode trampoline); the map is complete then, and is what the parameters mean. Any
  /// other stop is a failure.
  static func x86Meaning(_ cmdline: String, base: FlatDeviceTree = qemuVirt) throws -> MemoryMap {
    let view = try boot(base).e820
    let entries = view.regions.map { MapEntry(start: $0.range.start, size: $0.range.size, kind: $0.kind) }
    let result = try Boot.run(
      BootRequest(.e820(E820Firmware(entries)), commandLine: BootCommandLine(cmdline, source: .given("--cmdline"))))
    if let words = result.stopMessage, result.stop?.cause != .realModeTrampolineNotAllocated {
      throw TestFailure("x86 stops on \(cmdline): \(words)")
    }
    return result.e820
  }

  /// A map with some kinds replaced (the losses a device tree has), re-sanitized.
  static func replacing(_ map: MemoryMap, _ replacements: [RegionKind: RegionKind]) -> MemoryMap {
    let entries = map.regions.map {
      MapEntry(start: $0.range.start, size: $0.range.size, kind: replacements[$0.kind] ?? $0.kind)
    }
    return try! MemoryMap.sanitized(entries)
  }

  /// The reservations the applied boot made for a node path.
  static func reservations(_ result: OverlayResult, at path: String) -> [Reservation] {
    result.appliedBoot?.reservations.filter { $0.path == path } ?? []
  }

  /// Memory the applied boot keeps, merged.
  static func memory(_ boot: BootResult?) -> [PhysicalRange] {
    var out: [PhysicalRange] = []
    for range in (boot?.memory ?? []).map(\.range).sorted() {
      if let last = out.last, last.end == UInt128(range.start) {
        out[out.count - 1] = PhysicalRange(start: last.start, end: range.end)!
      } else {
        out.append(range)
      }
    }
    return out
  }

  static func range(_ start: UInt64, _ size: UInt64) -> PhysicalRange { PhysicalRange(start: start, size: size)! }

  /// Writes bytes to a fresh temporary directory; returns the file URLs.
  static func files(_ contents: [String: [UInt8]]) throws -> (URL, [String: URL]) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-tr-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var urls: [String: URL] = [:]
    for (name, bytes) in contents {
      let url = directory.appendingPathComponent(name)
      try Data(bytes).write(to: url)
      urls[name] = url
    }
    return (directory, urls)
  }
}
