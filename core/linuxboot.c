/* core/linuxboot.c: direct boot of a Linux bzImage through the x86 boot
 * protocol's 32-bit entry (Documentation/arch/x86/boot.rst), the common
 * boot-image code, and the machine glue for --kernel/--initrd/--append.
 *
 * Everything in the image is untrusted: every size and address from the
 * setup header is checked against the file and the RAM before use.
 */
#include "core/linuxboot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/backend.h"
#include "core/machine.h"
#include "devices/piix.h"
#include "core/util.h"
#include "cpu/cpu.h"
#include "mmu/mem.h"

/* Setup header offsets (in the file and in boot_params alike). */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_SYSSIZE 0x1f4
#define HDR_VID_MODE 0x1fa
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_END_MAX 0x290 /* where boot_params' _pad7 ends */

/* boot_params fields outside the setup header. */
#define BP_EXT_MEM_K 0x002
#define BP_VIDEO_MODE 0x006
#define BP_VIDEO_COLS 0x007
#define BP_VIDEO_LINES 0x00e
#define BP_VIDEO_ISVGA 0x00f
#define BP_VIDEO_POINTS 0x010
#define BP_ACPI_RSDP 0x070
#define BP_ALT_MEM_K 0x1e0
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0
#define BP_SIZE 0x1000

#define LOADED_HIGH 0x01
#define LOADER_UNDEFINED 0xff
#define VIDEO_TYPE_VGAC 0x22
#define MAX_KERNEL_FILE (512u << 20)

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Copies data (len bytes, then zeros up to size). The callers have already
 * checked that the range lies in RAM. */
static uint8_t *boot_add_blob(struct boot_image *img, uint32_t addr,
			      const void *data, size_t len, size_t size)
{
	struct boot_blob *b = &img->blob[img->nblob++];

	b->addr = addr;
	b->len = (uint32_t)size;
	b->data = xcalloc(1, size ? size : 1);
	if (len)
		memcpy(b->data, data, len);
	return b->data;
}

void boot_image_free(struct boot_image *img)
{
	for (unsigned i = 0; i < img->nblob; i++)
		free(img->blob[i].data);
	for (size_t i = 0; i < img->syms.n; i++)
		free(img->syms.v[i].name);
	free(img->syms.v);
	free(img->elf_path);
	memset(img, 0, sizeof(*img));
}

static void e820_add(struct e820_entry *e, unsigned *n, unsigned max,
		     uint64_t addr, uint64_t size, uint32_t type)
{
	if (size && *n < max)
		e[(*n)++] = (struct e820_entry){ addr, size, type };
}

/* What SeaBIOS reports: conventional memory up to the EBDA, the EBDA and
 * the BIOS's 64 KiB below 1 MiB reserved, extended memory (less the ACPI
 * tables), the BIOS ROM below 4 GiB reserved. */
unsigned boot_e820_build(const struct boot_machine_info *mi,
			 struct e820_entry *e, unsigned max)
{
	uint64_t ram = mi->ram_size, a0 = mi->acpi_base;
	uint64_t a1 = a0 + mi->acpi_size;
	unsigned n = 0;

	e820_add(e, &n, max, 0, ram < 0x9fc00 ? ram : 0x9fc00, E820_TYPE_RAM);
	if (ram > 0x9fc00)
		e820_add(e, &n, max, 0x9fc00, 0x400, E820_TYPE_RESERVED);
	if (mi->acpi_size && a1 <= 0xf0000)
		e820_add(e, &n, max, a0, a1 - a0, E820_TYPE_ACPI);
	e820_add(e, &n, max, 0xf0000, 0x10000, E820_TYPE_RESERVED);
	if (ram > 0x100000) {
		if (mi->acpi_size && a0 >= 0x100000 && a1 <= ram) {
			e820_add(e, &n, max, 0x100000, a0 - 0x100000,
				 E820_TYPE_RAM);
			e820_add(e, &n, max, a0, a1 - a0, E820_TYPE_ACPI);
			e820_add(e, &n, max, a1, ram - a1, E820_TYPE_RAM);
		} else {
			e820_add(e, &n, max, 0x100000, ram - 0x100000,
				 E820_TYPE_RAM);
		}
	}
	if (mi->bios_size)
		e820_add(e, &n, max, (1ull << 32) - mi->bios_size,
			 mi->bios_size, E820_TYPE_RESERVED);
	return n;
}

/* The GDT both entries use: null, null, __BOOT_CS, __BOOT_DS (4 GiB flat). */
void boot_add_gdt(struct boot_image *img)
{
	uint8_t gdt[32] = { 0 };

	put_le(gdt + BOOT_CS, 0x00cf9b000000ffffull, 8);
	put_le(gdt + BOOT_DS, 0x00cf93000000ffffull, 8);
	boot_add_blob(img, BOOT_GDT_ADDR, gdt, sizeof(gdt), sizeof(gdt));
}

