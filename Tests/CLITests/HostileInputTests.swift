import Foundation
import TestSupport
import Testing
import Utilities

@testable import dtmem

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14 end to end: the reproducers of the fuzz corpus (Tests/Fixtures/fuzz) through the
/// binary, inputs that hang or blow up, the one-line promise and output safety.
@Suite struct HostileInputTests {
  static func fuzz(_ name: String) -> String { "Tests/Fixtures/fuzz/" + name }

  static func scratch() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtmem-hostile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  static func expectOneLineError(
    _ result: TestSupport.Command.Result, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status == 2, "status \(result.status): \(result.errorText)", sourceLocation: sourceLocation)
    #expect(
      result.errorText.hasPrefix("dtmem: error: ") && result.errorText.split(separator: "\n").count == 1,
      "\(result.errorText)",
      sourceLocation: sourceLocation)
    #expect(result.errorText.contains(text), "\(result.errorText)", sourceLocation: sourceLocation)
  }

  // MARK: Blobs

  @Test func theReproducerBlobsAreRefusedByEveryCommand() throws {
    for command in [["show"], ["validate"], ["to-memmap"], ["to-e820"], ["simulate"]] {
      Self.expectOneLineError(
        try DTMemBinary.run(command + [Self.fuzz("blob/issue14-header-version-2.dtb")]), mentioning: "version = 2")
      Self.expectOneLineError(
        try DTMemBinary.run(command + [Self.fuzz("blob/issue14-property-length-wraps.dtb")]),
        mentioning: "a property of length 0xffffffff runs past the end of the structure block")
    }
  }

  /// apply wrote out.dtb from an overlay with the wrapping length (dtc -I dtb then segfaulted), and
  /// took 4.5 s over an overlay nested 8,000 deep.
  @Test func applyRefusesHostileOverlaysAndWritesNothing() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.dtb").path
    Self.expectOneLineError(
      try DTMemBinary.run([
        "apply", "dts/qemu-virt-2g.dts", Self.fuzz("blob/issue14-overlay-nested-100-deep.dtbo"), "-o", out,
      ]),
      mentioning: "nodes nested more than 62 deep below the root")
    Self.expectOneLineError(
      try DTMemBinary.run([
        "apply", "dts/qemu-virt-2g.dts", Self.fuzz("blob/issue14-property-length-wraps.dtb"), "-o", out,
      ]),
      mentioning: "runs past the end of the structure block")
    Self.expectOneLineError(
      try DTMemBinary.run([
        "apply", Self.fuzz("blob/issue14-header-version-2.dtb"), "dts/fixtures/overlay/reserved-overlap.dtso", "-o",
        out,
      ]),
      mentioning: "version = 2")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  /// 800 identical /memreserve/ entries printed 320,000 findings; now one per entry.
  @Test func overlapsAreReportedOncePerRegion() throws {
    let result = try DTMemBinary.run(["validate", Self.fuzz("blob/issue14-memreserve-800-identical.dtb")])
    #expect(result.status == 1)
    let overlaps = result.text.split(separator: "\n").filter { $0.contains("[reserved-overlap]") }
    #expect(overlaps.count == 799)
    #expect(overlaps.allSatisfy { $0.contains("; 798 more reservations overlap [0x80000000-0x80000fff]") })
  }

  /// 1,000 copies of memmap=1M$0x90000000 printed 999,002 warnings.
  @Test func toOverlayReportsCollisionsOncePerNode() throws {
    let result = try DTMemBinary.run([
      "to-overlay", "dts/qemu-virt-2g.dts", "--cmdline-file", Self.fuzz("cmdline/issue14-memmap-1000-copies.txt"),
      // All 1,000 (x86 itself keeps 2047 bytes: to-overlay translates only those by default).
      "--cmdline-size", "0",
    ])
    #expect(result.status == 0, "\(result.errorText)")
    let lines = result.errorText.split(separator: "\n")
    let collisions = lines.filter { $0.contains(": overlaps memmap") }
    #expect(collisions.count == 1000)
    #expect(collisions.allSatisfy { $0.hasSuffix(" and 998 more reservations") })
    #expect(lines.count < 1010)
  }

  /// The model's verdicts are warnings: the overlay is written and the run succeeds.
  @Test func toOverlayVerdictsAreNotErrorLines() throws {
    let result = try DTMemBinary.run([
      "to-overlay", "dts/qemu-virt-2g.dts", "--cmdline", "memmap=1M$0x40200000", "--reserve",
      "0x40200000:0x2b20000:kernel",
    ])
    #expect(result.status == 0)
    #expect(!result.errorText.contains("dtmem: error:"))
    #expect(
      result.errorText.contains(
        "dtmem: warning: /reserved-memory/memmap@40200000: the kernel fails it: no-map region overlaps kernel"))
  }

  // MARK: Text inputs

  @Test func duplicateJSONKeysAreRefused() throws {
    Self.expectOneLineError(
      try DTMemBinary.run(["show", Self.fuzz("e820/issue14-duplicate-keys.json")]),
      mentioning: "duplicate key \"e820\" in one object")
  }

  /// tools/fuzz (e820): a table whose every entry has size 0 made `to-e820` print an empty table
  /// and exit 0 — output no reader accepts back (the fuzzer's round trip failed on it).
  @Test func aTableWithoutMemoryIsRefused() throws {
    for command in [["to-e820"], ["to-e820", "--format", "json"], ["to-dts"]] {
      Self.expectOneLineError(
        try DTMemBinary.run(command + [Self.fuzz("e820/fuzz-only-empty-entries.json")]),
        mentioning: "no e820 entry holds memory: every size is 0")
    }
  }

  /// A JSON string with \n made a two-line error; NUL and ESC reached the terminal.
  @Test func controlCharactersAreEscapedInMessages() throws {
    let result = try DTMemBinary.run(["show", Self.fuzz("e820/issue14-control-characters.json")])
    Self.expectOneLineError(result, mentioning: #"'usa\x1b[2Jble\nsecond line\x00' is not an e820 type name"#)
    #expect(!result.standardError.contains(0x1b) && !result.standardError.contains(0))
    // Text output keeps its layout but escapes the rest: a model string with ESC.
    let source =
      "/dts-v1/;\n/ { model = \"evil\\x1b]0;title\\x07board\"; #address-cells = <1>; #size-cells = <1>;\n"
      + "memory@40000000 { device_type = \"memory\"; reg = <0x40000000 0x10000000>; }; };\n"
    let shown = try DTMemBinary.run(["show", "-"], input: Array(source.utf8))
    #expect(shown.status == 0, "\(shown.errorText)")
    #expect(!shown.standardOutput.contains(0x1b) && !shown.standardOutput.contains(0x07))
    #expect(shown.text.contains(#"evil\x1b]0;title\x07board"#))
    // Pictures too: the terminal map keeps its own colour codes, and only those.
    let map = try InProcess.run(
      ["show", "-", "--format", "map"], input: Array(source.utf8), terminal: Terminal(width: 100, colour: true))
    #expect(map.status == 0, "\(map.errorText)")
    #expect(map.text.contains(#"evil\x1b]0;title\x07board"#) && !map.standardOutput.contains(0x07))
    #expect(map.text.contains("\u{1B}[38;5;") && !map.text.contains("\u{1B}]"))
    let svg = try InProcess.run(["show", "-", "--format", "svg"], input: Array(source.utf8))
    #expect(svg.status == 0 && svg.text.contains(#"evil\x1b]0;title\x07board"#))
    #expect(!svg.standardOutput.contains(0x1b) && !svg.standardOutput.contains(0x07))
  }

  /// simulate printed the COMMAND_LINE_SIZE warning and then the error.
  @Test func exitTwoPrintsExactlyOneLine() throws {
    let padding = String(repeating: "x", count: 2100)
    let result = try DTMemBinary.run([
      "simulate", "--e820", "dts/fixtures/overlay/qemu-pc-5g.e820.log", "--cmdline",
      "memmap=exactmap memmap=1M@0 \(padding)",
    ])
    Self.expectOneLineError(result, mentioning: "Invalid user supplied memory map")
    // A command line that long makes Debian's kernel BUG after the map: that stop is the one
    // error line (issue 12, item 3).
    let late = try DTMemBinary.run([
      "simulate", "--e820", "dts/fixtures/overlay/qemu-pc-5g.e820.log", "--cmdline", "mem=3G \(padding)",
    ])
    Self.expectOneLineError(late, mentioning: "kernel BUG at lib/string_helpers.c:1040!")
    // With the limit lifted (a what-if run) it completes.
    let lifted = try DTMemBinary.run([
      "simulate", "--e820", "dts/fixtures/overlay/qemu-pc-5g.e820.log", "--cmdline", "mem=3G \(padding)",
      "--cmdline-size", "0",
    ])
    #expect(lifted.status == 0, "\(lifted.errorText)")
  }

  // MARK: Inputs that hang

  @Test func nonRegularInputsAreRefusedWithoutWaiting() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o600) == 0)
    // open() of a FIFO without a writer used to block for ever.
    Self.expectOneLineError(try DTMemBinary.run(["show", fifo]), mentioning: "is a FIFO, not a regular file")
    Self.expectOneLineError(
      try DTMemBinary.run(["show", "/dev/zero"]), mentioning: "is a character device, not a regular file")
    Self.expectOneLineError(
      try DTMemBinary.run(["simulate", "dts/qemu-virt-2g.dts", "--cmdline-file", "/dev/zero"]),
      mentioning: "is a character device")
    // Standard input and sysfs directories still work.
    let piped = try DTMemBinary.run(
      ["show", "-"], input: Array(try Data(contentsOf: Repository.path("dts/qemu-virt-2g.dts"))))
    #expect(piped.status == 0)
  }

  /// /incbin/("/dev/zero") made dtc read for ever.
  @Test func dtcRunsWithinLimits() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let zero = "/dts-v1/;\n/ { blob = /incbin/(\"/dev/zero\"); };\n"
    Self.expectOneLineError(
      try DTMemBinary.run(["show", "-"], input: Array(zero.utf8)), mentioning: "dtmem's 1 GiB memory limit for dtc")
    // The time limit: /incbin/ of a FIFO nobody writes blocks dtc in open().
    let fifo = directory.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let waiting = Array("/dts-v1/;\n/ { blob = /incbin/(\"\(fifo)\"); };\n".utf8)
    let quick = Subprocess.Limits(seconds: 1, outputBytes: 1 << 20, memoryBytes: 1 << 30)
    #expect {
      try DeviceTreeCompiler.compile(waiting, name: "fifo.dts", path: nil, limits: quick)
    } throws: { error in
      (error as? CLIError)?.why.hasPrefix("dtc did not finish within 1 s (dtmem's time limit for dtc") == true
    }
    // The size limit.
    let source = Array(try Data(contentsOf: Repository.path("dts/qemu-virt-2g.dts")))
    let small = Subprocess.Limits(seconds: 20, outputBytes: 512, memoryBytes: 1 << 30)
    #expect {
      try DeviceTreeCompiler.compile(source, name: "board.dts", path: nil, limits: small)
    } throws: { error in
      (error as? CLIError)?.why.hasPrefix("dtc wrote more than 512 bytes (dtmem's size limit") == true
    }
    #expect(
      try DeviceTreeCompiler.compile(source, name: "board.dts", path: nil).starts(with: [0xd0, 0x0d, 0xfe, 0xed]))
  }

  // MARK: Output

  @Test func outputThroughSymlinksAndSpecialFiles() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = directory.appendingPathComponent("real.txt").path
    let link = directory.appendingPathComponent("link.txt").path
    try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
    #expect(chmod(target, 0o600) == 0)
    #expect(symlink(target, link) == 0)
    let viaLink = try DTMemBinary.run(["to-e820", "dts/qemu-virt-2g.dts", "-o", link])
    #expect(viaLink.status == 0, "\(viaLink.errorText)")
    // The link stays a link; the file it names is replaced, with its permissions.
    #expect((try FileManager.default.destinationOfSymbolicLink(atPath: link)) == target)
    #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("[mem "))
    var info = stat()
    #expect(stat(target, &info) == 0 && info.st_mode & 0o777 == 0o600)
    // A character device is written into, never replaced.
    #expect(try DTMemBinary.run(["to-e820", "dts/qemu-virt-2g.dts", "-o", "/dev/null"]).status == 0)
    #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    // Refused: a directory, a dangling link.
    Self.expectOneLineError(
      try DTMemBinary.run(["validate", "dts/qemu-virt-2g.dts", "-o", directory.path]),
      mentioning: "is a directory; refusing to write over it")
    let dangling = directory.appendingPathComponent("dangling").path
    #expect(symlink(directory.appendingPathComponent("nowhere").path, dangling) == 0)
    Self.expectOneLineError(
      try DTMemBinary.run(["to-e820", "dts/qemu-virt-2g.dts", "-o", dangling]),
      mentioning: "is a symbolic link to nothing")
  }

  @Test func outputNeverOverwritesAnInputUnlessInPlace() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let log = directory.appendingPathComponent("boot.log").path
    try FileManager.default.copyItem(
      atPath: Repository.path("dts/fixtures/overlay/qemu-pc-5g.e820.log").path, toPath: log)
    let before = try Data(contentsOf: URL(fileURLWithPath: log))
    Self.expectOneLineError(
      try DTMemBinary.run(["to-e820", log, "-o", log]), mentioning: "is the input \(log); refusing to overwrite it")
    // A hard link to the input is the input.
    let hard = directory.appendingPathComponent("hard.log").path
    #expect(link(log, hard) == 0)
    Self.expectOneLineError(try DTMemBinary.run(["to-e820", log, "-o", hard]), mentioning: "refusing to overwrite it")
    #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == before)
    // apply: OUT may be BASE only with --in-place.
    let base = directory.appendingPathComponent("base.dtb").path
    try Data(try DTC.compile(file: Repository.path("dts/qemu-virt-2g.dts"))).write(to: URL(fileURLWithPath: base))
    let overlay = "dts/fixtures/overlay/reserved-overlap.dtso"
    Self.expectOneLineError(
      try DTMemBinary.run(["apply", base, overlay, "-o", base]),
      mentioning: "refusing to overwrite it (--in-place lets OUT be BASE)")
    let inPlace = try DTMemBinary.run(["apply", base, overlay, "-o", base, "--in-place"])
    #expect(inPlace.status <= 1, "\(inPlace.errorText)")
    #expect(try DTMemBinary.run(["show", base]).text.contains("fw@7e000000"))
    // show and diff write pictures with -o: never over an input either.
    let shown = try Data(contentsOf: URL(fileURLWithPath: base))
    Self.expectOneLineError(
      try DTMemBinary.run(["show", base, "--format", "svg", "-o", base]), mentioning: "is the input \(base)")
    Self.expectOneLineError(
      try DTMemBinary.run(["diff", "dts/qemu-virt-2g.dts", base, "--format", "map", "-o", base]),
      mentioning: "is the input \(base)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: base)) == shown)
  }

  /// -o out\xff.dtbo wrote out\xEF\xBF\xBD.dtbo.
  @Test func fileNamesAreKeptAsBytes() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let script =
      "cd '\(directory.path)' && '\(DTMemBinary.url.path)' to-overlay --cmdline 'memmap=64M$0x90000000' "
      + "-o \"$(printf 'out\\377.dtbo')\""
    let result = try TestSupport.Command.run(["sh", "-c", script], directory: Repository.root)
    #expect(result.status == 0, "\(result.errorText)")
    let listing = try TestSupport.Command.run(["sh", "-c", "cd '\(directory.path)' && ls | od -An -tx1"])
    #expect(
      listing.text.split(whereSeparator: \.isWhitespace) == [
        "6f", "75", "74", "ff", "2e", "64", "74", "62", "6f", "0a",
      ])
  }

  /// A file name that is not UTF-8 made `--json` output invalid (a `\\xff` escape JSON does not
  /// have) and SARIF's artifact URI percent-encode the wrong bytes.
  @Test func nonUTF8FileNamesInJSONAndSARIF() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = Repository.path("dts/qemu-virt-2g.dts").path
    let name = "\"$(printf 'in\\377.dts')\""
    let prefix = "cd '\(directory.path)' && cp '\(source)' \(name) && '\(DTMemBinary.url.path)'"
    for (arguments, key) in [("show \(name) --json", "input"), ("to-memmap \(name) --json", "input")] {
      let result = try TestSupport.Command.run(["sh", "-c", "\(prefix) \(arguments)"], directory: Repository.root)
      #expect(result.status == 0, "\(result.errorText)")
      let object = try JSONSerialization.jsonObject(with: Data(result.text.utf8)) as? [String: Any]
      #expect(object?[key] as? String == #"in\xff.dts"#, "\(arguments): \(result.text.prefix(200))")
    }
    // A board with a finding, so that SARIF names the file in a result's location.
    let finding = Repository.path("dts/fixtures/rules/blob-too-large.bad.dts").path
    let sarif = try TestSupport.Command.run(
      ["sh", "-c", "\(prefix) validate \(name) --format sarif".replacingOccurrences(of: source, with: finding)],
      directory: Repository.root)
    #expect(sarif.status <= 1, "\(sarif.errorText)")
    #expect(try JSONSerialization.jsonObject(with: Data(sarif.text.utf8)) is [String: Any])
    #expect(sarif.text.contains(#""uri": "in%FF.dts""#) || sarif.text.contains(#""uri":"in%FF.dts""#), "\(sarif.text)")
  }

  @Test func argumentBytesRoundTrip() {
    var generator = SplitMix64(seed: 0xff)
    for _ in 0..<2_000 {
      let bytes = (0..<Int(generator.next() % 24)).map { _ in UInt8(1 + generator.next() % 255) }
      let text = PathBytes.decode(bytes)
      #expect(PathBytes.bytes(text) == bytes)
      if let valid = String(validating: bytes, as: UTF8.self),
        !valid.unicodeScalars.contains(where: { $0.value >= 0x10_FF80 })
      {
        #expect(text == valid)
      }
    }
    // The escape range itself, when it arrives as valid UTF-8, round-trips too.
    let privateUse = Array("\u{10FFFF}a".utf8)
    #expect(PathBytes.bytes(PathBytes.decode(privateUse)) == privateUse)
    #expect(MessageText.line(PathBytes.decode([0x6f, 0xff, 0x0a, 0x1b])) == #"o\xff\n\x1b"#)
    #expect(MessageText.output("a\tb\nc\u{1b}d\u{9b}") == "a\tb\nc\\x1bd\\u{009b}")
  }
}
