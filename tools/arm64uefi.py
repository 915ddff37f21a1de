"""The UEFI half of record-arm64 (`record-arm64 --uefi ...`): boot Debian's arm64 kernel
through its EFI stub from EDK2 (QEMU_EFI.fd) or U-Boot (`bootefi`) on QEMU `virt`, and
record one JSON line per boot in the format of shared/conformance/arm64-uefi.jsonl:

    id, arch, qemu_config, dts, cmdline, loader_reserved, boot, efi_memmap, lines, stub,
    reached_end

followed by what this recorder adds (absent keys = not recorded):

    kernel        "6.1" for Debian's 6.1 kernel (absent for 6.12, as in the shared file)
    page_size     "16K" for the 16K-page kernel (booted with -cpu max)
    initrd_size   the size of the QEMU -initrd file (EDK2 passes it with LoadFile2)
    uboot_efidebug_memmap  --firmware uboot-efidebug: U-Boot's `efidebug memmap` before bootefi
    stub_dts      the tree the kernel really got: the EFI stub's copy (its 2 MiB Loader Data
                  allocation), read from guest memory with QEMU's pmemsave and decompiled
    early_reserves / rmem_allocs / static_reserves / memblock_memory / memblock_reserved /
    log_dropped   from a second boot with memblock=debug (--debug-boot, always for 6.1):
                  the memblock_reserve calls made before the memory node ranges were
                  printed (`by` = caller), the dynamic /reserved-memory allocations, and
                  memblock's final lists (`flags` 0x4 = no-map)

Only Python's standard library, qemu-system-aarch64, dtc and the firmware files are used.
"""
import concurrent.futures
import difflib
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

EDK2_FD = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"
UBOOT_BIN = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
# U-Boot 2023.01 (Debian's source) with CONFIG_CMD_EFIDEBUG=y: tools/build-uboot-efidebug
UBOOT_EFIDEBUG_BIN = os.path.join(os.path.expanduser("~"), ".cache", "dtmem", "uboot-efidebug",
                                  "build-qemu_arm64", "u-boot.bin")
CMDLINE_PREFIX = "console=ttyAMA0 earlycon panic=-1 efi=debug "
UBOOT_DTB_ADDR = 0x48000000      # where -device loader puts the blob for bootefi
MAX_FDT_SIZE = 0x200000          # libstub/fdt.c: the stub's copy of the tree
MIN_KIMG_ALIGN = 0x200000        # arm64 stub without EFI_RNG_PROTOCOL (efi_nokaslr)
EFI_ALLOC_ALIGN = 0x10000        # arm64 libstub: efi_allocate_pages() rounds to 64 KiB
BOOT = {"edk2": "uefi (EDK2, acpi=off)", "uboot": "uefi (U-Boot bootefi)",
        "uboot-efidebug": "uefi (U-Boot bootefi, CMD_EFIDEBUG build, efidebug memmap first)",
        "edk2-shell": "uefi (EDK2 Shell, acpi=off, -net none, kernel from a virtio FAT disk)"}
HERE = os.path.dirname(os.path.abspath(__file__))
LOADER_WHAT = "kernel image (placed by the EFI stub: the Loader Code region of its size)"

EFI_LINE_RE = re.compile(r"^efi:   0x([0-9a-f]+)-0x([0-9a-f]+) \[([^|\]]*)\|")
MB_RESERVE_RE = re.compile(r"^memblock_reserve: \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\] ([A-Za-z0-9_.]+)\+")
MB_ALLOC_RE = re.compile(r"^memblock_(?:phys_alloc_range|alloc_try_nid_raw|alloc_try_nid|alloc_exact_nid_raw):"
                         r" (\d+) bytes align=(0x[0-9a-f]+) (?:nid=-?\d+ )?from=(0x[0-9a-f]+)"
                         r" max_addr=(0x[0-9a-f]+) ([A-Za-z0-9_.]+)\+")
MB_DUMP_RE = re.compile(r"^ (memory|reserved)\[0x[0-9a-f]+\]\s+\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\],"
                        r" (0x[0-9a-f]+) bytes(?: on node \d+)? flags: (0x[0-9a-f]+)")
