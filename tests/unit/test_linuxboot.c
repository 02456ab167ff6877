/* Direct boot: a synthetic bzImage through the Linux boot protocol, the
 * multiboot loader (ELF and a.out kludge), ELF symbols, the refusals, the
 * machine glue, and mutated images that must never crash the loader. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel/backend.h"
#include "core/linuxboot.h"
#include "core/machine.h"
#include "cpu/cpu.h"
#include "mmu/mem.h"

#define MiB (1u << 20)
#define SETUP_SECTS 4
#define SETUP_LEN ((SETUP_SECTS + 1) * 512)
#define PAYLOAD 8192

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Protocol 2.15 with QEMU-like values; the payload is a byte pattern. */
static uint8_t *make_bzimage(size_t *len)
{
	uint8_t *k = calloc(1, SETUP_LEN + PAYLOAD);

	*len = SETUP_LEN + PAYLOAD;
	k[0x1f1] = SETUP_SECTS;
	put32(k + 0x1f4, PAYLOAD / 16);
	put16(k + 0x1fe, 0xaa55);
	k[0x200] = 0xeb;
	k[0x201] = 0x6a;
	memcpy(k + 0x202, "HdrS", 4);
	put16(k + 0x206, 0x20f);
	k[0x211] = 0x01;
	put32(k + 0x214, 0x100000);
	put32(k + 0x22c, 0x37ffffff);
	put32(k + 0x230, 0x1000000);
	k[0x234] = 1;
	put32(k + 0x238, 255);
	put32(k + 0x258, 0x1000000);
	put32(k + 0x260, 0x400000);
	for (unsigned i = 0; i < PAYLOAD; i++)
		k[SETUP_LEN + i] = (uint8_t)(i * 7 + 1);
	return k;
}

static const struct boot_machine_info mi64 = { .ram_size = 64 * MiB,
					       .bios_size = 0x40000 };

static const struct boot_blob *blob_at(const struct boot_image *img,
				       uint32_t addr)
{
	for (unsigned i = 0; i < img->nblob; i++)
		if (img->blob[i].addr == addr)
			return &img->blob[i];
	cr_assert_fail("no blob at %#x", addr);
	return NULL;
}

static void assert_one_line(const char *err, const char *want)
{
	cr_assert(strstr(err, want), "'%s' lacks '%s'", err, want);
	cr_assert_null(strchr(err, '\n'), "'%s' is not one line", err);
}

Test(linuxboot, boot_params_fields)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	uint8_t rd[10000];
	struct boot_files f = { k, len, rd, sizeof(rd), "console=ttyS0 quiet",
				"bz", "rd" };
	struct boot_machine_info mi = mi64;
	struct boot_image img;
	char err[200];

	mi.acpi_rsdp = 0xf5a40;
	memset(rd, 0x5a, sizeof(rd));
	cr_assert_eq(boot_load(&img, &f, &mi, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(img.kind, "linux");
	const uint8_t *bp = blob_at(&img, BOOT_PARAMS_ADDR)->data;
	cr_assert_eq(bp[0x210], 0xff);                  /* type_of_loader */
	cr_assert_eq(bp[0x1f1], SETUP_SECTS);           /* header copied */
	cr_assert_eq(bp[0x206] | bp[0x207] << 8, 0x20f);
	cr_assert_eq(bp[0x1fa] | bp[0x1fb] << 8, 0xffff); /* vid_mode */
	cr_assert_eq(get32(bp + 0x228), BOOT_CMDLINE_ADDR);
	cr_assert_str_eq((const char *)blob_at(&img, BOOT_CMDLINE_ADDR)->data,
			 "console=ttyS0 quiet");
	cr_assert_eq(get32(bp + 0x218), img.initrd_addr);
	cr_assert_eq(get32(bp + 0x21c), sizeof(rd));
	cr_assert_eq(get32(bp + 0xc0), 0);              /* ext_ramdisk_image */
	cr_assert_eq(get64(bp + 0x70), 0xf5a40);        /* acpi_rsdp_addr */
	cr_assert_eq(bp[0x007], 80);
	cr_assert_eq(bp[0x00e], 25);
	cr_assert_eq(get32(bp + 0x1e0), 63 * 1024);     /* alt_mem_k */
	cr_assert_eq(memcmp(blob_at(&img, img.initrd_addr)->data, rd,
			    sizeof(rd)), 0);
	const struct boot_blob *kb = blob_at(&img, 0x100000);
	cr_assert_eq(kb->len, PAYLOAD);
	cr_assert_eq(memcmp(kb->data, k + SETUP_LEN, PAYLOAD), 0);

	/* e820: RAM entries cover all RAM but the EBDA KiB and the 384 KiB
	 * hole; the BIOS ROM is reserved below 4 GiB. */
	unsigned n = bp[0x1e8];
	uint64_t ram = 0;
	bool bios = false;
	cr_assert_eq(n, img.ne820);
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *e = bp + 0x2d0 + 20 * i;
		if (get32(e + 16) == E820_TYPE_RAM)
			ram += get64(e + 8);
		if (get64(e) == 0xfffc0000 && get64(e + 8) == 0x40000 &&
		    get32(e + 16) == E820_TYPE_RESERVED)
			bios = true;
	}
	cr_assert_eq(ram, 64 * MiB - 0x60000 - 0x400);
	cr_assert(bios);
	boot_image_free(&img);
	free(k);
}

