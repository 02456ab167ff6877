/* devices/piix.h: PIIX3 functions 00:01.0 (PCI-to-ISA bridge, 8086:7000)
 * and 00:01.1 (IDE, 8086:7010). The ACPI function is devices/piix_pm.h. */
#ifndef LUCID_DEVICES_PIIX_H
#define LUCID_DEVICES_PIIX_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pci.h"

struct machine;

#define PIIX_PIRQ_ROUTE 0x60 /* PIRQRC[A-D]: bit 7 disables, 3:0 the IRQ */

struct piix3 {
	struct pci_dev pci;
	struct machine *m;
	uint8_t rcr; /* reset control register (port 0xCF9) */
};

/* Plugs in at 00:01.0, becomes the bus's PIRQ router and owns 0xCF9. */
struct piix3 *piix3_create(struct machine *m, struct pci_bus *bus);

/* IDE bus-master registers of one channel (BAR4 + 8 * channel). */
struct piix_ide_bm {
	uint8_t cmd;  /* BMICOM: bit 0 start, bit 3 direction (1 = to memory) */
	uint8_t sts;  /* BMISTA: 0 active, 1 error, 2 interrupt, 5-6 drive DMA */
	uint32_t prd; /* BMIDTP: physical address of the PRD table */
};

#define PIIX_BM_CMD_START 0x01
#define PIIX_BM_CMD_READ 0x08
#define PIIX_BM_STS_ACTIVE 0x01
#define PIIX_BM_STS_ERROR 0x02
#define PIIX_BM_STS_IRQ 0x04

struct piix_ide {
	struct pci_dev pci;
	struct machine *m;
	struct piix_ide_bm bm[2];
	/* The IDE drives' side (a later device): told when the guest writes a
	 * channel's BMICOM; it updates bm[ch].sts itself as transfers run. */
	void (*bm_command)(void *opaque, unsigned channel, uint8_t old_cmd);
	void *hook_opaque;
};

/* Plugs in at 00:01.1 in legacy mode (prog-if 0x80: fixed ports 0x1F0/0x3F6
 * and 0x170/0x376 on IRQ 14/15, which the IDE device maps itself); only
 * BAR4, the 16 bus-master ports, is relocatable. */
struct piix_ide *piix_ide_create(struct machine *m, struct pci_bus *bus);
/* What firmware's PCI setup does (for direct kernel boot): enable the
 * decode of both channels in IDETIM. */
void piix_ide_firmware_setup(struct piix_ide *ide);
void piix_ide_set_hook(struct piix_ide *ide,
		       void (*bm_command)(void *opaque, unsigned channel,
					  uint8_t old_cmd),
		       void *opaque);

#endif
