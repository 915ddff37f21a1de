// swift-tools-version:6.1
// dtmem: device tree, e820 and kernel-parameter memory maps, with Linux's own semantics.
import PackageDescription

/// Every target: internal imports by default, so no C or dependency type leaks into a public API.
let strict: [SwiftSetting] = [
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "dtmem",
  products: [.executable(name: "dtmem", targets: ["dtmem"])],
  dependencies: [],
  targets: [
    // The C boundary: Debian's libfdt-dev (no pkg-config file; the module map links `fdt`).
    .systemLibrary(name: "CLibFDT", providers: [.apt(["libfdt-dev"])]),
    // Pure Swift vocabulary: ranges, sizes, region kinds, maps, the facts a device tree states.
    .target(name: "MemoryModel", swiftSettings: strict),
    // The only importer of CLibFDT: a validated blob, nodes, properties, writer, overlays.
    .target(name: "DeviceTree", dependencies: ["CLibFDT", "MemoryModel"], swiftSettings: strict),
    // Non-device-tree codecs: e820 (log, sysfs, iomem, json) and the kernel command line.
    .target(name: "Firmware", dependencies: ["MemoryModel"], swiftSettings: strict),
    // Per-architecture boot sequences over the model, memblock, and the event log.
    .target(name: "BootModel", dependencies: ["MemoryModel", "Firmware"], swiftSettings: strict),
    // Conversions between representations.
    .target(name: "Translate", dependencies: ["MemoryModel", "Firmware", "BootModel", "DeviceTree"], swiftSettings: strict),
    // One type per rule, a catalog, and renderers.
    .target(name: "Validate", dependencies: ["MemoryModel", "Firmware", "BootModel"], swiftSettings: strict),
    // What a layout costs: the memory map (struct page) per section, flatmem, pmem as RAM.
    .target(name: "MemoryCosts", dependencies: ["MemoryModel", "BootModel"], swiftSettings: strict),
    // The map as pictures: lanes of regions on one address axis, as SVG or terminal text.
    .target(name: "Pictures", dependencies: ["MemoryModel", "BootModel", "MemoryCosts"], swiftSettings: strict),
    // The executable: commands, input detection, output. No semantics.
    .executableTarget(
      name: "dtmem",
      dependencies: [
        "MemoryModel", "DeviceTree", "Firmware", "BootModel", "Translate", "Validate", "MemoryCosts", "Pictures",
      ],
      swiftSettings: strict
    ),
    // Tests: one target per module, the kernel-recorded conformance replays, and the CLI end to end.
    .target(name: "TestSupport", dependencies: ["DeviceTree", "MemoryModel"], path: "Tests/TestSupport"),
    .testTarget(name: "MemoryModelTests", dependencies: ["MemoryModel", "TestSupport"]),
    .testTarget(name: "FirmwareTests", dependencies: ["Firmware", "MemoryModel", "TestSupport"]),
    .testTarget(name: "DeviceTreeTests", dependencies: ["DeviceTree", "MemoryModel", "TestSupport"]),
    .testTarget(name: "BootModelTests", dependencies: ["BootModel", "Firmware", "MemoryModel", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["dtmem", "TestSupport"]),
    .testTarget(
      name: "TranslateTests",
      dependencies: ["Translate", "BootModel", "DeviceTree", "Firmware", "MemoryModel", "TestSupport"]),
    .testTarget(
      name: "ValidateTests",
      dependencies: ["Validate", "BootModel", "DeviceTree", "Firmware", "MemoryModel", "TestSupport"]),
    .testTarget(name: "MemoryCostsTests", dependencies: ["MemoryCosts", "BootModel", "MemoryModel", "TestSupport"]),
    .testTarget(name: "PicturesTests", dependencies: ["Pictures", "MemoryCosts", "BootModel", "MemoryModel", "TestSupport"]),
    .testTarget(
      name: "ConformanceTests",
      dependencies: ["BootModel", "DeviceTree", "Firmware", "MemoryModel", "MemoryCosts", "TestSupport", "dtmem"]),
  ],
  swiftLanguageModes: [.v6]
)