Test(linuxboot, acpi_tables_are_an_e820_hole)
{
	struct boot_machine_info mi = mi64;
	struct e820_entry e[BOOT_MAX_E820];
	uint64_t ram = 0, acpi = 0;

	mi.acpi_base = 63 * MiB;
	mi.acpi_size = 0x10000;
	unsigned n = boot_e820_build(&mi, e, BOOT_MAX_E820);
	for (unsigned i = 0; i < n; i++) {
		if (e[i].type == E820_TYPE_RAM)
			ram += e[i].size;
		if (e[i].type == E820_TYPE_ACPI) {
			cr_assert_eq(e[i].addr, 63 * MiB);
			acpi += e[i].size;
		}
		if (i)
			cr_assert_geq(e[i].addr, e[i - 1].addr + e[i - 1].size);
	}
	cr_assert_eq(acpi, 0x10000);
	cr_assert_eq(ram, 64 * MiB - 0x60400 - 0x10000);

	/* The initrd stays below the tables. */
	size_t len;
	uint8_t *k = make_bzimage(&len);
	uint8_t rd[5000];
	struct boot_files f = { k, len, rd, sizeof(rd), NULL, "bz", "rd" };
	struct boot_image img;
	char err[200];
	cr_assert_eq(linuxboot_load(&img, &f, &mi, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_leq(img.initrd_addr + sizeof(rd), 63 * MiB);
	cr_assert_gt(img.initrd_addr + sizeof(rd) + 4096, 63 * MiB);
	boot_image_free(&img);
	free(k);
}

/* Highest page-aligned place below both limits. */
static void check_initrd(uint32_t initrd_max, uint64_t ram, uint64_t top)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	static uint8_t rd[12345];
	struct boot_files f = { k, len, rd, sizeof(rd), NULL, "bz", "rd" };
	struct boot_machine_info mi = { .ram_size = ram };
	struct boot_image img;
	char err[200];

	put32(k + 0x22c, initrd_max);
	cr_assert_eq(linuxboot_load(&img, &f, &mi, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(img.initrd_addr % 4096, 0);
	cr_assert_leq(img.initrd_addr + sizeof(rd), top);
	cr_assert_gt(img.initrd_addr + sizeof(rd) + 4096, top);
	cr_assert_geq(img.initrd_addr, 0x1000000 + 0x400000); /* kernel_end */
	boot_image_free(&img);
	free(k);
}

Test(linuxboot, initrd_placement)
{
	check_initrd(0x37ffffff, 64 * MiB, 64 * MiB);       /* RAM top */
	check_initrd(0x02ffffff, 64 * MiB, 48 * MiB);       /* initrd_addr_max */
	check_initrd(0xffffffff, 128 * MiB, 128 * MiB);
}

Test(linuxboot, initrd_or_kernel_too_big_for_ram)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	uint8_t *rd = calloc(1, 60 * MiB);
	struct boot_files f = { k, len, rd, 60 * MiB, NULL, "bz", "rd" };
	struct boot_machine_info mi = mi64;
	struct boot_image img;
	char err[200];

	cr_assert_eq(linuxboot_load(&img, &f, &mi, err, sizeof(err)), -1);
	assert_one_line(err, "rd: ");
	assert_one_line(err, "do not fit");
	cr_assert_eq(img.nblob, 0);
	f.initrd = NULL;
	mi.ram_size = 16 * MiB; /* init_size needs 20 MiB */
	cr_assert_eq(linuxboot_load(&img, &f, &mi, err, sizeof(err)), -1);
	assert_one_line(err, "needs 20 MiB");
	free(rd);
	free(k);
}

Test(linuxboot, refuses_old_bad_and_truncated_images)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	struct boot_files f = { k, len, NULL, 0, NULL, "bz", NULL };
	struct boot_image img;
	char err[200];

	put16(k + 0x206, 0x205);
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "boot protocol 2.05 is too old (need 2.06");
	put16(k + 0x206, 0x20f);

	memcpy(k + 0x202, "HdrX", 4);
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "no \"HdrS\" setup header");
	memcpy(k + 0x202, "HdrS", 4);

	f.kernel_len = SETUP_LEN + 100; /* syssize says 8192 */
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "truncated");
	f.kernel_len = SETUP_LEN;
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "truncated");
	f.kernel_len = 100;
	cr_assert_eq(linuxboot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "too short");
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "not a Linux bzImage, multiboot or ELF kernel");
	f.kernel_len = len;

	k[0x211] = 0; /* zImage */
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "zImage");
	k[0x211] = 1;

	put32(k + 0x230, 0x1000001);
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "kernel_alignment");
	put32(k + 0x230, 0x1000000);

	char cmd[300];
	memset(cmd, 'x', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = 0;
	f.cmdline = cmd; /* cmdline_size is 255 */
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "--append: 299 bytes, the kernel takes at most 255");
	cr_assert_eq(img.nblob, 0);
	free(k);
}