RMEM_ALLOCATORS = ("__reserved_mem_alloc_size", "__reserved_mem_alloc_in_range",
                   "early_init_dt_alloc_reserved_memory_arch")


def shared_uefi_kind(line):
    """The kinds of line arm64-uefi.jsonl keeps: region lines and the node ranges."""
    return line.startswith(("OF: reserved mem:", "Reserved memory:")) or \
        bool(re.match(r"^  node +\d+: \[mem ", line))


class UefiRecorder:
    def __init__(self, ra, kernel, qemu, firmware, timeout, kinds, keep_logs=None,
                 page_size=None, kernel_version=None, fdt_dump=True):
        self.ra = ra                       # the record-arm64 module (shared helpers)
        self.kernel = kernel
        self.qemu = qemu
        self.firmware = firmware
        self.timeout = timeout
        self.kinds = kinds
        self.keep_logs = keep_logs
        self.isize = ra.image_facts(kernel)[0]
        self.ksize = os.path.getsize(kernel)
        self.page_size = page_size
        self.kernel_version = kernel_version
        self.fdt_dump = fdt_dump
        self.stats = []
        self.lock = threading.Lock()

    # ------------------------------------------------------------ qemu
    def qemu_args(self, fw, config, dtb, append, initrd, monitor, fat=None):
        uboot = fw in ("uboot", "uboot-efidebug")
        machine = "virt" if uboot else "virt,acpi=off"
        cpu = "max" if self.page_size == "16K" else "cortex-a57"
        a = [self.qemu, "-M", machine, "-cpu", cpu] + self.ra.CONFIGS[config] + [
            "-nographic", "-no-reboot"]
        if fw != "edk2-shell":
            a += ["-kernel", self.kernel, "-append", append]
        if fw == "edk2":
            a += ["-bios", EDK2_FD, "-dtb", dtb]
        elif fw == "edk2-shell":
            # no network: EDK2 would try PXE first; the kernel, efialloc.efi and
            # startup.nsh are on a read-only FAT disk QEMU makes from a directory
            a += ["-bios", EDK2_FD, "-dtb", dtb, "-net", "none", "-drive",
                  "if=none,id=d0,format=raw,file=fat:%s,readonly=on" % fat,
                  "-device", "virtio-blk-device,drive=d0"]
        else:
            a += ["-bios", UBOOT_EFIDEBUG_BIN if fw == "uboot-efidebug" else UBOOT_BIN, "-device",
                  "loader,file=%s,addr=0x%x,force-raw=on" % (dtb, UBOOT_DTB_ADDR)]
        if initrd:
            a += ["-initrd", initrd]
        if monitor:
            a += ["-monitor", "unix:%s,server=on,wait=off" % monitor]
        return a

    def script(self, fw, append, initrd):
        if fw == "uboot":
            return self.uboot_script(append, initrd)
        if fw == "uboot-efidebug":
            # U-Boot's own listing of its map, after the kernel and initrd are in memory
            # (qfw load: not EFI allocations) and before bootefi
            s = self.uboot_script(append, initrd)
            return s[:2] + [("=> ", "efidebug memmap\r")] + s[2:]
        if fw == "edk2-shell":
            return [("to skip", "\r")]      # run startup.nsh now
        return []

    def shell_disk(self, tmp, append, efi_alloc):
        """The FAT directory for the EDK2 Shell path: startup.nsh runs efialloc.efi (regions
        of chosen types), `memmap` and `memmap -sfo` (the Shell's own formats of the map the
        kernel is about to get, less the stub's allocations), then the kernel."""
        fat = os.path.join(tmp, "fat")
        os.makedirs(fat)
        try:
            os.link(self.kernel, os.path.join(fat, "Image.efi"))
        except OSError:
            shutil.copy(self.kernel, os.path.join(fat, "Image.efi"))
        cmds = ["fs0:"]
        if efi_alloc:
            subprocess.run([os.path.join(HERE, "efialloc", "build"),
                            os.path.join(fat, "efialloc.efi")], check=True,
                           stdout=subprocess.DEVNULL)
            cmds.append("efialloc.efi " + " ".join(efi_alloc))
        cmds += ["memmap", "memmap -sfo", "Image.efi " + append]
        with open(os.path.join(fat, "startup.nsh"), "w") as f:
            f.write("\r\n".join(cmds) + "\r\n")
        return fat

    def uboot_script(self, append, initrd):
        bootargs = append.replace("'", "")
        return [("Hit any key to stop autoboot", " "),
                ("=> ", "qfw load ${kernel_addr_r} ${ramdisk_addr_r}\r"),
                ("=> ", "setenv bootargs '%s'\r" % bootargs),
                ("=> ", "bootefi ${kernel_addr_r}:0x%x 0x%x\r" % (self.ksize, UBOOT_DTB_ADDR))]

    def boot(self, args, script, dump):
        """Run QEMU, answer the firmware prompts of `script` ((text to wait for, what to
        type) pairs), read the console until the kernel is past `Kernel command line:`, a
        panic finished, QEMU exited, `timeout` or 30 s of silence. `dump(console)` runs
        before QEMU is stopped. Returns (console lines, raw text, seconds, reason)."""
        t0 = time.time()
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        buf = b""
        lines = []
        last = time.time()
        reason = "timeout"
        step = 0
        mark = 0                      # prompts are looked for after what was answered
        seen_end = False
        pending = b""
        try:
            while True:
                now = time.time()
                if now - t0 > self.timeout:
                    reason = "timeout"
                    break
                if now - last > 30:
                    reason = "silent"
                    break
                r, _, _ = select.select([p.stdout], [], [], 0.2)
                if not r:
                    if p.poll() is not None:
                        reason = "exit"
                        break
                    continue
                d = os.read(p.stdout.fileno(), 65536)
                if not d:
                    reason = "exit"
                    break
                last = time.time()
                buf += d
                if step < len(script) and script[step][0].encode() in buf[mark:]:
                    time.sleep(0.05)
                    p.stdin.write(script[step][1].encode())
                    p.stdin.flush()
                    mark = len(buf)
                    step += 1
                pending += d
                *full, pending = pending.split(b"\n")
                done = False
                for raw in full:
                    line = self.ra.strip_ts(raw.decode("utf-8", errors="replace"))
                    lines.append(line)
                    if line.startswith(self.ra.END_MARK):
                        seen_end = True
                    if seen_end and line.startswith(self.ra.STOP_MARKS):
                        reason, done = "done", True
                    if line.startswith(self.ra.PANIC_END):
                        reason, done = "panic", True
                if done:
                    break
            if dump and p.poll() is None:
                dump(lines)
        finally:
            if p.poll() is None:
                p.kill()
            p.stdout.close()
            p.stdin.close()
            p.wait()
        return lines, buf.decode("utf-8", errors="replace"), time.time() - t0, reason

    # ------------------------------------------------------------ one case
    def record(self, case_id, config, cmdline, dts_text=None, dtb_file=None, initrd=None,
               debug_boot=None, firmware=None, efi_alloc=None):
        fw = firmware or self.firmware
        if config not in self.ra.CONFIGS:
            raise ValueError("unknown config %r" % config)
        if fw not in BOOT:
            raise ValueError("unknown firmware %r" % fw)
        if fw == "edk2-shell" and initrd:
            raise ValueError("the EDK2 Shell path takes no initrd")
        with tempfile.TemporaryDirectory(prefix="armefi-") as tmp:
            given = os.path.join(tmp, "given.dtb")
            if dts_text is not None:
                self.ra.dtc_compile(dts_text, given)
                dts = dts_text
            else:
                shutil.copy(dtb_file, given)
                dts = self.ra.dtc_decompile(given)
            append = CMDLINE_PREFIX + cmdline
            mon = os.path.join(tmp, "mon.sock")
            fdt_out = os.path.join(tmp, "stub.dtb")
            state = {}

            def dump(console):
                if self.fdt_dump:
                    state["stub_dts"] = self.dump_stub_fdt(mon, console, fdt_out)

            fat = self.shell_disk(tmp, append, efi_alloc) if fw == "edk2-shell" else None
            console, raw, secs, why = self.boot(
                self.qemu_args(fw, config, given, append, initrd, mon, fat),
                self.script(fw, append, initrd), dump)
            efi_map = efi_memmap(console)
            out = {
                "id": case_id, "arch": "arm64", "qemu_config": config, "dts": dts,
                "cmdline": cmdline,
                "loader_reserved": self.loader_reserved(efi_map, initrd),
                "boot": BOOT[fw],
                "efi_memmap": efi_map,
                "lines": self.select(console),
                "stub": [l for l in console if "EFI stub: " in l],
                "reached_end": self.ra.node_list_complete(console),
            }
            if initrd:
                # QEMU -initrd: EDK2 hands it to the stub through LoadFile2 (efi_load_initrd())
                out["initrd_size"] = "0x%x" % os.path.getsize(initrd)
            if fw == "uboot-efidebug":
                listing = section(console, "Type             Start", "=> ")
                out["uboot_efidebug_memmap"] = [l for l in listing if not l.startswith("=> ")]
            if fw == "edk2-shell":
                out["efi_alloc"] = list(efi_alloc or [])
                out["shell_memmap"] = section(console, "Type       Start", "Total Memory:")
                out["shell_memmap_sfo"] = section(console, 'ShellCommand,"memmap"', "MemoryMapSummary,")
            if self.kernel_version and self.kernel_version != "6.12":
                out["kernel"] = self.kernel_version
            if self.page_size:
                out["page_size"] = self.page_size
            if state.get("stub_dts") is not None:
                out["stub_dts"] = state["stub_dts"]
            if debug_boot is None:
                debug_boot = self.kernel_version == "6.1"
            dbg, dsecs = [], 0.0
            if debug_boot:
                # earlycon with an address is up at parse_early_param, before efi_init:
                # the memblock trace goes straight to the console instead of overflowing
                # the log buffer (plain `earlycon` waits for the tree's stdout-path)
                dappend = append.replace("earlycon ", "earlycon=pl011,0x9000000 ", 1) + \
                    " memblock=debug" + (" rodata=on" if self.kernel_version == "6.1" else "")
                if fw == "edk2-shell":
                    fat = self.shell_disk(os.path.join(tmp, "debug"), dappend, efi_alloc)
                dbg, _, dsecs, _ = self.boot(
                    self.qemu_args(fw, config, given, dappend, initrd, None, fat),
                    self.script(fw, dappend, initrd), None)
                out.update(memblock_trace(dbg))
                # arm64_memblock_init reserves the initrd, then the image (_text.._end):
                # they confirm what was read from the map
                for r in out.get("early_reserves", []):
                    start, end = int(r["start"], 16), int(r["end"], 16)
                    if r["by"] != "arm64_memblock_init":
                        continue
                    for e in out["loader_reserved"]:
                        if e["what"].startswith("kernel") and end - start + 1 == self.isize:
                            e["start"] = "0x%x" % start
                        elif e["what"].startswith("initrd") and end - start + 1 == \
                                (int(e["size"], 16) + 0xfff) & ~0xfff:
                            e["start"] = "0x%x" % start
            if self.keep_logs:
                os.makedirs(self.keep_logs, exist_ok=True)
                with open(os.path.join(self.keep_logs, case_id + ".log"), "w") as f:
                    f.write(raw)
                if dbg:
                    with open(os.path.join(self.keep_logs, case_id + ".debug.log"), "w") as f:
                        f.write("\n".join(dbg) + "\n")
        with self.lock:
            self.stats.append((secs, why, dsecs))
        return out, {"console": console, "seconds": secs, "debug_seconds": dsecs, "stop": why}

    def select(self, console):
        out = []
        for line in console:
            if shared_uefi_kind(line):
                out.append(line)
            elif self.kinds == "all" and (
                    line.startswith(("NUMA:", "Kernel command line:")) or self.ra.extra_kind(line)):
                out.append(line)
        return out

    def loader_reserved(self, efi_map, initrd=None):
        """The kernel image where the stub ran it. Without EFI_RNG_PROTOCOL the arm64 stub
        sets efi_nokaslr, so the image needs 2 MiB alignment (efi_kaslr_relocate_kernel):
        the firmware's PE load is used in place when aligned, otherwise the stub copies it
        to an aligned Loader Code allocation of the image's size (image_size, page-rounded).
        """
        size = self.isize
        rounded = (size + 0xfff) & ~0xfff
        code = [r for r in parse_efi_lines(efi_map) if r[2] == "Loader Code"]
        exact = [r for r in code if r[1] - r[0] + 1 == rounded and r[0] % MIN_KIMG_ALIGN == 0]
        fit = [r for r in code if r[1] - r[0] + 1 >= rounded and r[0] % MIN_KIMG_ALIGN == 0]
        pick = exact or fit
        out = []
        if not pick and self.kernel_version == "6.1":
            # 6.1's stub runs the image where the firmware loaded it when _text is 64 KiB
            # aligned (EFI_KIMG_ALIGN): _text is the Loader Code region's first 64 KiB boundary
            # (efi61-rec-0001: region 0xb84b2000, _text 0xb84c0000, _stext reserved from +64 KiB)
            for r in code:
                text = (r[0] + 0xffff) & ~0xffff
                if text + size <= r[1] + 1:
                    out = [{"start": "0x%x" % text, "size": "0x%x" % size,
                            "what": "kernel image (6.1: run in place in the firmware's PE load, "
                                    "_text at its first 64 KiB boundary)"}]
                    break
        elif pick:
            out = [{"start": "0x%x" % pick[0][0], "size": "0x%x" % size, "what": LOADER_WHAT}]
        if initrd:
            # the stub loads the initrd (EDK2's LoadFile2 for QEMU -initrd; efi_load_initrd()
            # -> efi_allocate_pages(): EFI_ALLOC_ALIGN = 64 KiB, top-down) into Loader Data
            # before it allocates the FDT copy: alone, or the top of a Loader Data block
            # [FDT 2 MiB][initrd rounded to 64 KiB]; the initrd starts its allocation
            isz = os.path.getsize(initrd)
            alloc = (isz + EFI_ALLOC_ALIGN - 1) & ~(EFI_ALLOC_ALIGN - 1)
            data = [r for r in parse_efi_lines(efi_map) if r[2] == "Loader Data"]
            exact = [r for r in data if r[1] - r[0] + 1 == alloc]
            merged = [r for r in data if r[1] - r[0] + 1 == alloc + MAX_FDT_SIZE]
            pick = merged or exact
            if pick:
                out.append({"start": "0x%x" % (pick[0][1] + 1 - alloc), "size": "0x%x" % isz,
                            "what": "initrd (loaded by the EFI stub: the top 64 KiB-rounded part of "
                                    "its Loader Data block)"})
        return out

    def dump_stub_fdt(self, mon, console, out):
        """The stub's tree: the first 2 MiB Loader Data region holding an FDT header."""
        # (a Loader Data block can hold more than the FDT: the initrd sits right above it)
        cands = [r for r in parse_efi_lines(efi_memmap(console))
                 if r[2] == "Loader Data" and r[1] - r[0] + 1 >= MAX_FDT_SIZE]
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(5)
            s.connect(mon)
            monitor_cmd(s, "stop")
            for start, _, _ in cands:
                if os.path.exists(out):
                    os.unlink(out)
                monitor_cmd(s, 'pmemsave 0x%x 0x%x "%s"' % (start, MAX_FDT_SIZE, out))
                for _ in range(50):
                    if os.path.exists(out) and os.path.getsize(out) == MAX_FDT_SIZE:
                        break
                    time.sleep(0.05)
                with open(out, "rb") as f:
                    blob = f.read()
                if blob[:4] == b"\xd0\x0d\xfe\xed":
                    total = int.from_bytes(blob[4:8], "big")
                    with open(out, "wb") as f:
                        f.write(blob[:total])
                    s.close()
                    return self.ra.dtc_decompile(out)
            s.close()
        except (OSError, RuntimeError) as e:
            self.ra.log("record-arm64: stub FDT dump failed: %s" % e)
        return None


