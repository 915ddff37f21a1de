// The C boundary of dtmem: libfdt (Debian libfdt-dev 1.6.1) plus the few things Swift cannot
// import from it. libfdt's header accessors are function-like macros; Swift only imports
// functions, so each is re-exported here as a static inline function. Nothing else lives here.
#ifndef DTMEM_CLIBFDT_SHIM_H
#define DTMEM_CLIBFDT_SHIM_H

#include <libfdt.h>

// fdt_magic() etc. are macros over fdt_get_header(); re-export the header fields dtmem reads.
static inline uint32_t clibfdt_magic(const void *fdt) { return fdt_magic(fdt); }
static inline uint32_t clibfdt_totalsize(const void *fdt) { return fdt_totalsize(fdt); }
static inline uint32_t clibfdt_off_dt_struct(const void *fdt) { return fdt_off_dt_struct(fdt); }
static inline uint32_t clibfdt_off_dt_strings(const void *fdt) { return fdt_off_dt_strings(fdt); }
static inline uint32_t clibfdt_off_mem_rsvmap(const void *fdt) { return fdt_off_mem_rsvmap(fdt); }
static inline uint32_t clibfdt_last_comp_version(const void *fdt) { return fdt_last_comp_version(fdt); }
static inline uint32_t clibfdt_boot_cpuid_phys(const void *fdt) { return fdt_boot_cpuid_phys(fdt); }
static inline uint32_t clibfdt_size_dt_strings(const void *fdt) { return fdt_size_dt_strings(fdt); }
static inline uint32_t clibfdt_size_dt_struct(const void *fdt) { return fdt_size_dt_struct(fdt); }

// The size of the fixed header, so Swift can refuse a buffer too short to hold one.
static inline size_t clibfdt_header_size(void) { return sizeof(struct fdt_header); }

#endif