Test(linuxboot, entry_state)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	struct boot_files f = { k, len, NULL, 0, NULL, "bz", NULL };
	struct boot_image img;
	struct cpu_state s;
	char err[200];

	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), 0, "%s", err);
	memset(&s, 0x55, sizeof(s));
	s.cr0 = 0x60000010; /* reset value: CD, NW, ET */
	boot_entry_state(&img, &s);
	cr_assert_eq(s.cr0, CR0_PE | CR0_ET);
	cr_assert_eq(s.rip, 0x100000);
	cr_assert_eq(s.gpr[REG_SI], BOOT_PARAMS_ADDR);
	cr_assert_eq(s.gpr[REG_BP] | s.gpr[REG_DI] | s.gpr[REG_BX], 0);
	cr_assert_eq(s.rflags & FLAG_IF, 0);
	cr_assert_eq(s.seg[SEG_CS].sel, BOOT_CS);
	cr_assert_eq(s.seg[SEG_CS].base, 0);
	cr_assert_eq(s.seg[SEG_CS].limit, 0xffffffffu);
	cr_assert_eq(s.seg[SEG_CS].attr, 0x0c9b); /* G, D, P, code r/x */
	for (int i = 0; i < CPU_NSEG; i++)
		if (i != SEG_CS)
			cr_assert_eq(s.seg[i].sel, BOOT_DS);
	cr_assert_eq(s.seg[SEG_DS].attr, 0x0c93);
	cr_assert_eq(s.gdtr.base, BOOT_GDT_ADDR);
	cr_assert_eq(s.events.halted, false);
	/* The GDT in memory matches the loaded segments. */
	const uint8_t *gdt = blob_at(&img, BOOT_GDT_ADDR)->data;
	cr_assert_eq(get64(gdt + BOOT_CS), 0x00cf9b000000ffffull);
	cr_assert_eq(get64(gdt + BOOT_DS), 0x00cf93000000ffffull);
	boot_image_free(&img);
	free(k);
}

