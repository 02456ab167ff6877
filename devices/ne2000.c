/* devices/ne2000.c: the NE2000 board around the DP8390 (see ne2000.h). */
#include "devices/ne2000.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/bus.h"
#include "core/irq.h"
#include "core/machine.h"
#include "core/net.h"
#include "core/util.h"

static uint32_t ne2000_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ne2000 *n = opaque;
	uint32_t v = 0;

	if (offset >= NE2000_DATA && offset < NE2000_DATA + 8)
		return dp8390_data_read(&n->chip, size);
	if (offset >= NE2000_DATA + 8) {
		/* Reading the reset port pulses the chip's RESET pin. */
		dp8390_reset(&n->chip);
		return 0;
	}
	/* Wide register accesses are byte cycles on the board. */
	for (unsigned i = 0; i < size && offset + i < NE2000_DATA; i++)
		v |= (uint32_t)dp8390_read(&n->chip, (unsigned)offset + i)
		     << (8 * i);
	return v;
}

static void ne2000_io_write(void *opaque, uint64_t offset, uint32_t val,
			    unsigned size)
{
	struct ne2000 *n = opaque;

	if (offset >= NE2000_DATA && offset < NE2000_DATA + 8) {
		dp8390_data_write(&n->chip, val, size);
		return;
	}
	if (offset >= NE2000_DATA + 8)
		return; /* drivers write back what they read: no effect */
	for (unsigned i = 0; i < size && offset + i < NE2000_DATA; i++)
		dp8390_write(&n->chip, (unsigned)offset + i,
			     (uint8_t)(val >> (8 * i)));
}

static const struct io_ops ne2000_ops = {
	.read = ne2000_io_read,
	.write = ne2000_io_write,
};

static void ne2000_set_irq(void *opaque, bool level)
{
	struct ne2000 *n = opaque;

	if (n->is_pci) {
		pci_set_irq(&n->pci, level);
		return;
	}
	/* Drive transitions only: an ISA line may have other drivers. */
	if (level != n->irq_out) {
		n->irq_out = level;
		irq_set(&n->chip.m->irq, n->irq, level);
	}
}

static void ne2000_transmit(void *opaque, const uint8_t *frame, size_t len)
{
	struct ne2000 *n = opaque;

	if (n->net && n->nic >= 0)
		net_transmit(n->net, (unsigned)n->nic, frame, len);
}

static bool ne2000_can_receive(void *opaque, size_t len)
{
	struct ne2000 *n = opaque;
	return dp8390_can_receive(&n->chip, len);
}

static void ne2000_receive(void *opaque, const uint8_t *frame, size_t len)
{
	struct ne2000 *n = opaque;
	dp8390_receive(&n->chip, frame, len);
}

static const struct net_nic_ops ne2000_nic_ops = {
	.can_receive = ne2000_can_receive,
	.receive = ne2000_receive,
};

static void ne2000_reset(void *opaque)
{
	struct ne2000 *n = opaque;

	if (n->is_pci)
		pci_dev_reset(&n->pci);
	dp8390_reset(&n->chip);
}

static void ne2000_post_load(void *opaque)
{
	struct ne2000 *n = opaque;

	dp8390_post_load(&n->chip);
	/* Re-drive the ISA line from ISR & IMR, whatever it was before. */
	if (!n->is_pci)
		irq_set(&n->chip.m->irq, n->irq, n->irq_out);
}

static void ne2000_destroy(void *opaque)
{
	free(opaque);
}

static struct ne2000 *ne2000_new(struct net *net, bool is_pci)
{
	struct ne2000 *n = xcalloc(1, sizeof(*n));

	n->is_pci = is_pci;
	n->net = net;
	n->nic = -1;
	n->chip.opaque = n;
	n->chip.set_irq = ne2000_set_irq;
	n->chip.transmit = ne2000_transmit;
	n->chip.rtl8029 = is_pci;
	return n;
}

/* Attach to the hub, register state, join the machine's reset list. */
static void ne2000_finish(struct machine *m, struct ne2000 *n,
			  const uint8_t mac[6])
{
	dp8390_init(&n->chip, m, mac, n->name);
	if (n->net)
		n->nic = net_attach(n->net, &ne2000_nic_ops, n);
	dp8390_reset(&n->chip);
	state_add_hooked(&m->state, n->name, dp8390_fields, &n->chip, NULL,
			 ne2000_post_load, n);
	machine_add_device(m, n->name, n, ne2000_reset, ne2000_destroy);
}

struct ne2000 *ne2000_isa_create(struct machine *m, struct net *net,
				 uint16_t io_base, unsigned irq,
				 const uint8_t mac[6], char *err,
				 size_t errlen)
{
	struct ne2000 *n = ne2000_new(net, false);

	n->io_base = io_base;
	n->irq = irq;
	snprintf(n->name, sizeof(n->name), "ne2000-%x", io_base);
	if (irq >= 16 || bus_map_ports(m->bus, io_base, NE2000_PORTS,
				       &ne2000_ops, n, n->name)) {
		snprintf(err, errlen,
			 "ne2000-isa: %s",
			 irq >= 16 ? "IRQ must be 0-15"
				   : "its 32 ports are taken by another device");
		free(n);
		return NULL;
	}
	ne2000_finish(m, n, mac);
	return n;
}

struct ne2000 *ne2000_pci_create(struct machine *m, struct net *net,
				 struct pci_bus *bus, unsigned slot,
				 const uint8_t mac[6], char *err,
				 size_t errlen)
{
	struct ne2000 *n = ne2000_new(net, true);

	snprintf(n->name, sizeof(n->name), "ne2000-pci%02x", slot);
	/* Realtek RTL8029(AS), Ethernet controller, INTA. */
	pci_dev_init(&n->pci, "ne2000", 0x10ec, 0x8029, 0x00, 0x020000);
	n->pci.opaque = n;
	n->pci.config[PCI_INTERRUPT_PIN] = 1;
	pci_register_bar_ops(&n->pci, 0, NE2000_PORTS, PCI_BAR_IO, &ne2000_ops,
			     n, n->name);
	if (pci_add_dev(bus, &n->pci, slot, 0)) {
		snprintf(err, errlen, "ne2000: PCI slot %u is taken", slot);
		free(n);
		return NULL;
	}
	ne2000_finish(m, n, mac);
	return n;
}
