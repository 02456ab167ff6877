/* devices/piix.c: PIIX3 PCI-to-ISA bridge and IDE function config.
 *
 * The ISA bridge routes PIRQA-D to ISA IRQs (registers 0x60-0x63) and owns
 * the reset control register at 0xCF9. ELCR (0x4D0/0x4D1) is the PIC's.
 * The IDE function is in legacy mode; its one BAR holds the bus-master
 * registers, stored here for the IDE device that drives transfers.
 */
#include "devices/piix.h"

#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

#define RCR_SRST 0x02 /* full (hard) reset when RCPU fires */
#define RCR_RCPU 0x04

static const struct state_field piix3_fields[] = {
	STATE_FIELD(struct piix3, rcr),
	STATE_END,
};

static int piix3_route(void *opaque, unsigned pirq)
{
	struct piix3 *p = opaque;
	uint8_t r = p->pci.config[PIIX_PIRQ_ROUTE + pirq];

	/* Bit 7 disables routing; QEMU accepts any IRQ below 16. */
	return r < 16 ? r : -1;
}

static void piix3_config_written(struct pci_dev *d, unsigned off,
				 unsigned len)
{
	if (off < PIIX_PIRQ_ROUTE + 4 && off + len > PIIX_PIRQ_ROUTE)
		pci_bus_update_irqs(d->bus);
}

static uint8_t piix3_rcr_read(void *opaque)
{
	struct piix3 *p = opaque;
	return p->rcr;
}

static void piix3_rcr_write(void *opaque, uint8_t val)
{
	struct piix3 *p = opaque;

	if (val & RCR_RCPU) {
		machine_request_reset(p->m);
		return;
	}
	p->rcr = val & RCR_SRST;
}

static void piix3_reset(void *opaque)
{
	struct piix3 *p = opaque;

	p->rcr = 0;
	pci_dev_reset(&p->pci);
}

static void piix3_destroy(void *opaque)
{
	free(opaque);
}

struct piix3 *piix3_create(struct machine *m, struct pci_bus *bus)
{
	struct piix3 *p = xcalloc(1, sizeof(*p));
	uint8_t *c = p->pci.config;

	p->m = m;
	pci_dev_init(&p->pci, "piix3", 0x8086, 0x7000, 0x00, 0x060100);
	p->pci.opaque = p;
	p->pci.config_written = piix3_config_written;
	/* Power-on values (82371SB datasheet, as QEMU has them). */
	c[PCI_COMMAND] = 0x07;
	c[PCI_STATUS + 1] = PCI_STATUS_DEVSEL_MEDIUM >> 8;
	c[0x4c] = 0x4d;
	c[0x4e] = 0x03;
	for (unsigned i = 0; i < 4; i++)
		c[PIIX_PIRQ_ROUTE + i] = 0x80;
	c[0x69] = 0x02;
	c[0x70] = 0x80;
	c[0x76] = 0x0c;
	c[0x77] = 0x0c;
	c[0x78] = 0x02;
	c[0xa0] = 0x08;
	c[0xa8] = 0x0f;
	if (pci_add_dev(bus, &p->pci, 1, 0)) {
		free(p);
		return NULL;
	}
	bus->route = piix3_route;
	bus->route_opaque = p;
	bus->cf9_read = piix3_rcr_read;
	bus->cf9_write = piix3_rcr_write;
	bus->cf9_opaque = p;
	state_add(&m->state, "piix3", piix3_fields, p);
	machine_add_device(m, "piix3", p, piix3_reset, piix3_destroy);
	return p;
}

/* --- IDE ----------------------------------------------------------------- */

#define PIIX_IDE_BM_PORTS 16
#define PIIX_IDETIM 0x40 /* 40h-41h primary, 42h-43h secondary; 44h SIDETIM */

static const struct state_field piix_ide_fields[] = {
	STATE_FIELD(struct piix_ide, bm),
	STATE_END,
};