/* Through the machine: files, RAM contents, the CPU, and again at reset. */
Test(linuxboot, machine_direct_boot)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	char path[] = "/tmp/lucid-bzimage-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, k, len), (ssize_t)len);
	close(fd);

	struct machine_config cfg = { .accel = "interp", .mhz = 100,
				      .mem_size = 64 * MiB, .kernel = path,
				      .append = "root=/dev/ram0", .vga = "none" };
	cfg.cpu = cpu_model_find("pentium2");
	struct machine *m = calloc(1, sizeof(*m));
	char err[256];
	cr_assert_eq(machine_create(m, &cfg, err, sizeof(err)), 0, "%s", err);
	struct cpu_state s;
	m->backend->get_state(m->backend_priv, &s);
	cr_assert_eq(s.rip, 0x100000);
	cr_assert_eq(s.gpr[REG_SI], BOOT_PARAMS_ADDR);
	cr_assert(s.cr0 & CR0_PE);
	cr_assert_eq(memcmp(m->mem->ram + 0x100000, k + SETUP_LEN, PAYLOAD), 0);
	cr_assert_str_eq((char *)m->mem->ram + BOOT_CMDLINE_ADDR,
			 "root=/dev/ram0");
	memset(m->mem->ram + 0x100000, 0, 64);
	machine_reset(m);
	cr_assert_eq(memcmp(m->mem->ram + 0x100000, k + SETUP_LEN, PAYLOAD), 0);
	machine_destroy(m);

	cfg.cpu = cpu_model_find("286");
	cr_assert_eq(machine_create(m, &cfg, err, sizeof(err)), -1);
	assert_one_line(err, "32-bit CPU");
	cfg.cpu = cpu_model_find("386");
	cfg.kernel = "/nonexistent/bzImage";
	cr_assert_eq(machine_create(m, &cfg, err, sizeof(err)), -1);
	assert_one_line(err, "/nonexistent/bzImage: ");
	cfg.kernel = NULL;
	cr_assert_eq(machine_create(m, &cfg, err, sizeof(err)), -1);
	assert_one_line(err, "--append needs --kernel");
	free(m);
	unlink(path);
	free(k);
}

/* --- multiboot ------------------------------------------------------------ */

#define MB_MAGIC 0x1badb002u

struct elf_opts {
	uint32_t paddr, vaddr, memsz, entry, mb_flags;
	bool symbols;
};

/* An ELF32 executable: one PT_LOAD (a multiboot header, then code bytes)
 * and, optionally, .symtab/.strtab with two symbols. */
static uint8_t *make_elf(const struct elf_opts *o, size_t *len)
{
	uint8_t *e = calloc(1, 0x400);
	static const char strtab[] = "\0start\0data_obj\0";
	static const char shstr[] = "\0.symtab\0.strtab\0.shstrtab\0";

	memcpy(e, "\177ELF", 4);
	e[4] = 1; /* ELFCLASS32 */
	e[5] = 1; /* little-endian */
	e[6] = 1;
	put16(e + 16, 2);    /* ET_EXEC */
	put16(e + 18, 3);    /* EM_386 */
	put32(e + 20, 1);
	put32(e + 24, o->entry);
	put32(e + 28, 52);   /* e_phoff */
	put16(e + 40, 52);   /* e_ehsize */
	put16(e + 42, 32);
	put16(e + 44, 1);
	put16(e + 46, 40);
	uint8_t *ph = e + 52;
	put32(ph, 1);        /* PT_LOAD */
	put32(ph + 4, 0x100);
	put32(ph + 8, o->vaddr);
	put32(ph + 12, o->paddr);
	put32(ph + 16, 0x40);
	put32(ph + 20, o->memsz);
	put32(ph + 24, 7);
	uint8_t *seg = e + 0x100;
	put32(seg, MB_MAGIC);
	put32(seg + 4, o->mb_flags);
	put32(seg + 8, -(MB_MAGIC + o->mb_flags));
	for (int i = 12; i < 0x40; i++)
		seg[i] = (uint8_t)(0x90 + i);
	*len = 0x140;
	if (!o->symbols)
		return e;

	/* .symtab at 0x140 (3 entries), .strtab at 0x170, .shstrtab at
	 * 0x190, section headers at 0x1c0. */
	uint8_t *sym = e + 0x140;
	put32(sym + 16, 1);                 /* start */
	put32(sym + 20, o->vaddr + 0x10);
	put32(sym + 24, 0x10);
	sym[16 + 12] = 0x12;                /* GLOBAL FUNC */
	put16(sym + 16 + 14, 1);
	put32(sym + 32, 7);                 /* data_obj */
	put32(sym + 36, o->vaddr + 0x100);
	put32(sym + 40, 4);
	sym[32 + 12] = 0x11;                /* GLOBAL OBJECT */
	put16(sym + 32 + 14, 1);
	memcpy(e + 0x170, strtab, sizeof(strtab));
	memcpy(e + 0x190, shstr, sizeof(shstr));
	uint8_t *sh = e + 0x1c0;
	/* [1] .symtab */
	put32(sh + 40, 1);
	put32(sh + 44, 2);
	put32(sh + 56, 0x140);
	put32(sh + 60, 48);
	put32(sh + 64, 2);                  /* sh_link: .strtab */
	put32(sh + 68, 1);
	put32(sh + 72, 4);
	put32(sh + 76, 16);
	/* [2] .strtab */
	put32(sh + 80, 9);
	put32(sh + 84, 3);
	put32(sh + 96, 0x170);
	put32(sh + 100, sizeof(strtab));
	/* [3] .shstrtab */
	put32(sh + 120, 17);
	put32(sh + 124, 3);
	put32(sh + 136, 0x190);
	put32(sh + 140, sizeof(shstr));
	put32(e + 32, 0x1c0); /* e_shoff */
	put16(e + 48, 4);     /* e_shnum */
	put16(e + 50, 3);     /* e_shstrndx */
	*len = 0x1c0 + 4 * 40;
	return e;
}

