/* devices/pci.c: PCI bus 0, configuration mechanism #1, BARs and INTx.
 *
 * 0xCF8 latches the config address on dword writes only; 0xCFC-0xCFF carry
 * the data, the low two port bits selecting the byte lane. BAR placement is
 * derived from config space each time it may have changed, so reset and
 * snapshot load go through the same path as a guest's writes.
 */
#include "devices/pci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

#define PCI_CONFIG_ADDR 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_ADDR_ENABLE 0x80000000u

static const struct state_field pci_bus_fields[] = {
	STATE_FIELD(struct pci_bus, addr),
	STATE_FIELD(struct pci_bus, src_line),
	STATE_FIELD(struct pci_bus, src_level),
	STATE_END,
};

static const struct state_field pci_dev_fields[] = {
	STATE_FIELD(struct pci_dev, config),
	STATE_FIELD(struct pci_dev, irq_level),
	STATE_END,
};

/* --- BARs ---------------------------------------------------------------- */

static unsigned bar_offset(unsigned bar)
{
	return bar == PCI_ROM_BAR ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * bar;
}

static uint32_t cfg_get32(const struct pci_dev *d, unsigned off)
{
	return (uint32_t)d->config[off] | (uint32_t)d->config[off + 1] << 8 |
	       (uint32_t)d->config[off + 2] << 16 |
	       (uint32_t)d->config[off + 3] << 24;
}

static void cfg_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Where the BAR decodes now, or false if it does not (decode off, address
 * zero, or a range that wraps: the all-ones pattern left by sizing). */
static bool bar_decoded(const struct pci_dev *d, unsigned n, uint32_t *addr)
{
	const struct pci_bar *bar = &d->bar[n];
	uint16_t cmd = (uint16_t)(d->config[PCI_COMMAND] |
				  d->config[PCI_COMMAND + 1] << 8);
	uint32_t v = cfg_get32(d, bar_offset(n));
	uint64_t a;

	if (n == PCI_ROM_BAR) {
		if (!(cmd & PCI_COMMAND_MEMORY) || !(v & 1))
			return false;
		a = v & ~(bar->size - 1) & ~0x7ffu;
	} else if (bar->flags & PCI_BAR_IO) {
		if (!(cmd & PCI_COMMAND_IO))
			return false;
		a = v & ~(bar->size - 1) & ~3u;
		if (a + bar->size > 0x10000)
			return false;
	} else {
		if (!(cmd & PCI_COMMAND_MEMORY))
			return false;
		a = v & ~(bar->size - 1) & ~0xfu;
	}
	if (!a || a + bar->size - 1 >= 0xffffffffu)
		return false;
	*addr = (uint32_t)a;
	return true;
}

static void pci_update_bars(struct pci_dev *d)
{
	for (unsigned n = 0; n < PCI_NBARS; n++) {
		struct pci_bar *bar = &d->bar[n];
		uint32_t addr = 0;
		bool want;

		if (!bar->size)
			continue;
		want = bar_decoded(d, n, &addr);
		if (bar->mapped && want && bar->addr == addr)
			continue;
		if (bar->mapped) {
			bar->unmap(d, n, bar->addr);
			bar->mapped = false;
		}
		if (want && bar->map(d, n, addr) == 0) {
			bar->mapped = true;
			bar->addr = addr;
		}
	}
}

static int bar_map_ops(struct pci_dev *d, unsigned n, uint32_t addr)
{
	struct pci_bar *bar = &d->bar[n];
	struct bus *bus = d->bus->m->bus;

	if (bar->flags & PCI_BAR_IO)
		return bus_map_ports(bus, (uint16_t)addr, bar->size, bar->ops,
				     bar->opaque, bar->name);
	return bus_map_mmio(bus, addr, bar->size, bar->ops, bar->opaque,
			    bar->name);
}

static void bar_unmap_ops(struct pci_dev *d, unsigned n, uint32_t addr)
{
	struct bus *bus = d->bus->m->bus;

	if (d->bar[n].flags & PCI_BAR_IO)
		bus_unmap_ports(bus, (uint16_t)addr);
	else
		bus_unmap_mmio(bus, addr);
}

