// libFuzzer target: the kernel command-line grammars — the parameter splitter, memparse,
// memmap=, mem=, reserve_mem=, crashkernel=, cma= — then the x86 model on an empty and on a
// fixed table, and the overlay planner without a base (tools/fuzz builds and runs it).
import BootModel
import FuzzSupport
import KernelParameters
import MemoryModel
import Translate

let firmware = [
  MapEntry(start: 0, size: 0x9fc00, kind: .usable), MapEntry(start: 0xf0000, size: 0x10000, kind: .reserved),
  MapEntry(start: 0x10_0000, size: 0x7fee_0000, kind: .usable),
  MapEntry(start: 0x1_0000_0000, size: 0x8000_0000, kind: .usable),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let commandLine = KernelCommandLine(text)
  for parameter in commandLine.parameters {
    let value = Array((parameter.value ?? "").utf8)
    _ = MemParse.memparse(value)
    _ = MemParse.strtoull(value)
    _ = MemParse.wholeNumber(Substring(parameter.value ?? ""))
    _ = MemmapParameter.parse(parameter.value)
    _ = X86MemParameter.parse(parameter.value)
    _ = ReserveMemParameter.parse(parameter.value)
    _ = CMAParameter(parsing: parameter.value ?? "")
  }
  _ = CrashKernelParameter.parse(commandLine.text, systemRAM: 0x1_0000_0000)
  let given = BootCommandLine(text, source: .given("FuzzCommandLine"))
  _ = try? Boot.run(BootRequest(.noFirmwareTable, commandLine: given))
  _ = try? Boot.run(BootRequest(.e820(E820Firmware(firmware)), commandLine: given))
  let parameters = OverlayParameters(KernelCommandLine(text, limit: nil))
  if !parameters.entries.isEmpty { _ = try? OverlayBuilder.build(parameters, base: nil) }
  return 0
}

@_cdecl("FuzzCommandLine_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runLibFuzzer(argc, argv, fuzz)
}