static const struct elf_opts elf_default = {
	.paddr = 0x200000, .vaddr = 0xc0200000, .memsz = 0x1000,
	.entry = 0xc0200010, .mb_flags = 0x2, .symbols = true,
};

Test(multiboot, elf_segments_info_and_module)
{
	size_t len;
	uint8_t *e = make_elf(&elf_default, &len);
	uint8_t rd[3000];
	struct boot_files f = { e, len, rd, sizeof(rd), "a=1", "k.elf", "rd.img" };
	struct boot_image img;
	char err[200];

	memset(rd, 0xa5, sizeof(rd));
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(img.kind, "multiboot");
	cr_assert_eq(img.eax, 0x2badb002);
	cr_assert_eq(img.ebx, BOOT_PARAMS_ADDR);
	cr_assert_eq(img.eip, 0x200010); /* virtual entry made physical */
	const struct boot_blob *seg = blob_at(&img, 0x200000);
	cr_assert_eq(seg->len, 0x1000);
	cr_assert_eq(memcmp(seg->data, e + 0x100, 0x40), 0);
	for (unsigned i = 0x40; i < 0x1000; i++)
		cr_assert_eq(seg->data[i], 0); /* bss */

	const uint8_t *info = blob_at(&img, BOOT_PARAMS_ADDR)->data;
	cr_assert_eq(get32(info), 0x24d); /* MEM CMDLINE MODS MMAP LOADER */
	cr_assert_eq(get32(info + 4), 639);
	cr_assert_eq(get32(info + 8), 63 * 1024);
	cr_assert_str_eq((char *)blob_at(&img, get32(info + 16))->data,
			 "k.elf a=1");
	cr_assert_eq(get32(info + 20), 1);
	const uint8_t *mod = info + (get32(info + 24) - BOOT_PARAMS_ADDR);
	cr_assert_eq(get32(mod), 0x201000); /* page after the kernel */
	cr_assert_eq(get32(mod + 4), 0x201000 + sizeof(rd));
	cr_assert_str_eq((char *)info + (get32(mod + 8) - BOOT_PARAMS_ADDR),
			 "rd.img");
	cr_assert_eq(memcmp(blob_at(&img, 0x201000)->data, rd, sizeof(rd)), 0);
	/* mmap: 24-byte entries with size 20 */
	uint32_t mlen = get32(info + 44);
	const uint8_t *mm = info + (get32(info + 48) - BOOT_PARAMS_ADDR);
	cr_assert_eq(mlen, 24 * img.ne820);
	cr_assert_eq(get32(mm), 20);
	cr_assert_eq(get64(mm + 12), 0x9fc00);

	uint64_t off;
	cr_assert_eq(img.syms.n, 2);
	cr_assert_str_eq(elf_syms_lookup(&img.syms, 0xc0200014, &off), "start");
	cr_assert_eq(off, 4);
	cr_assert_null(elf_syms_lookup(&img.syms, 0xc0200020, &off));
	cr_assert_str_eq(elf_syms_lookup(&img.syms, 0xc0200100, NULL),
			 "data_obj");
	cr_assert_null(elf_syms_lookup(&img.syms, 0x1000, NULL));
	boot_image_free(&img);
	free(e);
}