def section(console, first, last):
    """Console lines from the first starting with `first` to the next starting with `last`."""
    out = None
    for line in console:
        if out is None and line.startswith(first):
            out = []
        if out is not None:
            out.append(line)
            if line.startswith(last):
                return out
    return out or []


def monitor_cmd(s, cmd):
    s.sendall((cmd + "\n").encode())
    data = b""
    end = time.time() + 5
    while time.time() < end and not data.rstrip().endswith(b"(qemu)"):
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        data += d
    return data


def efi_memmap(console):
    """`efi:   START-END [Type|attributes]` lines under `efi: Processing EFI memory map:`."""
    out = []
    inside = False
    for line in console:
        if line.startswith("efi: Processing EFI memory map:"):
            inside, out = True, []
            continue
        if inside:
            if EFI_LINE_RE.match(line):
                out.append(line)
            else:
                inside = False
    return out


def parse_efi_lines(lines):
    out = []
    for l in lines:
        m = EFI_LINE_RE.match(l)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()))
    return out


def memblock_trace(console):
    """What a memblock=debug boot shows (see the module doc)."""
    early, rmem, static, dump = [], [], [], {"memory": [], "reserved": []}
    dropped = any("printk messages dropped" in l for l in console)
    pending = None
    nodes_seen = False
    last_dump = []
    for line in console:
        if line.startswith("Early memory node ranges"):
            nodes_seen = True
        if line.startswith("MEMBLOCK configuration"):
            last_dump = []
        m = MB_DUMP_RE.match(line)
        if m:
            last_dump.append((m.group(1), m.group(2), m.group(3), m.group(5)))
            continue
        m = MB_ALLOC_RE.match(line)
        if m:
            if pending is not None:
                rmem.append(pending)
                pending = None
            if m.group(5) in RMEM_ALLOCATORS or m.group(5).startswith("__reserved_mem"):
                pending = {"size": "0x%x" % int(m.group(1)), "align": m.group(2),
                           "from": "0x%016x" % int(m.group(3), 16),
                           "max": "0x%016x" % int(m.group(4), 16), "start": None}
            continue
        m = MB_RESERVE_RE.match(line)
        if m:
            start, end, by = m.group(1), m.group(2), m.group(3)
            if by.startswith("memblock_alloc_range_nid"):
                if pending is not None:
                    pending["start"] = "0x%016x" % int(start, 16)
                    rmem.append(pending)
                    pending = None
                continue
            if not nodes_seen:
                early.append({"start": "0x%016x" % int(start, 16),
                              "end": "0x%016x" % int(end, 16), "by": by})
                if by in ("early_init_fdt_scan_reserved_mem", "fdt_scan_reserved_mem",
                          "__reserved_mem_reserve_reg", "fdt_reserve_elfcorehdr"):
                    static.append(early[-1])
            continue
        if pending is not None and line.startswith("memblock_"):
            rmem.append(pending)
            pending = None
    if pending is not None:
        rmem.append(pending)
    for kind, s, e, flags in last_dump:
        dump[kind].append({"start": "0x%016x" % int(s, 16), "end": "0x%016x" % int(e, 16),
                           "flags": flags})
    return {"early_reserves": early, "rmem_allocs": rmem, "static_reserves": static,
            "memblock_memory": dump["memory"], "memblock_reserved": dump["reserved"],
            "log_dropped": dropped}


