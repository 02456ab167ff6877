/* devices/i440fx.h: the Intel 440FX host bridge (PCI 00:00.0, 8086:1237). */
#ifndef LUCID_DEVICES_I440FX_H
#define LUCID_DEVICES_I440FX_H

#include <stdint.h>

#include "devices/pci.h"

struct machine;

#define I440FX_PAM0 0x59   /* PAM0-6: 0x59-0x5F */
#define I440FX_NPAM 13     /* 0xF0000 (64 KiB) + 12 x 16 KiB from 0xC0000 */
#define I440FX_SMRAM 0x72
#define I440FX_PCI_HOLE_END 0xfec00000u /* the IOAPIC and up are not PCI */

struct i440fx {
	struct pci_dev pci;
	struct machine *m;
	/* Host bookkeeping: the shadowing last applied to memory, so only
	 * changes touch the page map (0xff: unknown). */
	uint8_t pam_applied[I440FX_NPAM];
	uint8_t smram_open_applied;
};

/* Plugs in at 00:00.0 and routes [RAM top, 0xFEC00000) to the MMIO bus for
 * PCI memory BARs. */
struct i440fx *i440fx_create(struct machine *m, struct pci_bus *bus);

#endif
