/* devices/i440fx.c: Intel 82441FX PMC, the host bridge of the 440FX.
 *
 * What firmware needs from it: the PAM registers that shadow the BIOS and
 * option-ROM areas in RAM (SeaBIOS copies itself into shadow RAM and
 * then write-protects it, so this must be exact), and SMRAM control, which
 * decides whether 0xA0000-0xBFFFF shows RAM or the VGA window.
 */
#include "devices/i440fx.h"

#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/util.h"
#include "mmu/mem.h"

#define SMRAM_D_OPEN 0x40
#define SMRAM_D_CLS 0x20
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08
#define SMRAM_C_BASE_SEG 0x02 /* hardwired: SMRAM at 0xA0000 */
#define I440FX_RAM_SIZE_REG 0x57 /* QEMU's: RAM in 8 MiB units, for old coreboot */

/* PAM attribute: bit 0 reads go to DRAM, bit 1 writes go to DRAM. */
static uint8_t pam_attr(const struct i440fx *h, unsigned i)
{
	uint8_t reg;

	if (i == 0)
		return (h->pci.config[I440FX_PAM0] >> 4) & 3;
	reg = h->pci.config[I440FX_PAM0 + 1 + (i - 1) / 2];
	return ((i - 1) & 1 ? reg >> 4 : reg) & 3;
}

static void pam_range(unsigned i, uint32_t *base, uint32_t *size)
{
	if (i == 0) {
		*base = 0xf0000;
		*size = 0x10000;
	} else {
		*base = 0xc0000 + (i - 1) * 0x4000;
		*size = 0x4000;
	}
}

static void i440fx_update_memory(struct i440fx *h)
{
	struct mem *mem = h->m->mem;
	uint8_t smram = h->pci.config[I440FX_SMRAM];
	uint8_t open;

	for (unsigned i = 0; i < I440FX_NPAM; i++) {
		uint8_t a = pam_attr(h, i);
		uint32_t base, size;

		if (a == h->pam_applied[i])
			continue;
		pam_range(i, &base, &size);
		mem_set_shadow(mem, base, size, a & 1, a & 2);
		h->pam_applied[i] = a;
	}
	/* An open SMRAM shows its RAM to non-SMM accesses (QEMU's model: no
	 * SMM CPU yet, so the closed state simply shows the VGA window). */
	open = (smram & SMRAM_D_OPEN) ? 1 : 0;
	if (open != h->smram_open_applied) {
		mem_set_shadow(mem, 0xa0000, 0x20000, open, open);
		h->smram_open_applied = open;
	}
}

static void i440fx_config_written(struct pci_dev *d, unsigned off,
				  unsigned len)
{
	struct i440fx *h = d->opaque;

	if (off <= I440FX_SMRAM && off + len > I440FX_SMRAM) {
		uint8_t *s = &d->config[I440FX_SMRAM];
		/* D_LCK closes SMRAM and freezes everything but D_CLS until
		 * reset. */
		if (*s & SMRAM_D_LCK) {
			*s &= (uint8_t)~SMRAM_D_OPEN;
			d->wmask[I440FX_SMRAM] = SMRAM_D_CLS;
		} else {
			d->wmask[I440FX_SMRAM] = SMRAM_D_OPEN | SMRAM_D_CLS |
						 SMRAM_D_LCK | SMRAM_G_SMRAME;
		}
	}
	if ((off < I440FX_PAM0 + 7 && off + len > I440FX_PAM0) ||
	    (off <= I440FX_SMRAM && off + len > I440FX_SMRAM))
		i440fx_update_memory(h);
}

static void i440fx_reset(void *opaque)
{
	struct i440fx *h = opaque;

	/* Memory regions may have been added since: re-apply everything. */
	memset(h->pam_applied, 0xff, sizeof(h->pam_applied));
	pci_dev_reset(&h->pci);
}

static void i440fx_destroy(void *opaque)
{
	free(opaque);
}

struct i440fx *i440fx_create(struct machine *m, struct pci_bus *bus)
{
	struct i440fx *h = xcalloc(1, sizeof(*h));
	uint64_t ram = m->mem->ram_size;
	uint64_t mib8 = (ram >> 20) / 8;

	h->m = m;
	memset(h->pam_applied, 0xff, sizeof(h->pam_applied));
	pci_dev_init(&h->pci, "i440fx", 0x8086, 0x1237, 0x02, 0x060000);
	h->pci.opaque = h;
	h->pci.config_written = i440fx_config_written;
	h->pci.config[I440FX_SMRAM] = SMRAM_C_BASE_SEG;
	h->pci.wmask[I440FX_SMRAM] =
		SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK | SMRAM_G_SMRAME;
	h->pci.config[I440FX_RAM_SIZE_REG] = mib8 > 255 ? 255 : (uint8_t)mib8;
	if (pci_add_dev(bus, &h->pci, 0, 0)) {
		free(h);
		return NULL;
	}
	/* Addresses above RAM and below the IOAPIC are the PCI bus's: route
	 * them to the MMIO map, where memory BARs register. Below 1 MiB the
	 * legacy map rules (VGA window, option ROMs, the BIOS), so the hole
	 * never starts there even on a machine with less RAM. */
	uint64_t hole = ram < 0x100000 ? 0x100000 : ram;
	if (hole < I440FX_PCI_HOLE_END)
		mem_add_mmio(m->mem, hole, I440FX_PCI_HOLE_END - hole,
			     "pci-hole");
	machine_add_device(m, "i440fx", h, i440fx_reset, i440fx_destroy);
	return h;
}
