/* core/multiboot.c: multiboot v1 kernels (ELF through libelf, or flat
 * images with the a.out kludge), plain ELF kernels, and ELF symbols for
 * naming addresses in traces.
 *
 * The image is untrusted: every address and size is checked against the
 * file and the RAM. Kernels load at 1 MiB or above; below that live the
 * GDT, the multiboot info and the command line.
 */
#include "core/linuxboot.h"

#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define MB_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC 0x2badb002u
#define MB_SEARCH 8192
#define MB_PAGE_ALIGN 0x00001u
#define MB_MEMORY_INFO 0x00002u
#define MB_VIDEO_MODE 0x00004u
#define MB_AOUT_KLUDGE 0x10000u

/* multiboot_info flags. */
#define MBI_MEM 0x001u
#define MBI_CMDLINE 0x004u
#define MBI_MODS 0x008u
#define MBI_MMAP 0x040u
#define MBI_LOADER 0x200u

/* The info page's layout (at BOOT_PARAMS_ADDR). */
#define MBI_MODS_OFF 0x080
#define MBI_MMAP_OFF 0x100
#define MBI_LOADER_OFF 0x300
#define MBI_MODSTR_OFF 0x400
#define MBI_SIZE 0x1000

#define MAX_SYMS (1u << 20)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

long multiboot_find(const uint8_t *k, size_t len)
{
	size_t end = len < MB_SEARCH ? len : MB_SEARCH;

	for (size_t off = 0; off + 12 <= end; off += 4) {
		uint32_t magic = le32(k + off), flags = le32(k + off + 4);
		if (magic == MB_MAGIC && magic + flags + le32(k + off + 8) == 0)
			return (long)off;
	}
	return -1;
}

/* Loader state while an image is being built. */
struct mb_load {
	struct boot_image *img;
	const struct boot_files *f;
	const struct boot_machine_info *mi;
	uint64_t end; /* highest byte loaded + 1 */
	char *err;
	size_t errlen;
};

static int mb_fail(struct mb_load *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int mb_fail(struct mb_load *l, const char *fmt, ...)
{
	va_list ap;

	if (l->err && l->errlen) {
		int n = snprintf(l->err, l->errlen, "%s: ",
				 l->f->kernel_name ? l->f->kernel_name : "kernel");
		va_start(ap, fmt);
		if (n >= 0 && (size_t)n < l->errlen)
			vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	boot_image_free(l->img);
	return -1;
}

/* One piece of the kernel: file bytes, then zeros up to mem_len. */
static int mb_add(struct mb_load *l, uint64_t addr, const uint8_t *data,
		  uint64_t file_len, uint64_t mem_len)
{
	uint64_t top = boot_ram_top(l->mi);

	if (addr < BOOT_KERNEL_ADDR || addr > top || mem_len > top - addr)
		return mb_fail(l, "segment %#llx+%#llx is not in RAM above 1 MiB (usable RAM ends at %#llx)",
			       (unsigned long long)addr,
			       (unsigned long long)mem_len,
			       (unsigned long long)top);
	if (l->img->nblob >= BOOT_MAX_BLOBS - 4)
		return mb_fail(l, "too many segments (max %d)",
			       BOOT_MAX_BLOBS - 4);
	struct boot_blob *b = &l->img->blob[l->img->nblob++];
	b->addr = (uint32_t)addr;
	b->len = (uint32_t)mem_len;
	b->data = xcalloc(1, mem_len ? (size_t)mem_len : 1);
	memcpy(b->data, data, (size_t)file_len);
	if (addr + mem_len > l->end)
		l->end = addr + mem_len;
	return 0;
}

static int mb_load_aout(struct mb_load *l, size_t hdr)
{
	const uint8_t *k = l->f->kernel, *h = k + hdr;
	size_t len = l->f->kernel_len;

	if (hdr + 32 > len)
		return mb_fail(l, "truncated multiboot header");
	uint64_t hdr_addr = le32(h + 12), load = le32(h + 16);
	uint64_t load_end = le32(h + 20), bss_end = le32(h + 24);
	if (load > hdr_addr || hdr_addr - load > hdr)
		return mb_fail(l, "multiboot load_addr %#llx does not fit header_addr %#llx at file offset %zu",
			       (unsigned long long)load,
			       (unsigned long long)hdr_addr, hdr);
	uint64_t off = hdr - (hdr_addr - load);
	uint64_t file_len = load_end ? load_end - load : len - off;
	if (load_end && load_end < load)
		return mb_fail(l, "multiboot load_end_addr is below load_addr");
	if (file_len > len - off)
		return mb_fail(l, "truncated: load_end_addr wants %llu bytes, the file has %llu",
			       (unsigned long long)file_len,
			       (unsigned long long)(len - off));
	uint64_t mem_len = file_len;
	if (bss_end) {
		if (bss_end < load + file_len)
			return mb_fail(l, "multiboot bss_end_addr is below the loaded image");
		mem_len = bss_end - load;
	}
	l->img->eip = le32(h + 28);
	return mb_add(l, load, k + off, file_len, mem_len);
}

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void elf_read_syms(Elf *e, struct elf_syms *out)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t n = d ? sh.sh_size / sh.sh_entsize : 0;
		for (size_t i = 0; i < n && out->n < MAX_SYMS; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(d, (int)i, &sym))
				break;
			int type = GELF_ST_TYPE(sym.st_info);
			if ((type != STT_FUNC && type != STT_OBJECT &&
			     type != STT_NOTYPE) ||
			    !sym.st_value || sym.st_shndx == SHN_UNDEF)
				continue;
			const char *name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (out->n == cap) {
				cap = cap ? 2 * cap : 256;
				out->v = xrealloc(out->v, cap * sizeof(*out->v));
			}
			out->v[out->n++] = (struct elf_sym){ sym.st_value,
							     sym.st_size,
							     xstrdup(name) };
		}
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), sym_cmp);
}