void boot_entry_state(const struct boot_image *img, struct cpu_state *s)
{
	const struct cpu_segment code = { 0, 0xffffffffu, BOOT_CS, 0x0c9b };
	const struct cpu_segment data = { 0, 0xffffffffu, BOOT_DS, 0x0c93 };

	memset(s->gpr, 0, sizeof(s->gpr));
	s->gpr[REG_AX] = img->eax;
	s->gpr[REG_BX] = img->ebx;
	s->gpr[REG_SI] = img->esi;
	s->rip = img->eip;
	s->rflags = 0x2;
	/* Caches on: CD/NW would only slow a KVM guest down. */
	s->cr0 = (s->cr0 & ~(uint64_t)(CR0_PG | CR0_CD | CR0_NW)) | CR0_PE |
		 CR0_ET;
	for (int i = 0; i < CPU_NSEG; i++)
		s->seg[i] = i == SEG_CS ? code : data;
	s->gdtr = (struct cpu_dtable){ BOOT_GDT_ADDR, 31 };
	s->ldtr = (struct cpu_segment){ 0, 0xffff, 0, 0x82 };
	s->tr = (struct cpu_segment){ 0, 0xffff, 0, 0x8b };
	memset(&s->events, 0, sizeof(s->events));
}

static int boot_fail(struct boot_image *img, char *err, size_t errlen,
		     const char *name, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int boot_fail(struct boot_image *img, char *err, size_t errlen,
		     const char *name, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s: ", name ? name : "kernel");

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	boot_image_free(img);
	return -1;
}

/* The initrd goes as high as it may: below initrd_addr_max, the top of RAM
 * (less the ACPI tables), page-aligned, above kernel_end. */
static int linuxboot_place_initrd(struct boot_image *img,
				  const struct boot_files *f,
				  const struct boot_machine_info *mi,
				  uint64_t initrd_max, uint64_t kernel_end,
				  char *err, size_t errlen)
{
	uint64_t top = boot_ram_top(mi);

	if (initrd_max + 1 < top)
		top = initrd_max + 1;
	if (f->initrd_len > top || ((top - f->initrd_len) & ~0xfffull) < kernel_end)
		return boot_fail(img, err, errlen, f->initrd_name,
				 "%zu bytes do not fit between the kernel (ends at %llu MiB) and %llu MiB (RAM top / initrd_addr_max)",
				 f->initrd_len,
				 (unsigned long long)(kernel_end >> 20),
				 (unsigned long long)(top >> 20));
	img->initrd_addr = (uint32_t)((top - f->initrd_len) & ~0xfffull);
	img->initrd_len = (uint32_t)f->initrd_len;
	boot_add_blob(img, img->initrd_addr, f->initrd, f->initrd_len,
		      f->initrd_len);
	return 0;
}

int linuxboot_load(struct boot_image *img, const struct boot_files *f,
		   const struct boot_machine_info *mi, char *err, size_t errlen)
{
	const uint8_t *k = f->kernel;
	size_t len = f->kernel_len;
	const char *name = f->kernel_name;
	const char *cmdline = f->cmdline ? f->cmdline : "";

	memset(img, 0, sizeof(*img));
	img->kind = "linux";
	if (len < HDR_END_MAX)
		return boot_fail(img, err, errlen, name,
				 "%zu bytes is too short for a Linux bzImage", len);
	if (memcmp(k + HDR_MAGIC, "HdrS", 4))
		return boot_fail(img, err, errlen, name,
				 "no \"HdrS\" setup header: not a bzImage, or boot protocol older than 2.00");
	uint32_t version = le16(k + HDR_VERSION);
	if (version < 0x206)
		return boot_fail(img, err, errlen, name,
				 "boot protocol %u.%02u is too old (need 2.06 or later)",
				 version >> 8, version & 0xff);
	if (!(k[HDR_LOADFLAGS] & LOADED_HIGH))
		return boot_fail(img, err, errlen, name,
				 "a zImage (loads below 1 MiB); only bzImages are supported");

	size_t setup_len = (size_t)((k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4) + 1) * 512;
	if (setup_len >= len)
		return boot_fail(img, err, errlen, name,
				 "truncated: the %zu-byte setup leaves no kernel", setup_len);
	size_t pm_len = len - setup_len;
	uint64_t sys_len = (uint64_t)le32(k + HDR_SYSSIZE) * 16;
	if (sys_len > pm_len)
		return boot_fail(img, err, errlen, name,
				 "truncated: the header promises %llu bytes of kernel, the file has %zu",
				 (unsigned long long)sys_len, pm_len);

	/* Where the kernel will run and how much it needs there (2.10+);
	 * a relocatable kernel rounds its load address up to the alignment
	 * and never goes below its preferred address. */
	uint64_t align = le32(k + HDR_KERNEL_ALIGNMENT);
	uint64_t init_size = version >= 0x20a ? le32(k + HDR_INIT_SIZE) : 0;
	uint64_t run = version >= 0x20a ? le64(k + HDR_PREF_ADDRESS) : 0;
	if (run < BOOT_KERNEL_ADDR)
		run = BOOT_KERNEL_ADDR;
	if (k[HDR_RELOCATABLE]) {
		if (!align || (align & (align - 1)) || align > (1u << 30))
			return boot_fail(img, err, errlen, name,
					 "kernel_alignment %#llx is not a power of two up to 1 GiB",
					 (unsigned long long)align);
		uint64_t up = (BOOT_KERNEL_ADDR + align - 1) & ~(align - 1);
		if (up > run)
			run = up;
	}
	if (run > (1ull << 32))
		return boot_fail(img, err, errlen, name,
				 "pref_address %#llx is above 4 GiB",
				 (unsigned long long)run);
	uint64_t kernel_end = BOOT_KERNEL_ADDR + (uint64_t)pm_len;
	uint64_t run_end = run + (init_size > pm_len ? init_size : pm_len);
	if (run_end > kernel_end)
		kernel_end = run_end;
	if (kernel_end > boot_ram_top(mi))
		return boot_fail(img, err, errlen, name,
				 "needs %llu MiB of RAM, the machine has %llu MiB",
				 (unsigned long long)((kernel_end + 0xfffff) >> 20),
				 (unsigned long long)(boot_ram_top(mi) >> 20));

	size_t cmd_len = strlen(cmdline);
	uint64_t cmd_max = le32(k + HDR_CMDLINE_SIZE);
	if (cmd_max > BOOT_CMDLINE_MAX - 1)
		cmd_max = BOOT_CMDLINE_MAX - 1;
	if (cmd_len > cmd_max)
		return boot_fail(img, err, errlen, "--append",
				 "%zu bytes, the kernel takes at most %llu",
				 cmd_len, (unsigned long long)cmd_max);

	boot_add_gdt(img);
	if (f->initrd &&
	    linuxboot_place_initrd(img, f, mi, le32(k + HDR_INITRD_ADDR_MAX),
				   kernel_end, err, errlen))
		return -1;

	uint8_t *bp = boot_add_blob(img, BOOT_PARAMS_ADDR, NULL, 0, BP_SIZE);
	/* The setup header as the image has it, then the loader's fields. */
	size_t hdr_end = HDR_JUMP + 2 + k[HDR_JUMP + 1];
	if (hdr_end > HDR_END_MAX)
		hdr_end = HDR_END_MAX;
	memcpy(bp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS,
	       hdr_end - HDR_SETUP_SECTS);
	put_le(bp + HDR_VID_MODE, 0xffff, 2); /* "normal" */
	bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	put_le(bp + HDR_CODE32_START, BOOT_KERNEL_ADDR, 4);
	put_le(bp + HDR_CMD_LINE_PTR, BOOT_CMDLINE_ADDR, 4);
	put_le(bp + HDR_RAMDISK_IMAGE, img->initrd_addr, 4);
	put_le(bp + HDR_RAMDISK_SIZE, img->initrd_len, 4);

	/* 80x25 colour text, as the BIOS would leave it. */
	bp[BP_VIDEO_MODE] = 3;
	bp[BP_VIDEO_COLS] = 80;
	bp[BP_VIDEO_LINES] = 25;
	bp[BP_VIDEO_ISVGA] = VIDEO_TYPE_VGAC;
	put_le(bp + BP_VIDEO_POINTS, 16, 2);
	uint64_t ext_k = mi->ram_size > 0x100000 ? (mi->ram_size - 0x100000) >> 10 : 0;
	put_le(bp + BP_EXT_MEM_K, ext_k > 0xffff ? 0xffff : ext_k, 2);
	put_le(bp + BP_ALT_MEM_K, ext_k, 4);
	put_le(bp + BP_ACPI_RSDP, mi->acpi_rsdp, 8);

	img->ne820 = boot_e820_build(mi, img->e820, BOOT_MAX_E820);
	bp[BP_E820_ENTRIES] = (uint8_t)img->ne820;
	for (unsigned i = 0; i < img->ne820; i++) {
		uint8_t *e = bp + BP_E820_TABLE + 20 * i;
		put_le(e, img->e820[i].addr, 8);
		put_le(e + 8, img->e820[i].size, 8);
		put_le(e + 16, img->e820[i].type, 4);
	}

	boot_add_blob(img, BOOT_CMDLINE_ADDR, cmdline, cmd_len, cmd_len + 1);
	boot_add_blob(img, BOOT_KERNEL_ADDR, k + setup_len, pm_len, pm_len);
	img->eip = BOOT_KERNEL_ADDR;
	img->esi = BOOT_PARAMS_ADDR;
	return 0;
}

int boot_load(struct boot_image *img, const struct boot_files *f,
	      const struct boot_machine_info *mi, char *err, size_t errlen)
{
	const uint8_t *k = f->kernel;
	size_t len = f->kernel_len;
	bool hdrs = len >= HDR_MAGIC + 4 && !memcmp(k + HDR_MAGIC, "HdrS", 4);
	bool elf = len >= 4 && !memcmp(k, "\177ELF", 4);
	bool bootsect = len >= HDR_BOOT_FLAG + 2 &&
			le16(k + HDR_BOOT_FLAG) == 0xaa55;

	/* A boot sector without a multiboot header is a (bad) bzImage: let
	 * its loader say what is wrong with it. */
	if (hdrs || (bootsect && !elf && multiboot_find(k, len) < 0))
		return linuxboot_load(img, f, mi, err, errlen);
	return multiboot_load(img, f, mi, err, errlen);
}

/* --- the machine's side ------------------------------------------------- */

static uint8_t *boot_read_file(const char *path, size_t max, size_t *len,
			       char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			if (cap > max)
				break;
			cap = cap ? 2 * cap : 1 << 16;
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (!got)
			break;
	}
	bool failed = ferror(fp);
	fclose(fp);
	if (failed || n > max || !n) {
		snprintf(err, errlen, "%s: %s", path,
			 failed ? "read error" : n ? "too large" : "empty file");
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int boot_setup(struct machine *m, char *err, size_t errlen)
{
	const struct machine_config *c = &m->cfg;
	struct boot_files f = { .cmdline = c->append, .kernel_name = c->kernel,
				.initrd_name = c->initrd };
	struct boot_machine_info mi = {
		.ram_size = m->mem->ram_size,
		.acpi_rsdp = m->acpi_rsdp,
		.acpi_base = m->acpi_base,
		.acpi_size = m->acpi_size,
	};
	uint8_t *kernel = NULL, *initrd = NULL;

	if (!c->kernel) {
		if (!c->initrd && !c->append)
			return 0;
		snprintf(err, errlen, "%s needs --kernel",
			 c->initrd ? "--initrd" : "--append");
		return -1;
	}
	if (c->cpu->id < CPU_386) {
		snprintf(err, errlen,
			 "--kernel: direct boot needs a 32-bit CPU (--cpu 386 or later)");
		return -1;
	}
	for (unsigned i = 0; i < m->mem->nregion; i++)
		if (!strcmp(m->mem->region[i].name, "bios"))
			mi.bios_size = (uint32_t)m->mem->region[i].size;
	kernel = boot_read_file(c->kernel, MAX_KERNEL_FILE, &f.kernel_len, err,
				errlen);
	if (!kernel)
		return -1;
	if (c->initrd) {
		initrd = boot_read_file(c->initrd, (size_t)mi.ram_size,
					&f.initrd_len, err, errlen);
		if (!initrd) {
			free(kernel);
			return -1;
		}
	}
	f.kernel = kernel;
	f.initrd = initrd;
	m->boot = xcalloc(1, sizeof(*m->boot));
	int rc = boot_load(m->boot, &f, &mi, err, errlen);
	/* Resolved now, before anything could change the working directory
	 * under a relative --kernel (a replay's is the trace's). NULL if it
	 * cannot be resolved: the gdb stub then offers no exec-file. */
	if (!rc && f.kernel_len >= 4 && !memcmp(kernel, "\177ELF", 4))
		m->boot->elf_path = realpath(c->kernel, NULL);
	free(kernel);
	free(initrd);
	if (rc) {
		free(m->boot);
		m->boot = NULL;
		return -1;
	}
	log_info(&m->log, CORE, "direct boot: %s kernel, entry %#x",
		 m->boot->kind, m->boot->eip);
	return 0;
}

void boot_apply(struct machine *m)
{
	struct boot_image *img = m->boot;
	struct cpu_state s;

	if (!img)
		return;
	for (unsigned i = 0; i < img->nblob; i++)
		mem_load(m->mem, img->blob[i].addr, img->blob[i].data,
			 img->blob[i].len);
	/* No firmware ran: do the part of its PCI setup a kernel relies on. */
	if (m->piix_ide)
		piix_ide_firmware_setup(m->piix_ide);
	m->backend->get_state(m->backend_priv, &s);
	boot_entry_state(img, &s);
	m->backend->set_state(m->backend_priv, &s);
}

void boot_release(struct machine *m)
{
	if (m->boot) {
		boot_image_free(m->boot);
		free(m->boot);
		m->boot = NULL;
	}
}
