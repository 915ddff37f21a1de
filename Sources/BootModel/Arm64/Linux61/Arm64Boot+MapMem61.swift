internal import KernelParameters

extension Arm64BootState {
  /// `map_mem()` (arch/arm64/mm/mmu.c, Linux 6.1) with `enable_crash_mem_map()`:
  /// `early_param("crashkernel", …)` sets `crash_mem_map` for any `crashkernel` parameter (also
  /// `crashkernel=Y,low` alone, which reserves nothing), and Debian's build has ZONE_DMA/DMA32,
  /// so `defer_reserve_crashkernel()` is true and the linear map is built with
  /// `NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS` — page by page, whatever `rodata=` says — so that the
  /// crash kernel's region can be unmapped later. Its page tables cost RAM/512 more than blocks.
  /// 6.12 has no `crash_mem_map`. Recorded: arm64-61-rec-0072…0081 (the default CMA area and
  /// the crash kernel sit RAM/512 lower than with `rodata=on` alone).
  var crashMemMapForcesPages61: Bool {
    request.kernel == .v6_1 && commandLine.parameters.contains { $0.isNamed("crashkernel") }
  }
}