Test(multiboot, aout_kludge_flat_image)
{
	uint8_t k[0x200] = { 0 };
	uint32_t flags = 0x10002;
	uint8_t *h = k + 0x40;
	struct boot_files f = { k, sizeof(k), NULL, 0, NULL, "flat", NULL };
	struct boot_image img;
	char err[200];

	put32(h, MB_MAGIC);
	put32(h + 4, flags);
	put32(h + 8, -(MB_MAGIC + flags));
	put32(h + 12, 0x100040); /* header_addr */
	put32(h + 16, 0x100000); /* load_addr */
	put32(h + 20, 0);        /* whole file */
	put32(h + 24, 0x100300); /* bss_end */
	put32(h + 28, 0x100080);
	k[0x80] = 0xf4;
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), 0, "%s", err);
	const struct boot_blob *b = blob_at(&img, 0x100000);
	cr_assert_eq(b->len, 0x300);
	cr_assert_eq(b->data[0x80], 0xf4);
	cr_assert_eq(get32(b->data + 0x40), MB_MAGIC);
	cr_assert_eq(img.eip, 0x100080);
	cr_assert_str_eq((char *)blob_at(&img, BOOT_CMDLINE_ADDR)->data, "flat");
	boot_image_free(&img);

	put32(h + 16, 0x100080); /* load_addr above header_addr */
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "load_addr");
	put32(h + 16, 0x100000);
	put32(h + 20, 0x100400); /* load_end past the file */
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "truncated");
}

Test(multiboot, refusals)
{
	struct elf_opts o = elf_default;
	struct boot_image img;
	char err[200];
	size_t len;
	uint8_t *e;

	o.paddr = 0x8000; /* below 1 MiB: our boot structures live there */
	e = make_elf(&o, &len);
	struct boot_files f = { e, len, NULL, 0, NULL, "k", NULL };
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "not in RAM above 1 MiB");
	free(e);

	o = elf_default;
	o.paddr = 64 * MiB - 0x800; /* runs off the end of RAM */
	f.kernel = e = make_elf(&o, &len);
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "not in RAM");
	free(e);

	o = elf_default;
	o.paddr = 63 * MiB; /* over the ACPI tables */
	f.kernel = e = make_elf(&o, &len);
	struct boot_machine_info acpi = mi64;
	acpi.acpi_base = 63 * MiB;
	acpi.acpi_size = 0x10000;
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), 0, "%s", err);
	boot_image_free(&img);
	cr_assert_eq(boot_load(&img, &f, &acpi, err, sizeof(err)), -1);
	assert_one_line(err, "usable RAM ends at 0x3f00000");
	free(e);

	o = elf_default;
	o.mb_flags = 0xa; /* bit 3: unknown requirement */
	f.kernel = e = make_elf(&o, &len);
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "requires features 0x8");
	free(e);

	o = elf_default;
	f.kernel = e = make_elf(&o, &len);
	put32(e + 52 + 4, 0x1000); /* p_offset past the end */
	cr_assert_eq(boot_load(&img, &f, &mi64, err, sizeof(err)), -1);
	assert_one_line(err, "past the end of the file");
	cr_assert_eq(img.nblob, 0);
	free(e);
}

/* --- hostile images ------------------------------------------------------- */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Mutate bytes in [lo, hi) and load: success or a one-line error, and
 * every blob inside RAM. ASan/UBSan watch the rest. */
static void fuzz(const uint8_t *orig, size_t len, size_t lo, size_t hi,
		 uint64_t seed)
{
	uint8_t *k = malloc(len);
	static uint8_t rd[5000];
	struct boot_image img;
	char err[200];

	for (int iter = 0; iter < 3000; iter++) {
		memcpy(k, orig, len);
		int n = 1 + (int)(xorshift(&seed) % 8);
		for (int j = 0; j < n; j++) {
			size_t at = lo + xorshift(&seed) % (hi - lo);
			k[at] = (uint8_t)xorshift(&seed);
		}
		size_t klen = xorshift(&seed) % 16 ? len
						   : xorshift(&seed) % len + 1;
		struct boot_files f = { k, klen, iter & 1 ? rd : NULL,
					sizeof(rd), "x", "k", "rd" };
		if (boot_load(&img, &f, &mi64, err, sizeof(err))) {
			cr_assert_null(strchr(err, '\n'));
			continue;
		}
		for (unsigned i = 0; i < img.nblob; i++)
			cr_assert_leq((uint64_t)img.blob[i].addr +
					      img.blob[i].len,
				      mi64.ram_size);
		boot_image_free(&img);
	}
	free(k);
}

Test(linuxboot, mutated_images_never_crash)
{
	size_t len;
	uint8_t *k = make_bzimage(&len);
	fuzz(k, len, 0x1f0, 0x270, 1);
	free(k);
	uint8_t *e = make_elf(&elf_default, &len);
	fuzz(e, len, 0, len, 2);
	free(e);
}
