import BootModel
import MemoryDiff
import Utilities
import Validate

struct DiffCommand: Command {
  static let name = "diff"
  static let spec = CommandSpec(
    name: name,
    abstract: "Show what changed in the memory map: between two device trees, or one tree on two kernels.",
    discussion: """
      Compares A and B — e.g. the blob you built and /sys/firmware/fdt of the running system, or \
      a blob before and after the bootloader's fixups — and classifies every difference: memory \
      banks added, removed or resized; pmem-region nodes added, removed or changed; \
      /reserved-memory regions added, removed, moved, resized or with changed flags (no-map, \
      reusable, status, compatible); /memreserve/ entries; /chosen ranges (initrd, \
      linux,usable-memory-range, linux,elfcorehdr); memory parameters of the command line (mem=, \
      memmap=, cma=, reserve_mem=, crashkernel=, …); and what the arm64 boot model predicts for \
      each (where dynamic regions land, which reservations fail, the memory the kernel keeps, the \
      memory cma= and crashkernel= take). The boot options apply to both inputs; without --cmdline \
      each uses its own /chosen/bootargs. --memory fills in only an input that states no memory \
      (a build blob whose memory the bootloader adds), so a bank the bootloader added shows.

      --kernels OLD,NEW (e.g. 6.1,6.12) boots one tree, A, on both kernels instead, with the same \
      options, and reports what the upgrade moves: regions that land elsewhere (dynamic regions, \
      the kernel image, the estimated default CMA area), refusals and failures that appear or \
      vanish, reservations only one kernel makes (reserve_mem= is not in 6.1), and the memory the \
      kernel keeps and unmaps (no-map). It replaces --kernel; the JSON adds "kernels": [OLD, NEW].

      Output: one change per line, CATEGORY: KIND PATH: MESSAGE; --json prints one object \
      {"a", "b", "identical", "changes": [{"category", "change", "path", "before", "after", \
      "message"}], "notes"}.

      --format svg draws A and B as one picture, lane by lane on one address axis (as show \
      --format svg draws one tree); --format map prints the same as block characters; -o FILE \
      writes either atomically.

      Exit status (like diff(1)): 0 identical, 1 different, 2 an input could not be used.
      """,
    arguments: [
      ArgumentSpec(valueName: "A", help: "The old description (.dtb, .dts, /sys/firmware/fdt, -)."),
      ArgumentSpec(valueName: "B", help: "The new description (not with --kernels).", isOptional: true),
    ],
    options: BootOptions.arm64Specs + [
      kernelsOption.spec, PictureOutput.formatOption.spec, PictureOutput.output.spec, CommonOptions.json.spec,
      SourceOptions.includeDirectory.spec,
    ],
    examples: [
      "diff board.dtb /sys/firmware/fdt", "diff old.dtb new.dtb --format svg -o diff.svg",
      "diff board.dtb --kernels 6.1,6.12",
    ])

  /// `--kernels OLD,NEW`: one tree on two kernels.
  static let kernelsOption = Option<KernelPair?>.optional(
    "kernels", "OLD,NEW",
    help:
      "Boot A on two kernels (\(KernelVersion.supportedNames)) and report what differs, instead of comparing A and B."
  ) { (text: String) throws(CLIError) -> KernelPair in try KernelPair.parse(text) }

  var a: String
  /// nil with --kernels.
  var b: String?
  var kernels: KernelPair?
  var boot: BootOptions
  var json: Bool
  var format: PictureOutput.Format
  var output: String?
  var environment: Environment

  init(_ arguments: ParsedArguments) throws(CLIError) {
    environment = try SourceOptions.environment(arguments)
    a = arguments.positionals[0]
    kernels = try arguments[Self.kernelsOption]
    if kernels != nil {
      guard arguments.positionals.count == 1 else {
        throw CLIError("--kernels", "compares one tree on two kernels: give A only, not B")
      }
      guard !arguments.isGiven(BootOptions.kernelOption) else {
        throw CLIError("--kernels", "names both kernels: leave out --kernel")
      }
      b = nil
    } else {
      guard arguments.positionals.count == 2 else {
        throw CLIError("diff", "missing argument B (or --kernels OLD,NEW to compare A on two kernels)")
      }
      b = arguments.positionals[1]
    }
    boot = try BootOptions(arguments)
    json = try arguments[CommonOptions.json]
    format = try PictureOutput.format(arguments)
    output = try arguments[PictureOutput.output]
  }

  func run() throws(CLIError) -> CommandOutput {
    if let kernels { return try runOnKernels(kernels) }
    let b = self.b ?? a
    let settings = try CheckSettings(boot, environment)
    let (treeA, treeB) = (try settings.load(a), try settings.load(b))
    let (before, after) = (
      try settings.context(treeA, memoryWhereMissing: true), try settings.context(treeB, memoryWhereMissing: true)
    )
    let result = MemoryDiff.compare(before.run, after.run)
    return report(result, (treeA.name, before), (treeB.name, after), files: (treeA.name, treeB.name), inputs: [a, b])
  }

  /// One tree, booted on both kernels.
  func runOnKernels(_ kernels: KernelPair) throws(CLIError) -> CommandOutput {
    var (oldBoot, newBoot) = (boot, boot)
    (oldBoot.kernel, newBoot.kernel) = (kernels.old, kernels.new)
    let (oldSettings, newSettings) = (try CheckSettings(oldBoot, environment), try CheckSettings(newBoot, environment))
    let tree = try oldSettings.load(a)
    let (before, after) = (try oldSettings.context(tree), try newSettings.context(tree))
    let result = KernelDiff.compare(before.run, after.run)
    return report(
      result, ("\(tree.name) on \(kernels.old)", before), ("\(tree.name) on \(kernels.new)", after),
      files: (tree.name, tree.name), inputs: [a])
  }

  /// The comparison as text, JSON or before/after pictures; exit 1 when anything differs.
  private func report(
    _ result: MemoryDiffResult, _ before: (name: String, context: ValidationContext),
    _ after: (name: String, context: ValidationContext), files: (a: String, b: String), inputs: [String]
  ) -> CommandOutput {
    let text: String
    if json {
      text = DiffRendering.json(result, a: files.a, b: files.b).rendered()
    } else if format == .text {
      text = DiffRendering.text(result)
    } else {
      let terminal = PictureOutput.terminal(environment, output: output)
      text = PictureOutput.beforeAndAfter(before, after, format: format, terminal: terminal)
    }
    var written = PictureOutput.output(text, format: format, to: output, inputs: inputs + boot.inputFiles)
    written.status = result.isIdentical ? 0 : 1
    return written
  }
}

/// `--kernels OLD,NEW`: two different supported kernel versions.
struct KernelPair: Hashable, Sendable {
  var old: KernelVersion
  var new: KernelVersion

  static func parse(_ text: String) throws(CLIError) -> KernelPair {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2 else {
      throw CLIError("--kernels \(text)", "expected two versions separated by a comma, e.g. 6.1,6.12")
    }
    var versions: [KernelVersion] = []
    for part in parts {
      guard let version = KernelVersion(release: part) else {
        throw CLIError(
          "--kernels \(text)", "unsupported kernel version '\(part)'; supported: \(KernelVersion.supportedNames)")
      }
      versions.append(version)
    }
    guard versions[0] != versions[1] else {
      throw CLIError("--kernels \(text)", "names the same kernel twice; give two different versions")
    }
    return KernelPair(old: versions[0], new: versions[1])
  }
}
