/* core/linuxboot.h: direct kernel boot (--kernel/--initrd/--append).
 *
 * Lucid puts the kernel, its parameters and the initrd into RAM itself and
 * starts the CPU at the kernel's 32-bit entry, the way a boot loader would
 * after leaving the BIOS. The BIOS stays mapped but never runs: no BIOS
 * services, no option ROMs, no POST. A Linux bzImage (boot protocol 2.06+)
 * needs none of that with a filled boot_params; a multiboot v1 kernel
 * (ELF, or a flat image with the a.out kludge) gets a multiboot info block.
 *
 * The loaders are pure: bytes in, a boot_image out (what goes where in
 * memory, and the entry registers). The machine applies the image at every
 * reset, so a guest reboot boots the same kernel again.
 */
#ifndef LUCID_CORE_LINUXBOOT_H
#define LUCID_CORE_LINUXBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/state.h"

struct machine;

/* Fixed places in low memory (below the EBDA, above the BDA). */
#define BOOT_GDT_ADDR 0x0800u      /* 4 descriptors */
#define BOOT_PARAMS_ADDR 0x10000u  /* Linux zero page / multiboot info */
#define BOOT_CMDLINE_ADDR 0x20000u
#define BOOT_CMDLINE_MAX 0x10000u  /* bytes, terminator included */
#define BOOT_KERNEL_ADDR 0x100000u

#define BOOT_CS 0x10 /* __BOOT_CS */
#define BOOT_DS 0x18 /* __BOOT_DS */

#define BOOT_MAX_BLOBS 64
#define BOOT_MAX_E820 16

#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2
#define E820_TYPE_ACPI 3

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
};

/* A range of guest memory the boot fills (data is owned). */
struct boot_blob {
	uint32_t addr, len;
	uint8_t *data;
};

/* One symbol of an ELF kernel, for traces and the gdb stub. */
struct elf_sym {
	uint64_t addr, size;
	char *name;
};

/* Sorted by address. */
struct elf_syms {
	struct elf_sym *v;
	size_t n;
};

/* What the machine offers the kernel: RAM and the ranges firmware would
 * reserve. */
struct boot_machine_info {
	uint64_t ram_size;    /* RAM from 0, below 4 GiB */
	uint32_t bios_size;   /* BIOS image mapped just below 4 GiB */
	uint32_t acpi_rsdp;   /* ACPI RSDP address, 0 = no ACPI tables */
	uint32_t acpi_base;   /* RAM range holding the ACPI tables (e820 type 3) */
	uint32_t acpi_size;
};

struct boot_image {
	const char *kind; /* "linux", "multiboot", "elf" */
	struct boot_blob blob[BOOT_MAX_BLOBS];
	unsigned nblob;
	/* Entry: flat 32-bit protected mode, paging off, IF=0. */
	uint32_t eip, eax, ebx, esi;
	struct elf_syms syms; /* ELF kernels only */
	/* The kernel file's absolute path when it is an ELF file, resolved
	 * by boot_setup at machine creation (gdb reads its symbols from it:
	 * qXfer:exec-file), else NULL. */
	char *elf_path;
	/* Results the tests and `lucid run` report. */
	struct e820_entry e820[BOOT_MAX_E820];
	unsigned ne820;
	uint32_t initrd_addr, initrd_len;
};

/* The kernel's file contents and the loader's inputs. */
struct boot_files {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd; /* may be NULL */
	size_t initrd_len;
	const char *cmdline;   /* may be NULL */
	const char *kernel_name, *initrd_name; /* for messages */
};

/* Each returns 0, or -1 with one line in err (img then holds nothing). */
int linuxboot_load(struct boot_image *img, const struct boot_files *f,
		   const struct boot_machine_info *mi, char *err, size_t errlen);
int multiboot_load(struct boot_image *img, const struct boot_files *f,
		   const struct boot_machine_info *mi, char *err, size_t errlen);
/* Offset of a valid multiboot v1 header in the first 8 KiB, or -1. */
long multiboot_find(const uint8_t *k, size_t len);
/* Picks the format by content: bzImage ("HdrS"), multiboot, plain ELF. */
int boot_load(struct boot_image *img, const struct boot_files *f,
	      const struct boot_machine_info *mi, char *err, size_t errlen);
void boot_image_free(struct boot_image *img);

/* Where usable RAM above 1 MiB ends: the top of RAM, or the ACPI tables
 * when they sit in high RAM. Kernels, initrds and modules stay below. */
static inline uint64_t boot_ram_top(const struct boot_machine_info *mi)
{
	if (mi->acpi_size && mi->acpi_base >= BOOT_KERNEL_ADDR &&
	    mi->acpi_base < mi->ram_size)
		return mi->acpi_base;
	return mi->ram_size;
}

/* The e820 map a PC BIOS would report for mi (shared with multiboot). */
unsigned boot_e820_build(const struct boot_machine_info *mi,
			 struct e820_entry *e, unsigned max);

/* The GDT both entries use (null, null, __BOOT_CS, __BOOT_DS) as a blob. */
void boot_add_gdt(struct boot_image *img);
/* Turn a state (normally the backend's after reset) into the entry state:
 * CR0.PE, flat __BOOT_CS/__BOOT_DS segments, GDTR at BOOT_GDT_ADDR. */
void boot_entry_state(const struct boot_image *img, struct cpu_state *s);

/* Machine glue: read --kernel/--initrd, build m->boot (at creation), and
 * write it into RAM and the CPU (at every reset). */
int boot_setup(struct machine *m, char *err, size_t errlen);
void boot_apply(struct machine *m);
void boot_release(struct machine *m);

/* Name of the symbol covering addr (offset from its start in *off), or
 * NULL. */
const char *elf_syms_lookup(const struct elf_syms *s, uint64_t addr,
			    uint64_t *off);

#endif