# ---------------------------------------------------------------- modes
FIRMWARE_OF_BOOT = {v: k for k, v in BOOT.items()}
SHARED_KEYS = ("qemu_config", "cmdline", "loader_reserved", "boot", "efi_memmap", "lines",
               "stub", "reached_end")


def verify(rec, ra, args):
    cases = ra.load_jsonl(args.verify)
    if args.ids:
        want = set(args.ids.split(","))
        cases = [c for c in cases if c["id"] in want]

    def one(c):
        new, _ = rec.record(c["id"], c["qemu_config"], c["cmdline"], dts_text=c["dts"],
                            debug_boot=True if "early_reserves" in c else None,
                            firmware=FIRMWARE_OF_BOOT.get(c.get("boot")), efi_alloc=c.get("efi_alloc"))
        return new
    t0 = time.time()
    res = ra.run_many(rec, args.jobs, cases, one)
    exact = 0
    report = []
    for c, n in zip(cases, res):
        if isinstance(n, Exception):
            report.append("%s: ERROR %s" % (c["id"], n))
            continue
        new = dict(n)
        if all(shared_uefi_kind(l) for l in c["lines"]):
            new["lines"] = [l for l in n["lines"] if shared_uefi_kind(l)]
        keys = [k for k in SHARED_KEYS + ("stub_dts", "early_reserves", "rmem_allocs",
                                          "memblock_memory") if k in c]
        bad = [k for k in keys if c.get(k) != new.get(k)]
        if not bad:
            exact += 1
            continue
        msg = ["%s: DIFFERS %s" % (c["id"], " ".join(bad))]
        for k in bad:
            a, b = c.get(k), new.get(k)
            if isinstance(a, list) and isinstance(b, list) and all(isinstance(x, str) for x in a + b):
                msg += ["    " + d for d in difflib.unified_diff(a, b, "recorded", "now",
                                                                lineterm="", n=1)]
            else:
                msg.append("    %s recorded %s now %s" % (k, json.dumps(a)[:300], json.dumps(b)[:300]))
        report.append("\n".join(msg))
    for r in report:
        print(r)
    print("verify: %d cases, %d identical in %s, %.0f s" % (
        len(cases), exact, ", ".join(SHARED_KEYS), time.time() - t0))
    return 0 if exact == len(cases) else 1