void pci_register_bar(struct pci_dev *d, unsigned bar, uint32_t size,
		      unsigned flags, pci_map_fn map, pci_unmap_fn unmap)
{
	unsigned min = bar == PCI_ROM_BAR ? 0x800 : (flags & PCI_BAR_IO) ? 4 : 16;
	unsigned off = bar_offset(bar);
	uint32_t mask;

	if (bar >= PCI_NBARS || size < min || (size & (size - 1)) || !map ||
	    !unmap) {
		fprintf(stderr, "lucid: %s: bad BAR %u (size %#x)\n", d->name,
			bar, size);
		abort(); /* a programming error in a device model */
	}
	d->bar[bar] = (struct pci_bar){ .size = size, .flags = (uint8_t)flags,
					.map = map, .unmap = unmap };
	if (bar == PCI_ROM_BAR) {
		mask = ~(size - 1) | 1u;
		flags = 0;
	} else {
		mask = ~(size - 1) & ((flags & PCI_BAR_IO) ? ~3u : ~0xfu);
	}
	cfg_put32(&d->config[off], flags);
	cfg_put32(&d->wmask[off], mask);
}

void pci_register_bar_ops(struct pci_dev *d, unsigned bar, uint32_t size,
			  unsigned flags, const struct io_ops *ops,
			  void *opaque, const char *name)
{
	pci_register_bar(d, bar, size, flags, bar_map_ops, bar_unmap_ops);
	d->bar[bar].ops = ops;
	d->bar[bar].opaque = opaque;
	d->bar[bar].name = name;
}

/* --- INTx ---------------------------------------------------------------- */

void pci_bus_update_irqs(struct pci_bus *b)
{
	bool pirq[PCI_NPIRQ] = { false };
	bool line[16] = { false };

	for (unsigned i = 0; i < PCI_NDEVFN; i++) {
		const struct pci_dev *d = b->dev[i];
		unsigned pin;

		if (!d || !d->irq_level ||
		    (d->config[PCI_COMMAND + 1] & (PCI_COMMAND_INTX_DISABLE >> 8)))
			continue;
		pin = d->config[PCI_INTERRUPT_PIN];
		if (pin < 1 || pin > 4)
			continue;
		/* i440FX swizzle: slot 1 INTA is PIRQA, each slot rotates. */
		pirq[((i >> 3) + pin - 2) & 3] = true;
	}
	for (unsigned p = 0; p < PCI_NPIRQ; p++) {
		int l = b->route ? b->route(b->route_opaque, p) : -1;
		if (pirq[p] && l >= 0 && l < 16)
			line[l] = true;
	}
	for (unsigned s = 0; s < PCI_ISA_NSRC; s++)
		if (b->src_level[s] && b->src_line[s] >= 0 && b->src_line[s] < 16)
			line[b->src_line[s]] = true;
	for (unsigned l = 0; l < 16; l++) {
		if (line[l] == b->line_level[l])
			continue;
		b->line_level[l] = line[l];
		irq_set(&b->m->irq, l, line[l]);
	}
}

void pci_set_irq(struct pci_dev *d, bool level)
{
	d->irq_level = level;
	if (level)
		d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		d->config[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	if (d->bus)
		pci_bus_update_irqs(d->bus);
}

void pci_bus_set_isa_irq(struct pci_bus *b, unsigned src, unsigned line,
			 bool level)
{
	if (src >= PCI_ISA_NSRC || line >= 16)
		return;
	b->src_line[src] = (int8_t)line;
	b->src_level[src] = level;
	pci_bus_update_irqs(b);
}

/* --- config space -------------------------------------------------------- */

uint32_t pci_config_read(struct pci_bus *b, unsigned devfn, unsigned off,
			 unsigned size)
{
	const struct pci_dev *d = devfn < PCI_NDEVFN ? b->dev[devfn] : NULL;
	uint32_t v = 0;

	if (!d || off + size > 256)
		return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)d->config[off + i] << (8 * i);
	return v;
}

