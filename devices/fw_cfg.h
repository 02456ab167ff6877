/* devices/fw_cfg.h: QEMU's firmware configuration interface (I/O ports
 * 0x510 selector, 0x511 data, 0x514 DMA), as SeaBIOS uses it.
 *
 * The machine fills it at creation: numbered items and named files. The
 * ACPI builder (a later issue) adds its blobs here as files too:
 * "etc/acpi/tables", "etc/acpi/rsdp" and the linker script
 * "etc/table-loader" (once that exists SeaBIOS loads those tables and moves
 * the PM base to 0x600; without it SeaBIOS uses its own).
 */
#ifndef LUCID_DEVICES_FW_CFG_H
#define LUCID_DEVICES_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

struct machine;

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514 /* high 32 bits; 0x518 low, which starts it */

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID 0x0001
#define FW_CFG_UUID 0x0002
#define FW_CFG_RAM_SIZE 0x0003
#define FW_CFG_NOGRAPHIC 0x0004
#define FW_CFG_NB_CPUS 0x0005
#define FW_CFG_BOOT_MENU 0x000e
#define FW_CFG_MAX_CPUS 0x000f
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_FILE_FIRST 0x0020
#define FW_CFG_FILE_SLOTS 0x0020
#define FW_CFG_MAX_ENTRY (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ENTRY_MASK 0x3fff
#define FW_CFG_INVALID 0xffff

#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* DMA control word bits (big-endian in the guest's FWCfgDmaAccess). */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

#define FW_CFG_NAME_LEN 56

struct fw_cfg_entry {
	uint8_t *data; /* owned copy */
	uint32_t len;
};

struct fw_cfg {
	struct machine *m;
	struct fw_cfg_entry ent[2][FW_CFG_MAX_ENTRY]; /* [arch-local][key] */
	unsigned nfiles;
	char names[FW_CFG_FILE_SLOTS][FW_CFG_NAME_LEN];
	/* State. */
	uint16_t cur_key;
	uint32_t cur_off;
	uint64_t dma_addr;
};

/* Maps the ports and fills the fixed items (signature, ID with DMA, one
 * CPU, no boot menu, the RAM size). */
struct fw_cfg *fw_cfg_create(struct machine *m);
/* Set (or replace) numbered item key to a copy of data. */
void fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data,
		      size_t len);
void fw_cfg_add_i16(struct fw_cfg *fw, uint16_t key, uint16_t v);
void fw_cfg_add_i32(struct fw_cfg *fw, uint16_t key, uint32_t v);
void fw_cfg_add_i64(struct fw_cfg *fw, uint16_t key, uint64_t v);
/* Add a named file (or replace its contents if the name exists). Returns
 * its selector key, or -1 when the name is too long or the slots are full. */
int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data,
		    size_t len);
/* Selector key of a file, -1 if absent. */
int fw_cfg_find_file(const struct fw_cfg *fw, const char *name);

/* The e820 table QEMU's i440FX machine passes for ram_size bytes of RAM:
 * RAM below the PCI hole, the rest above 4 GiB (SeaBIOS adds the
 * reservations for the BIOS and its own tables itself). */
void fw_cfg_add_e820(struct fw_cfg *fw, uint64_t ram_size);
/* What a PC machine adds besides: "etc/e820", "bootorder" (newline-separated
 * OpenFirmware paths; NULL or "" for none) and "etc/boot-fail-wait"
 * (-1: wait for a key forever, as QEMU's default). */
void fw_cfg_add_pc_defaults(struct fw_cfg *fw, uint64_t ram_size,
			    const char *bootorder);

#endif
