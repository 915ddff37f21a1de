internal import KernelParameters
internal import MemoryModel

/// What Linux 6.12 prints, on every architecture, for the code they share: early-parameter
/// complaints (init/main.c), `parse_crashkernel()` and `reserve_crashkernel_generic()`
/// (kernel/crash_reserve.c), the default CMA area (kernel/dma/contiguous.c, mm/cma.c), and
/// `reserve_mem=` (silent).
struct GenericKernelLog: Sendable {
  func parameter(_ event: ParameterEvent) -> [String] {
    switch event {
    case .malformedEarlyOption(let name): ["Malformed early option '\(name)'"]
    case .cmaWithoutValue: ["cma: Config string not provided"]
    case .memNopentium: ["mem=nopentium ignored! (only supported on x86_32)"]
    case .crashKernel(let complaint): [crashKernel(complaint)]
    case .passedToInit: []
    }
  }

  /// `parse_crashkernel()`'s warnings, spelling slips included.
  func crashKernel(_ complaint: CrashKernelParameter.Complaint) -> String {
    switch complaint {
    case .memoryValueExpected: "crashkernel: memory value expected"
    case .rangeValueExpected: "crashkernel: Memory value expected"
    case .dashExpected: "crashkernel: '-' expected"
    case .endNotAfterStart: "crashkernel: end <= start"
    case .colonExpected: "crashkernel: ':' expected"
    case .invalidSize: "crashkernel: invalid size"
    case .offsetValueExpected: "crahskernel: Memory value expected after '@'"
    case .zeroSize: "crashkernel size resulted in zero bytes"
    case .unrecognizedCharacter(let c): "crashkernel: unrecognized char: \(String(decoding: [c], as: UTF8.self))"
    }
  }

  func kernelAllocation(_ event: KernelAllocationEvent) -> [String] {
    switch event {
    case .defaultCMAReserved(let base, let size):
      ["cma: Reserved \(size >> 20) MiB at \(KernelFormat.pa(base)) on node -1"]
    case .defaultCMAFailed(let size): ["cma: Failed to reserve \(size >> 20) MiB on node -1"]
    case .crashKernelReserved(let base, let size, _):
      ["crashkernel reserved: \(Hex.padded(base)) - \(Hex.padded(base &+ size)) (\(size >> 20) MB)"]
    case .crashKernelLowReserved(let base, let size):
      [
        "crashkernel low memory reserved: \(Hex.padded(base, width: 8)) - \(Hex.padded(base &+ size, width: 8)) "
          + "(\(size >> 20) MB)"
      ]
    case .crashKernelBaseInUse: ["crashkernel reservation failed - memory is in use."]
    case .crashKernelFailed(let size): ["cannot allocate crashkernel (size:\(Hex.short(size)))"]
    case .crashKernelLowFailed(let size): ["cannot allocate crashkernel low memory (size:\(Hex.short(size)))."]
    case .reserveMemPlaced, .reserveMemRefused, .realModeTrampolineReserved: []
    case .realModeTrampolineFailed: ["No sub-1M memory is available for the trampoline"]
    }
  }
}
