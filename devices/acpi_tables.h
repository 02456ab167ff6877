/* devices/acpi_tables.h: the ACPI tables Lucid builds for its PC board
 * (i440FX/PIIX4 PM, one CPU with a local APIC, one I/O APIC).
 *
 * Two blobs, laid out as QEMU's are: "etc/acpi/rsdp" (RSDP v0, 20 bytes)
 * and "etc/acpi/tables" (FACS, DSDT, FADT rev 3, MADT, RSDT), with every
 * table pointer holding an offset into the tables blob. A table-loader
 * script ("etc/table-loader", QEMU's bios-linker-loader format: 128-byte
 * ALLOCATE / ADD_POINTER / ADD_CHECKSUM entries) tells firmware how to
 * place them and patch those pointers. Delivery:
 *   - SeaBIOS: the three files through fw_cfg (acpi_install_fw_cfg); with
 *     the loader present SeaBIOS puts the PM block at 0x600, as the FADT
 *     says.
 *   - direct kernel boot: Lucid runs the same script itself
 *     (acpi_install_direct): the tables at the top of RAM (an e820 ACPI
 *     range), the RSDP in the EBDA at 0x9FC00 (BDA 0x40E points there, for
 *     kernels that scan), and the PIIX4 PM block programmed to 0x600.
 */
#ifndef LUCID_DEVICES_ACPI_TABLES_H
#define LUCID_DEVICES_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/aml.h"

struct machine;
struct fw_cfg;

#define ACPI_PM_BASE 0x600      /* PIIX4 PMBA, SeaBIOS's with a loader */
#define ACPI_SCI_IRQ 9
#define ACPI_RESET_PORT 0xcf9
#define ACPI_RESET_VALUE 0x06   /* PIIX3 RCR: SRST | RCPU */
#define ACPI_DIRECT_SIZE 0x10000u /* tables at the top of RAM */
#define ACPI_DIRECT_RSDP 0x9fc00u /* in the EBDA e820 reserves */

/* Table loader (QEMU hw/acpi/bios-linker-loader.c; SeaBIOS
 * src/fw/romfile_loader.h): little-endian 128-byte entries. */
#define ACPI_LOADER_ENTRY 128
#define ACPI_LOADER_FNAME 56
#define ACPI_LOADER_ALLOCATE 1
#define ACPI_LOADER_ADD_POINTER 2
#define ACPI_LOADER_ADD_CHECKSUM 3
#define ACPI_LOADER_ZONE_HIGH 1
#define ACPI_LOADER_ZONE_FSEG 2

#define ACPI_FILE_TABLES "etc/acpi/tables"
#define ACPI_FILE_RSDP "etc/acpi/rsdp"
#define ACPI_FILE_LOADER "etc/table-loader"

/* What the tables describe. */
struct acpi_config {
	uint64_t ram_below_4g; /* the PCI hole starts here (or at 1 MiB) */
	uint16_t pm_base;
	bool vmbus;            /* --enlighten hyperv: the VMBus device */
};

struct acpi_build {
	struct aml tables, rsdp, loader;
	/* Offsets of each table inside `tables`. */
	uint32_t facs, dsdt, fadt, madt, rsdt;
};

void acpi_build(struct acpi_build *b, const struct acpi_config *cfg);
void acpi_build_free(struct acpi_build *b);

/* One blob for the loader: name, contents (patched in place) and the guest
 * address it was given. */
struct acpi_file {
	const char *name;
	uint8_t *data;
	size_t len;
	uint64_t addr;
};
/* Run a loader script over files; 0, or -1 on a malformed command. */
int acpi_loader_run(const uint8_t *script, size_t len, struct acpi_file *f,
		    unsigned nfiles);

/* The checksum byte rule: all bytes of a table sum to 0 (mod 256). */
uint8_t acpi_sum(const uint8_t *p, size_t len);

/* SeaBIOS path: the three files in fw_cfg. */
void acpi_install_fw_cfg(struct machine *m, struct fw_cfg *fw);
/* Direct boot path: fill m->acpi_rsdp/acpi_base/acpi_size and write the
 * tables into RAM at every reset (a machine device "acpi"). Call from the
 * board before boot_setup. Returns 0, or -1 if RAM is too small. */
int acpi_install_direct(struct machine *m, uint32_t *rsdp_addr);

/* Write each table as SIG.dat (acpidump -b style) into dir, with its
 * pointers as a direct boot would have them. */
int acpi_dump(const struct acpi_config *cfg, const char *dir, char *err,
	      size_t errlen);

#endif