static bool overlaps(unsigned off, unsigned len, unsigned lo, unsigned hi)
{
	return off < hi && off + len > lo;
}

void pci_config_write(struct pci_bus *b, unsigned devfn, unsigned off,
		      uint32_t val, unsigned size)
{
	struct pci_dev *d = devfn < PCI_NDEVFN ? b->dev[devfn] : NULL;

	if (!d || off + size > 256)
		return;
	for (unsigned i = 0; i < size; i++) {
		unsigned o = off + i;
		uint8_t v = (uint8_t)(val >> (8 * i));
		uint8_t c = d->config[o];
		c = (uint8_t)((c & ~d->wmask[o]) | (v & d->wmask[o]));
		c &= (uint8_t)~(v & d->w1cmask[o]);
		d->config[o] = c;
	}
	if (overlaps(off, size, PCI_COMMAND, PCI_COMMAND + 2) ||
	    overlaps(off, size, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_0 + 24) ||
	    overlaps(off, size, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 4))
		pci_update_bars(d);
	if (overlaps(off, size, PCI_COMMAND, PCI_COMMAND + 2))
		pci_bus_update_irqs(b); /* INTx disable may have changed */
	if (d->config_written)
		d->config_written(d, off, size);
}

static uint32_t pci_data_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pci_bus *b = opaque;
	uint32_t a = b->addr;

	if (!(a & PCI_ADDR_ENABLE) || ((a >> 16) & 0xff) != 0)
		return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	return pci_config_read(b, (a >> 8) & 0xff,
			       (a & 0xfc) + (unsigned)offset, size);
}

static void pci_data_write(void *opaque, uint64_t offset, uint32_t val,
			   unsigned size)
{
	struct pci_bus *b = opaque;
	uint32_t a = b->addr;

	if (!(a & PCI_ADDR_ENABLE) || ((a >> 16) & 0xff) != 0)
		return;
	pci_config_write(b, (a >> 8) & 0xff, (a & 0xfc) + (unsigned)offset,
			 val, size);
}

/* 0xCF8-0xCFB: a dword at 0xCF8 is the address latch; a byte at 0xCF9 is
 * the PIIX3 reset control register; anything else does not latch. */
static uint32_t pci_addr_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pci_bus *b = opaque;

	if (offset == 1 && size == 1 && b->cf9_read)
		return b->cf9_read(b->cf9_opaque);
	return b->addr >> (8 * offset);
}

static void pci_addr_write(void *opaque, uint64_t offset, uint32_t val,
			   unsigned size)
{
	struct pci_bus *b = opaque;

	if (offset == 0 && size == 4)
		b->addr = val;
	else if (offset == 1 && size == 1 && b->cf9_write)
		b->cf9_write(b->cf9_opaque, (uint8_t)val);
}

static const struct io_ops pci_addr_ops = {
	.read = pci_addr_read,
	.write = pci_addr_write,
};

static const struct io_ops pci_data_ops = {
	.read = pci_data_read,
	.write = pci_data_write,
};

/* --- devices ------------------------------------------------------------- */

void pci_dev_init(struct pci_dev *d, const char *name, uint16_t vendor,
		  uint16_t device, uint8_t revision, uint32_t class24)
{
	memset(d->config, 0, sizeof(d->config));
	memset(d->wmask, 0, sizeof(d->wmask));
	memset(d->w1cmask, 0, sizeof(d->w1cmask));
	memset(d->bar, 0, sizeof(d->bar));
	d->name = name;
	d->config[0] = (uint8_t)vendor;
	d->config[1] = (uint8_t)(vendor >> 8);
	d->config[2] = (uint8_t)device;
	d->config[3] = (uint8_t)(device >> 8);
	d->config[PCI_REVISION_ID] = revision;
	d->config[0x09] = (uint8_t)class24;
	d->config[0x0a] = (uint8_t)(class24 >> 8);
	d->config[0x0b] = (uint8_t)(class24 >> 16);
	d->config[PCI_SUBSYSTEM_VENDOR_ID] = 0xf4;
	d->config[PCI_SUBSYSTEM_VENDOR_ID + 1] = 0x1a;
	d->config[PCI_SUBSYSTEM_ID] = 0x00;
	d->config[PCI_SUBSYSTEM_ID + 1] = 0x11;
	/* command: I/O, memory, master, parity, SERR, INTx disable */
	d->wmask[PCI_COMMAND] = 0x47;
	d->wmask[PCI_COMMAND + 1] = 0x05;
	/* status error bits are write-1-to-clear */
	d->w1cmask[PCI_STATUS + 1] = 0xf9;
	d->wmask[0x0c] = 0xff; /* cache line size */
	d->wmask[0x0d] = 0xff; /* latency timer */
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
	/* Device-specific space is writable unless the device narrows it. */
	memset(d->wmask + 0x40, 0xff, 256 - 0x40);
}

