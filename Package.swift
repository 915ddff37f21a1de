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
    // Small shared pieces with no domain in them: the JSON writer/reader, byte-wise substring search.
    .target(name: "Utilities", swiftSettings: strict),
    // Pure Swift vocabulary: ranges, sizes, region kinds, maps, the facts a device tree states.
    .target(name: "MemoryModel", swiftSettings: strict),
    // The only importer of CLibFDT: a validated blob, nodes, properties, cell decoding, writer, overlays.
    .target(name: "DeviceTree", dependencies: ["CLibFDT", "MemoryModel"], swiftSettings: strict),
    // The kernel command line: its splitting, memparse, and every parameter grammar (memmap=, mem=, …).
    .target(name: "KernelParameters", dependencies: ["MemoryModel"], swiftSettings: strict),
    // Firmware memory tables: e820 in every form (kernel log, sysfs, /proc/iomem, JSON).
    .target(name: "FirmwareTables", dependencies: ["MemoryModel", "Utilities"], swiftSettings: strict),
    // Per-architecture boot sequences over the model, memblock, and the event log.
    .target(
      name: "BootModel", dependencies: ["MemoryModel", "KernelParameters", "FirmwareTables"], swiftSettings: strict),
    // Conversions between representations.
    .target(
      name: "Translate", dependencies: ["MemoryModel", "KernelParameters", "BootModel", "DeviceTree"],
      swiftSettings: strict),
    // One type per rule, a catalog, and renderers.
    .target(
      name: "Validate", dependencies: ["MemoryModel", "KernelParameters", "BootModel", "Utilities", "MemoryCosts"],
      swiftSettings: strict),
    // What changed between two device trees and their boots.
    .target(
      name: "MemoryDiff", dependencies: ["MemoryModel", "KernelParameters", "BootModel", "Utilities"],
      swiftSettings: strict),
    // What a layout costs: the memory map (struct page) per section, flatmem, pmem as RAM.
    .target(name: "MemoryCosts", dependencies: ["MemoryModel", "BootModel"], swiftSettings: strict),
    // The map as pictures: lanes of regions on one address axis, as SVG or terminal text.
    .target(name: "Pictures", dependencies: ["MemoryModel", "BootModel", "MemoryCosts"], swiftSettings: strict),
    // The executable: commands, input detection, output. No semantics.
    .executableTarget(
      name: "dtmem",
      dependencies: [
        "MemoryModel", "DeviceTree", "KernelParameters", "FirmwareTables", "Utilities", "BootModel", "Translate",
        "Validate", "MemoryDiff", "MemoryCosts", "Pictures",
      ],
      swiftSettings: strict
    ),
    // Tests: one target per module, the kernel-recorded conformance replays, and the CLI (in process;
    // the process itself — exit status, standard input, atomic -o — through the built binary).
    .target(name: "TestSupport", dependencies: ["CLibFDT", "DeviceTree", "MemoryModel"], path: "Tests/TestSupport"),
    .testTarget(name: "UtilitiesTests", dependencies: ["Utilities"]),
    .testTarget(name: "MemoryModelTests", dependencies: ["MemoryModel", "TestSupport"]),
    .testTarget(name: "KernelParametersTests", dependencies: ["KernelParameters", "MemoryModel", "TestSupport"]),
    .testTarget(name: "FirmwareTablesTests", dependencies: ["FirmwareTables", "MemoryModel", "TestSupport"]),
    .testTarget(name: "DeviceTreeTests", dependencies: ["DeviceTree", "MemoryModel", "TestSupport"]),
    .testTarget(
      name: "BootModelTests",
      dependencies: ["BootModel", "KernelParameters", "FirmwareTables", "MemoryModel", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["dtmem", "TestSupport", "Utilities"]),
    .testTarget(
      name: "TranslateTests",
      dependencies: [
        "Translate", "BootModel", "DeviceTree", "KernelParameters", "FirmwareTables", "MemoryModel", "TestSupport",
      ]),
    .testTarget(
      name: "ValidateTests",
      dependencies: [
        "Validate", "BootModel", "DeviceTree", "KernelParameters", "FirmwareTables", "MemoryModel", "TestSupport",
      ]),
    .testTarget(
      name: "MemoryDiffTests",
      dependencies: ["MemoryDiff", "BootModel", "DeviceTree", "KernelParameters", "MemoryModel", "TestSupport"]),
    .testTarget(name: "MemoryCostsTests", dependencies: ["MemoryCosts", "BootModel", "MemoryModel", "TestSupport"]),
    .testTarget(
      name: "PicturesTests", dependencies: ["Pictures", "MemoryCosts", "BootModel", "MemoryModel", "TestSupport"]),
    .testTarget(
      name: "ConformanceTests",
      dependencies: [
        "BootModel", "DeviceTree", "KernelParameters", "FirmwareTables", "MemoryModel", "MemoryCosts", "TestSupport",
      ]),
  ],
  swiftLanguageModes: [.v6]
)

// Coverage-guided fuzzing (tools/fuzz): libFuzzer targets, only when DTMEM_FUZZ is set, built with
// the sanitizers into .build-fuzz. The normal build and CI never see them.
if Context.environment["DTMEM_FUZZ"] != nil {
  let fuzz: [(String, [Target.Dependency])] = [
    ("FuzzBlob", ["BootModel", "DeviceTree", "MemoryModel", "TestSupport", "Validate"]),
    ("FuzzE820", ["BootModel", "FirmwareTables", "KernelParameters", "MemoryModel"]),
    ("FuzzCommandLine", ["BootModel", "KernelParameters", "MemoryModel", "Translate"]),
  ]
  package.targets.append(.target(name: "FuzzSupport", path: "Tests/Fuzz/FuzzSupport"))
  for (name, dependencies) in fuzz {
    package.targets.append(
      .executableTarget(
        name: name, dependencies: dependencies + ["FuzzSupport"], path: "Tests/Fuzz/\(name)",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
  }
}
