/*
 * efialloc.efi -- a tiny UEFI application for the arm64 UEFI recorder
 * (tools/record-arm64 --uefi --alloc ...). Run from the UEFI Shell before the kernel, it
 * makes the firmware's memory map carry regions of chosen types at chosen addresses, so
 * that real boots can settle how the kernel treats each type and attribute:
 *
 *     efialloc.efi TYPE:ADDRESS:PAGES [TYPE:ADDRESS:PAGES ...]
 *
 * TYPE is the EFI_MEMORY_TYPE number (0 Reserved, 1 LoaderCode, 2 LoaderData, 3 BootCode,
 * 4 BootData, 5 RuntimeCode, 6 RuntimeData, 8 Unusable, 9 ACPIReclaim, 10 ACPINVS,
 * 11 MMIO, 12 MMIOPort, 13 PalCode, 0x70000000+ OEM, 0x80000000+ OS), ADDRESS and PAGES
 * (4 KiB EFI pages) are hex. Each is AllocatePages(AllocateAddress, TYPE, PAGES, ADDRESS);
 * the pages stay allocated after the application returns. An optional fourth field
 * :+CAP adds capability bits with the DXE services' SetMemorySpaceCapabilities (for
 * example 0x40000 = EFI_MEMORY_SP), which EDK2 reports as the region's attributes.
 *
 * Freestanding C, no EDK2 or gnu-efi headers: build with tools/efialloc/build.
 */
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef u64 status_t;
#define EFIAPI __attribute__((ms_abi))

typedef struct { u32 a; u16 b, c; unsigned char d[8]; } guid_t;

typedef struct {
	u64 signature; u32 revision, header_size, crc32, reserved;
} table_header_t;

typedef struct simple_text_out {
	void *reset;
	status_t (EFIAPI *output_string)(struct simple_text_out *, const u16 *);
} simple_text_out_t;

typedef struct {
	table_header_t hdr;
	void *raise_tpl, *restore_tpl;
	status_t (EFIAPI *allocate_pages)(u32 type, u32 memory_type, u64 pages, u64 *memory);
	void *free_pages, *get_memory_map, *allocate_pool, *free_pool;
	void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface, *uninstall_protocol_interface;
	status_t (EFIAPI *handle_protocol)(void *handle, const guid_t *guid, void **iface);
} boot_services_t;

typedef struct { guid_t guid; void *table; } config_table_t;

typedef struct {
	table_header_t hdr;
	u16 *fw_vendor; u32 fw_revision;
	void *con_in_handle, *con_in, *con_out_handle;
	simple_text_out_t *con_out;
	void *stderr_handle, *std_err, *runtime;
	boot_services_t *boot;
	u64 nr_tables;
	config_table_t *tables;
} system_table_t;

typedef struct {
	u32 revision; void *parent, *system_table, *device_handle, *file_path, *reserved;
	u32 load_options_size; u16 *load_options;
} loaded_image_t;

/* PI DXE services table: header, then AddMemorySpace ... SetMemorySpaceCapabilities (PI 1.6) */
typedef struct {
	table_header_t hdr;
	void *add_memory_space, *allocate_memory_space, *free_memory_space, *remove_memory_space;
	void *get_memory_space_descriptor, *set_memory_space_attributes, *get_memory_space_map;
	void *add_io_space, *allocate_io_space, *free_io_space, *remove_io_space;
	void *get_io_space_descriptor, *get_io_space_map;
	void *dispatch, *schedule, *trust, *process_firmware_volume;
	status_t (EFIAPI *set_memory_space_capabilities)(u64 base, u64 length, u64 caps);
} dxe_services_t;

typedef struct {
	u64 base, length, capabilities, attributes;
	u32 gcd_memory_type; void *image_handle, *device_handle;
} gcd_descriptor_t;
typedef status_t (EFIAPI *get_desc_t)(u64 base, gcd_descriptor_t *d);
typedef status_t (EFIAPI *set_attr_t)(u64 base, u64 length, u64 attributes);