static void pci_dev_post_load(void *opaque)
{
	struct pci_dev *d = opaque;

	pci_update_bars(d);
	if (d->config_written)
		d->config_written(d, 0, 256);
	pci_bus_update_irqs(d->bus);
}

int pci_add_dev(struct pci_bus *b, struct pci_dev *d, unsigned slot,
		unsigned fn)
{
	unsigned devfn = PCI_DEVFN(slot, fn);

	if (slot >= 32 || fn >= 8 || b->dev[devfn])
		return -1;
	d->bus = b;
	d->devfn = devfn;
	b->dev[devfn] = d;
	/* SeaBIOS scans functions 1-7 only behind a multifunction bit. */
	if (fn != 0 && b->dev[PCI_DEVFN(slot, 0)]) {
		struct pci_dev *f0 = b->dev[PCI_DEVFN(slot, 0)];
		f0->config[PCI_HEADER_TYPE] |= PCI_HEADER_MULTIFUNCTION;
		f0->reset_config[PCI_HEADER_TYPE] |= PCI_HEADER_MULTIFUNCTION;
	}
	if (fn == 0) {
		for (unsigned f = 1; f < 8; f++)
			if (b->dev[PCI_DEVFN(slot, f)])
				d->config[PCI_HEADER_TYPE] |=
					PCI_HEADER_MULTIFUNCTION;
	}
	memcpy(d->reset_config, d->config, sizeof(d->config));
	snprintf(d->state_name, sizeof(d->state_name), "pci.%02x.%x.%s", slot,
		 fn, d->name);
	state_add_hooked(&b->m->state, d->state_name, pci_dev_fields, d, NULL,
			 pci_dev_post_load, d);
	return 0;
}

void pci_dev_reset(struct pci_dev *d)
{
	memcpy(d->config, d->reset_config, sizeof(d->config));
	d->irq_level = 0;
	pci_update_bars(d);
	if (d->config_written)
		d->config_written(d, 0, 256);
	if (d->bus)
		pci_bus_update_irqs(d->bus);
}

static void pci_bus_reset(void *opaque)
{
	struct pci_bus *b = opaque;

	b->addr = 0;
	memset(b->src_level, 0, sizeof(b->src_level));
	pci_bus_update_irqs(b);
}

static void pci_bus_post_load(void *opaque)
{
	pci_bus_update_irqs(opaque);
}

static void pci_bus_destroy(void *opaque)
{
	free(opaque);
}

struct pci_bus *pci_create(struct machine *m)
{
	struct pci_bus *b = xcalloc(1, sizeof(*b));

	b->m = m;
	for (unsigned s = 0; s < PCI_ISA_NSRC; s++)
		b->src_line[s] = -1;
	if (bus_map_ports(m->bus, PCI_CONFIG_ADDR, 4, &pci_addr_ops, b,
			  "pci-conf-addr") ||
	    bus_map_ports(m->bus, PCI_CONFIG_DATA, 4, &pci_data_ops, b,
			  "pci-conf-data")) {
		free(b);
		return NULL;
	}
	state_add_hooked(&m->state, "pci", pci_bus_fields, b, NULL,
			 pci_bus_post_load, b);
	machine_add_device(m, "pci", b, pci_bus_reset, pci_bus_destroy);
	return b;
}