static uint8_t bm_read_byte(struct piix_ide *ide, unsigned off)
{
	struct piix_ide_bm *bm = &ide->bm[off >> 3];

	switch (off & 7) {
	case 0:
		return bm->cmd;
	case 2:
		return bm->sts;
	case 4: case 5: case 6: case 7:
		return (uint8_t)(bm->prd >> (8 * ((off & 7) - 4)));
	default:
		return 0;
	}
}

static void bm_write_byte(struct piix_ide *ide, unsigned off, uint8_t v)
{
	unsigned ch = off >> 3;
	struct piix_ide_bm *bm = &ide->bm[ch];
	unsigned sh;

	switch (off & 7) {
	case 0: {
		uint8_t old = bm->cmd;
		bm->cmd = v & (PIIX_BM_CMD_START | PIIX_BM_CMD_READ);
		if (ide->bm_command)
			ide->bm_command(ide->hook_opaque, ch, old);
		break;
	}
	case 2:
		/* 5-6 read/write, 1-2 write-1-to-clear, 0 and 7 read-only */
		bm->sts = (uint8_t)((bm->sts & 0x87 & ~(v & 0x06)) | (v & 0x60));
		break;
	case 4: case 5: case 6: case 7:
		sh = 8 * ((off & 7) - 4);
		bm->prd = (bm->prd & ~(0xffu << sh)) | (uint32_t)v << sh;
		bm->prd &= ~3u; /* dword aligned */
		break;
	default:
		break;
	}
}

static uint32_t piix_bm_read(void *opaque, uint64_t offset, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)bm_read_byte(opaque, (unsigned)(offset + i) & 15)
		     << (8 * i);
	return v;
}

static void piix_bm_write(void *opaque, uint64_t offset, uint32_t val,
			  unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		bm_write_byte(opaque, (unsigned)(offset + i) & 15,
			      (uint8_t)(val >> (8 * i)));
}

static const struct io_ops piix_bm_ops = {
	.read = piix_bm_read,
	.write = piix_bm_write,
};

static void piix_ide_reset(void *opaque)
{
	struct piix_ide *ide = opaque;

	memset(ide->bm, 0, sizeof(ide->bm));
	pci_dev_reset(&ide->pci);
}

static void piix_ide_destroy(void *opaque)
{
	free(opaque);
}

struct piix_ide *piix_ide_create(struct machine *m, struct pci_bus *bus)
{
	struct piix_ide *ide = xcalloc(1, sizeof(*ide));
	uint8_t *c = ide->pci.config;

	ide->m = m;
	pci_dev_init(&ide->pci, "piix3-ide", 0x8086, 0x7010, 0x00, 0x010180);
	ide->pci.opaque = ide;
	/* BAR0-3 do not exist in legacy mode: read as zero, not sizable. */
	pci_register_bar_ops(&ide->pci, 4, PIIX_IDE_BM_PORTS, PCI_BAR_IO,
			     &piix_bm_ops, ide, "piix3-ide-bm");
	c[PCI_STATUS] = PCI_STATUS_FAST_BACK;
	c[PCI_STATUS + 1] = PCI_STATUS_DEVSEL_MEDIUM >> 8;
	/* IDETIM (primary, secondary) and SIDETIM: read/write, 0 at reset. */
	memset(&ide->pci.wmask[PIIX_IDETIM], 0xff, 5);
	if (pci_add_dev(bus, &ide->pci, 1, 1)) {
		free(ide);
		return NULL;
	}
	state_add(&m->state, "piix3-ide", piix_ide_fields, ide);
	machine_add_device(m, "piix3-ide", ide, piix_ide_reset,
			   piix_ide_destroy);
	return ide;
}

void piix_ide_firmware_setup(struct piix_ide *ide)
{
	ide->pci.config[PIIX_IDETIM + 1] |= 0x80;
	ide->pci.config[PIIX_IDETIM + 3] |= 0x80;
}

void piix_ide_set_hook(struct piix_ide *ide,
		       void (*bm_command)(void *opaque, unsigned channel,
					  uint8_t old_cmd),
		       void *opaque)
{
	ide->bm_command = bm_command;
	ide->hook_opaque = opaque;
}