const char *elf_syms_lookup(const struct elf_syms *s, uint64_t addr,
			    uint64_t *off)
{
	size_t lo = 0, hi = s->n;

	/* The last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct elf_sym *y = &s->v[lo - 1];
	if (y->size && addr - y->addr >= y->size)
		return NULL;
	if (off)
		*off = addr - y->addr;
	return y->name;
}

static int mb_load_elf_segments(struct mb_load *l, Elf *e)
{
	const uint8_t *k = l->f->kernel;
	size_t len = l->f->kernel_len, phnum;
	GElf_Ehdr eh;

	if (!gelf_getehdr(e, &eh) || elf_getphdrnum(e, &phnum))
		return mb_fail(l, "bad ELF header (%s)", elf_errmsg(-1));
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_EXEC ||
	    (eh.e_machine != EM_386 && eh.e_machine != EM_X86_64))
		return mb_fail(l, "not a little-endian x86 ELF executable");
	bool entry_set = false;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph))
			return mb_fail(l, "bad program header %zu", i);
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset)
			return mb_fail(l, "program header %zu reaches past the end of the file",
				       i);
		if (mb_add(l, ph.p_paddr, k + ph.p_offset, ph.p_filesz,
			   ph.p_memsz))
			return -1;
		/* As GRUB does: a virtual entry point inside a segment
		 * becomes its physical address. */
		if (eh.e_entry >= ph.p_vaddr &&
		    eh.e_entry - ph.p_vaddr < ph.p_memsz) {
			l->img->eip = (uint32_t)(eh.e_entry - ph.p_vaddr +
						 ph.p_paddr);
			entry_set = true;
		}
	}
	if (!l->end)
		return mb_fail(l, "no loadable segment");
	if (!entry_set) {
		if (eh.e_entry >> 32)
			return mb_fail(l, "entry point %#llx is above 4 GiB",
				       (unsigned long long)eh.e_entry);
		l->img->eip = (uint32_t)eh.e_entry;
	}
	return 0;
}

static int mb_load_elf(struct mb_load *l)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return mb_fail(l, "libelf: %s", elf_errmsg(-1));
	/* libelf wants a writable buffer; it gets a private copy. */
	char *copy = xcalloc(1, l->f->kernel_len);
	memcpy(copy, l->f->kernel, l->f->kernel_len);
	Elf *e = elf_memory(copy, l->f->kernel_len);
	int rc;
	if (!e || elf_kind(e) != ELF_K_ELF) {
		rc = mb_fail(l, "not a valid ELF file");
	} else {
		rc = mb_load_elf_segments(l, e);
		if (!rc)
			elf_read_syms(e, &l->img->syms);
	}
	if (e)
		elf_end(e);
	free(copy);
	return rc;
}

static void mb_put_mmap(uint8_t *p, const struct e820_entry *e)
{
	put_le32(p, 20);
	put_le64(p + 4, e->addr);
	put_le64(p + 12, e->size);
	put_le32(p + 20, e->type);
}