def batch(rec, ra, args):
    specs = ra.load_jsonl(args.batch)
    base_dir = os.path.dirname(os.path.abspath(args.batch))
    for i, s in enumerate(specs):
        s.setdefault("id", "%s%04d" % (args.id_prefix, args.start + i))

    def one(s):
        kw = ra.spec_to_args(s, base_dir)
        out, _ = rec.record(s["id"], firmware=s.get("firmware"), efi_alloc=s.get("efi_alloc"), **kw)
        return out
    t0 = time.time()
    res = ra.run_many(rec, args.jobs, specs, one)
    bad = 0
    with open(args.output, "a" if args.append else "w") as f:
        for s, r in zip(specs, res):
            if isinstance(r, Exception):
                bad += 1
                ra.log("record-arm64: %s failed: %s" % (s["id"], r))
                continue
            f.write(json.dumps(r) + "\n")
    ra.report_stats(rec, time.time() - t0, len(specs) - bad)
    return 1 if bad else 0


def kernel_facts(ra, path):
    """(version, page size) of an arm64 Image (gzip'd too): record-arm64's image_facts()."""
    _, version, page = ra.image_facts(path)
    return version, page


def main(ra, args):
    fw = args.firmware
    f = {"uboot": UBOOT_BIN, "uboot-efidebug": UBOOT_EFIDEBUG_BIN}.get(fw, EDK2_FD)
    if not os.path.isfile(f):
        sys.exit("record-arm64: %s not found (%s)" % (f, {
            "uboot": "apt-get install u-boot-qemu",
            "uboot-efidebug": "build it with tools/build-uboot-efidebug"}.get(
                fw, "apt-get install qemu-efi-aarch64")))
    kernel = ra.find_kernel(args.kernel, args.kernel_version, args.page_size)
    version, page = kernel_facts(ra, kernel)
    rec = UefiRecorder(ra, kernel, args.qemu, fw, args.timeout, args.kinds, args.keep_logs,
                       page_size=None if page == "4K" else page, kernel_version=version,
                       fdt_dump=not args.no_stub_dts)
    if args.verify:
        return verify(rec, ra, args)
    if args.batch:
        if not args.output:
            sys.exit("record-arm64: --batch needs -o OUT.jsonl")
        return batch(rec, ra, args)
    if not (args.dts or args.dtb):
        sys.exit("record-arm64: --uefi needs one of --dts, --dtb, --batch, --verify")
    dts_text = open(args.dts).read() if args.dts else None
    out, info = rec.record(args.id, args.config, args.cmdline, dts_text=dts_text,
                           dtb_file=args.dtb, initrd=args.initrd,
                           debug_boot=True if args.debug_boot else None,
                           efi_alloc=args.efi_alloc.split() if args.efi_alloc else None)
    line = json.dumps(out) + "\n"
    if args.output:
        with open(args.output, "a" if args.append else "w") as f:
            f.write(line)
    else:
        sys.stdout.write(line)
    ra.log("record-arm64: boot %.2f s (%s)%s" % (
        info["seconds"], info["stop"],
        ", memblock=debug boot %.2f s" % info["debug_seconds"] if info["debug_seconds"] else ""))
    return 0
