/* core/pc_net.c: the board's NICs and the host network behind them.
 *
 * --nic ne2000 is the PCI RTL8029 (slots 3, 4, ... in order); --nic
 * ne2000-isa[,io=0x300][,irq=3] an ISA NE2000 (the board's factory
 * setting by default); --nic netvsc a Hyper-V synthetic NIC on VMBus
 * (vmbus/netvsp.c, needs --enlighten hyperv). Each NIC's MAC is its
 * --mac, else 52:54:00:12:34:56 plus its index: deterministic, so runs
 * and traces repeat. --net user (the default) puts libslirp behind all
 * of them; --net none (and every replay) leaves the cable unplugged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/net.h"
#include "core/util.h"
#include "devices/ne2000.h"
#include "vmbus/netvsp.h"

_Static_assert(NET_MAX_NICS == ARRAY_SIZE(((struct machine_config *)0)->nic),
	       "one hub port per --nic");

#define PC_NIC_FIRST_SLOT 3

static int parse_num(const char *s, size_t n, unsigned long max,
		     unsigned long *out)
{
	char buf[16], *end;

	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	*out = strtoul(buf, &end, 0);
	return *end || *out > max ? -1 : 0;
}

struct nic_spec {
	bool isa, netvsc;
	unsigned long io, irq;
};

static int parse_nic(const char *spec, struct nic_spec *ns, char *err,
		     size_t errlen)
{
	size_t n = strcspn(spec, ",");
	const char *p = spec + n;

	ns->io = NE2000_ISA_BASE;
	ns->irq = NE2000_ISA_IRQ;
	ns->isa = ns->netvsc = false;
	if (n == 6 && !strncmp(spec, "ne2000", 6))
		ns->isa = false;
	else if (n == 6 && !strncmp(spec, "netvsc", 6))
		ns->netvsc = true;
	else if (n == 10 && !strncmp(spec, "ne2000-isa", 10))
		ns->isa = true;
	else
		goto bad;
	while (*p == ',') {
		p++;
		size_t len = strcspn(p, ",");
		if (ns->isa && len > 3 && !strncmp(p, "io=", 3)) {
			if (parse_num(p + 3, len - 3, 0xffe0, &ns->io) ||
			    ns->io % 0x20)
				goto bad;
		} else if (ns->isa && len > 4 && !strncmp(p, "irq=", 4)) {
			if (parse_num(p + 4, len - 4, 15, &ns->irq))
				goto bad;
		} else {
			goto bad;
		}
		p += len;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "--nic %s: want none, ne2000 (PCI), "
		 "ne2000-isa[,io=0x300][,irq=3] or netvsc",
		 spec);
	return -1;
}

static const struct net_nic_ops netvsc_nic_ops = {
	.can_receive = netvsp_can_receive,
	.receive = netvsp_receive,
};

static void netvsc_transmit(void *opaque, unsigned port, const uint8_t *frame,
			    size_t len)
{
	net_transmit(opaque, port, frame, len);
}

static int netvsc_create(struct machine *m, unsigned i, const uint8_t mac[6],
			 char *err, size_t errlen)
{
	static const char *const names[NET_MAX_NICS] = {
		"netvsp0", "netvsp1", "netvsp2", "netvsp3",
	};

	if (!m->vmbus) {
		snprintf(err, errlen, "--nic netvsc needs --enlighten hyperv");
		return -1;
	}
	struct netvsp *nv = netvsp_create(m->vmbus, i, mac, &m->log, &m->state,
					  names[i]);
	if (!nv) {
		snprintf(err, errlen, "--nic netvsc: no VMBus channel left");
		return -1;
	}
	machine_add_device(m, names[i], nv, netvsp_reset, netvsp_destroy);
	int port = net_attach(m->net, &netvsc_nic_ops, nv);
	if (port < 0) {
		snprintf(err, errlen, "--nic netvsc: no network port left");
		return -1;
	}
	nv->transmit = netvsc_transmit;
	nv->tx_opaque = m->net;
	nv->port = (unsigned)port;
	return 0;
}

int pc_build_net(struct machine *m, char *err, size_t errlen)
{
	const struct machine_config *c = &m->cfg;
	unsigned slot = PC_NIC_FIRST_SLOT;

	if (!c->nic[0]) {
		if (c->net && strcmp(c->net, "none")) {
			snprintf(err, errlen, "--net %s: no --nic to connect",
				 c->net);
			return -1;
		}
		return 0;
	}
	m->net = net_create(m);
	for (unsigned i = 0; i < NET_MAX_NICS && c->nic[i]; i++) {
		struct nic_spec ns;
		uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34,
				   (uint8_t)(0x56 + i) };
		struct ne2000 *n;

		if (parse_nic(c->nic[i], &ns, err, errlen))
			return -1;
		if (c->mac[i] && (net_parse_mac(c->mac[i], mac) || (mac[0] & 1))) {
			snprintf(err, errlen,
				 "--mac %s: want a unicast address such as 52:54:00:12:34:56",
				 c->mac[i]);
			return -1;
		}
		if (ns.netvsc) {
			if (netvsc_create(m, i, mac, err, errlen))
				return -1;
			continue;
		}
		if (ns.isa) {
			n = ne2000_isa_create(m, m->net, (uint16_t)ns.io,
					      (unsigned)ns.irq, mac, err, errlen);
		} else {
			n = NULL;
			/* The next free slot after the display's. */
			while (slot < 32 && m->pci->dev[PCI_DEVFN(slot, 0)])
				slot++;
			if (slot < 32)
				n = ne2000_pci_create(m, m->net, m->pci, slot++,
						      mac, err, errlen);
			else
				snprintf(err, errlen, "--nic: no free PCI slot");
		}
		if (!n)
			return -1;
	}
	if (c->net && !strcmp(c->net, "none"))
		return 0;
	return net_slirp_open(m->net, &m->clock, &m->log,
			      c->net ? c->net : "user", err, errlen);
}