/* The info block, the command line and the initrd as module 0. */
static int mb_build_info(struct mb_load *l)
{
	const struct boot_machine_info *mi = l->mi;
	const struct boot_files *f = l->f;
	struct boot_image *img = l->img;
	uint8_t *info = xcalloc(1, MBI_SIZE);
	uint32_t flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER;

	/* Upper memory: from 1 MiB to the first hole (the ACPI tables). */
	uint64_t upper_end = boot_ram_top(mi);
	uint64_t lower = mi->ram_size < 0x9fc00 ? mi->ram_size : 0x9fc00;
	put_le32(info + 4, (uint32_t)(lower >> 10));
	put_le32(info + 8, upper_end > BOOT_KERNEL_ADDR
				   ? (uint32_t)((upper_end - BOOT_KERNEL_ADDR) >> 10)
				   : 0);
	put_le32(info + 16, BOOT_CMDLINE_ADDR);

	if (f->initrd) {
		uint64_t at = (l->end + 0xfff) & ~0xfffull;
		if (at > upper_end || f->initrd_len > upper_end - at) {
			free(info);
			return mb_fail(l, "no room for the %zu-byte initrd module after the kernel (RAM ends at %llu MiB)",
				       f->initrd_len,
				       (unsigned long long)(upper_end >> 20));
		}
		img->initrd_addr = (uint32_t)at;
		img->initrd_len = (uint32_t)f->initrd_len;
		uint8_t *mod = info + MBI_MODS_OFF;
		put_le32(mod, img->initrd_addr);
		put_le32(mod + 4, img->initrd_addr + img->initrd_len);
		put_le32(mod + 8, BOOT_PARAMS_ADDR + MBI_MODSTR_OFF);
		snprintf((char *)info + MBI_MODSTR_OFF, MBI_SIZE - MBI_MODSTR_OFF,
			 "%s", f->initrd_name ? f->initrd_name : "initrd");
		put_le32(info + 20, 1);
		put_le32(info + 24, BOOT_PARAMS_ADDR + MBI_MODS_OFF);
		flags |= MBI_MODS;
		struct boot_blob *b = &img->blob[img->nblob++];
		b->addr = img->initrd_addr;
		b->len = img->initrd_len;
		b->data = xcalloc(1, f->initrd_len);
		memcpy(b->data, f->initrd, f->initrd_len);
	}

	img->ne820 = boot_e820_build(mi, img->e820, BOOT_MAX_E820);
	for (unsigned i = 0; i < img->ne820; i++)
		mb_put_mmap(info + MBI_MMAP_OFF + 24 * i, &img->e820[i]);
	put_le32(info + 44, 24 * img->ne820);
	put_le32(info + 48, BOOT_PARAMS_ADDR + MBI_MMAP_OFF);
	strcpy((char *)info + MBI_LOADER_OFF, "Lucid");
	put_le32(info + 64, BOOT_PARAMS_ADDR + MBI_LOADER_OFF);
	put_le32(info, flags);

	struct boot_blob *b = &img->blob[img->nblob++];
	b->addr = BOOT_PARAMS_ADDR;
	b->len = MBI_SIZE;
	b->data = info;

	/* Like GRUB and QEMU: the kernel's name, then the arguments. */
	char *cmd = xcalloc(1, BOOT_CMDLINE_MAX);
	snprintf(cmd, BOOT_CMDLINE_MAX, "%s%s%s",
		 f->kernel_name ? f->kernel_name : "kernel",
		 f->cmdline ? " " : "", f->cmdline ? f->cmdline : "");
	b = &img->blob[img->nblob++];
	b->addr = BOOT_CMDLINE_ADDR;
	b->len = (uint32_t)strlen(cmd) + 1;
	b->data = (uint8_t *)cmd;
	return 0;
}

int multiboot_load(struct boot_image *img, const struct boot_files *f,
		   const struct boot_machine_info *mi, char *err, size_t errlen)
{
	struct mb_load l = { img, f, mi, 0, err, errlen };
	const uint8_t *k = f->kernel;
	size_t len = f->kernel_len;
	long hdr = multiboot_find(k, len);
	bool elf = len >= 4 && !memcmp(k, "\177ELF", 4);
	uint32_t flags = hdr >= 0 ? le32(k + hdr + 4) : 0;
	int rc;

	memset(img, 0, sizeof(*img));
	img->kind = hdr >= 0 ? "multiboot" : "elf";
	if (hdr < 0 && !elf)
		return mb_fail(&l, "not a Linux bzImage, multiboot or ELF kernel");
	/* Requirements in bits 0-15 a loader does not know must fail the
	 * boot; video modes are accepted and left in VGA text mode. */
	if (flags & 0xfff8u)
		return mb_fail(&l, "multiboot header requires features %#x Lucid does not provide",
			       flags & 0xfff8u);
	if (flags & MB_AOUT_KLUDGE)
		rc = mb_load_aout(&l, (size_t)hdr);
	else if (elf)
		rc = mb_load_elf(&l);
	else
		return mb_fail(&l, "multiboot header without load addresses (a.out kludge) in a non-ELF file");
	if (rc)
		return -1;
	boot_add_gdt(img);
	if (mb_build_info(&l))
		return -1;
	img->eax = MB_BOOT_MAGIC;
	img->ebx = BOOT_PARAMS_ADDR;
	return 0;
}
