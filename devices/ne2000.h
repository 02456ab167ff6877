/* devices/ne2000.h: the NE2000 Ethernet board (DP8390 + 16 KiB + PROM),
 * on ISA or as the PCI RTL8029 (10ec:8029) Linux's ne2k-pci drives.
 *
 * 32 I/O ports: 0x00-0x0F the DP8390's registers, 0x10-0x17 the remote
 * DMA data port, 0x18-0x1F the reset port (a read resets the chip). The ISA
 * board sits at a fixed base and drives one ISA line (the NE2000's factory
 * setting is 0x300, IRQ 3; IRQ 3 is COM2's too, as on a real PC: pick
 * another with --nic ne2000-isa,io=...,irq=... if the guest uses COM2's
 * interrupt); the PCI one has one I/O BAR of 32 ports and INTA.
 */
#ifndef LUCID_DEVICES_NE2000_H
#define LUCID_DEVICES_NE2000_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/dp8390.h"
#include "devices/pci.h"

struct machine;
struct net;

#define NE2000_PORTS 0x20
#define NE2000_ISA_BASE 0x300
#define NE2000_ISA_IRQ 3
#define NE2000_DATA 0x10
#define NE2000_RESET 0x1f

struct ne2000 {
	struct dp8390 chip;
	struct pci_dev pci;   /* PCI variant only */
	bool is_pci;
	uint16_t io_base;     /* ISA */
	unsigned irq;         /* ISA line */
	bool irq_out;         /* host bookkeeping: the level driven */
	struct net *net;
	int nic;              /* index on the hub, -1 if none */
	char name[16];
};

/* Either returns the board, or NULL with one line in err. net may be NULL
 * (no cable). */
struct ne2000 *ne2000_isa_create(struct machine *m, struct net *net,
				 uint16_t io_base, unsigned irq,
				 const uint8_t mac[6], char *err,
				 size_t errlen);
struct ne2000 *ne2000_pci_create(struct machine *m, struct net *net,
				 struct pci_bus *bus, unsigned slot,
				 const uint8_t mac[6], char *err,
				 size_t errlen);

#endif