static const guid_t loaded_image_guid = {0x5b1b31a1, 0x9562, 0x11d2,
	{0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}};
static const guid_t dxe_services_guid = {0x05ad34ba, 0x6f02, 0x4214,
	{0x95, 0x2e, 0x4d, 0xa0, 0x39, 0x8e, 0x2b, 0xb9}};

static simple_text_out_t *out;

static void puts16(const char *s)
{
	u16 buf[128];
	int i = 0;
	while (*s && i < 126) {
		if (*s == '\n')
			buf[i++] = '\r';
		buf[i++] = (unsigned char)*s++;
	}
	buf[i] = 0;
	out->output_string(out, buf);
}

static void puthex(u64 v)
{
	char b[19];
	int i;
	b[0] = '0'; b[1] = 'x';
	for (i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	b[18] = 0;
	puts16(b);
}

static int guid_eq(const guid_t *x, const guid_t *y)
{
	const unsigned char *p = (const unsigned char *)x, *q = (const unsigned char *)y;
	int i;
	for (i = 0; i < 16; i++)
		if (p[i] != q[i])
			return 0;
	return 1;
}

/* hex number at *p (optional 0x), advancing past it */
static int hex(const u16 **p, u64 *v)
{
	const u16 *s = *p;
	int n = 0;
	*v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++, n++) {
		u16 c = *s;
		if (c >= '0' && c <= '9') *v = *v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f') *v = *v * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') *v = *v * 16 + (c - 'A' + 10);
		else break;
	}
	*p = s;
	return n > 0;
}

status_t EFIAPI efi_main(void *image, system_table_t *st)
{
	loaded_image_t *li = 0;
	dxe_services_t *dxe = 0;
	const u16 *p, *end;
	u64 i;
	int failed = 0;

	out = st->con_out;
	for (i = 0; i < st->nr_tables; i++)
		if (guid_eq(&st->tables[i].guid, &dxe_services_guid))
			dxe = st->tables[i].table;
	if (st->boot->handle_protocol(image, &loaded_image_guid, (void **)&li) || !li) {
		puts16("efialloc: no loaded image protocol\n");
		return 1;
	}
	p = li->load_options;
	end = p + li->load_options_size / 2;
	/* the shell passes the whole command line: skip the program name */
	while (p < end && *p && *p != ' ')
		p++;
	while (p < end && *p) {
		u64 type, addr, pages, caps = 0, got;
		status_t s;
		while (p < end && *p == ' ')
			p++;
		if (p >= end || !*p)
			break;
		if (!hex(&p, &type) || *p++ != ':' || !hex(&p, &addr) || *p++ != ':' || !hex(&p, &pages)) {
			puts16("efialloc: usage: efialloc.efi TYPE:ADDRESS:PAGES[:+CAPS] ...\n");
			return 2;
		}
		if (*p == ':' && p[1] == '+') {
			p += 2;
			hex(&p, &caps);
		}
		got = addr;
		s = st->boot->allocate_pages(2 /* AllocateAddress */, (u32)type, pages, &got);
		puts16("efialloc: type ");
		puthex(type);
		puts16(" at ");
		puthex(addr);
		puts16(" pages ");
		puthex(pages);
		puts16(s ? " FAILED " : " ok");
		if (s) {
			puthex(s);
			failed = 1;
		}
		if (caps && !s) {
			gcd_descriptor_t d;
			status_t c = 1;
			if (dxe) {
				((get_desc_t)dxe->get_memory_space_descriptor)(addr, &d);
				c = dxe->set_memory_space_capabilities(addr, pages << 12, d.capabilities | caps);
			}
			puts16(" caps ");
			puthex(caps);
			puts16(c ? " FAILED " : " ok");
			if (c) {
				puthex(c);
				failed = 1;
			}
		}
		puts16("\n");
	}
	return failed;
}
