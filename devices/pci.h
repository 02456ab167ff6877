/* devices/pci.h: the PCI bus core (configuration mechanism #1, bus 0).
 *
 * A PCI function embeds a struct pci_dev in its own state: a 256-byte
 * configuration space with a write mask, and up to six BARs plus the
 * expansion ROM. The core does config cycles through 0xCF8/0xCFC, BAR
 * sizing, and maps or unmaps a BAR on the bus whenever its address or the
 * command register's I/O / memory decode bit changes. INTx goes through the
 * i440FX slot swizzle to a PIRQ, which the PIIX3 routes to an ISA IRQ.
 */
#ifndef LUCID_DEVICES_PCI_H
#define LUCID_DEVICES_PCI_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct io_ops;

/* Configuration header offsets and bits used across devices. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_FAST_BACK 0x0080
#define PCI_STATUS_DEVSEL_MEDIUM 0x0200
#define PCI_HEADER_MULTIFUNCTION 0x80

#define PCI_NBARS 7      /* BAR0-5 and the expansion ROM */
#define PCI_ROM_BAR 6
#define PCI_NDEVFN 256   /* 32 slots x 8 functions */
#define PCI_NPIRQ 4      /* PIRQA-D */
#define PCI_ISA_NSRC 2   /* non-PCI sources sharing ISA lines (the SCI) */
#define PCI_ISA_SRC_SCI 0

/* BAR flags: the low bits the BAR reads back with. */
#define PCI_BAR_MEM 0x0
#define PCI_BAR_IO 0x1
#define PCI_BAR_PREFETCH 0x8

struct pci_dev;
/* Put BAR `bar` at `addr` (return 0, or -1 if the range is taken) / take it
 * away again. Called by the core as decoding or the address changes. */
typedef int (*pci_map_fn)(struct pci_dev *d, unsigned bar, uint32_t addr);
typedef void (*pci_unmap_fn)(struct pci_dev *d, unsigned bar, uint32_t addr);

struct pci_bar {
	uint32_t size;      /* power of two; 0 = no such BAR */
	uint8_t flags;      /* PCI_BAR_* */
	pci_map_fn map;
	pci_unmap_fn unmap;
	/* For pci_register_bar_ops: what the default map puts on the bus. */
	const struct io_ops *ops;
	void *opaque;
	const char *name;
	/* Host bookkeeping: what is on the bus now (derived from config). */
	bool mapped;
	uint32_t addr;
};

struct pci_bus;

struct pci_dev {
	uint8_t config[256];
	uint8_t wmask[256];       /* 1 = guest-writable bit */
	uint8_t w1cmask[256];     /* 1 = write-1-to-clear bit */
	uint8_t reset_config[256];
	uint8_t irq_level;        /* INTx as the function drives it */
	struct pci_bus *bus;
	unsigned devfn;
	const char *name;
	char state_name[32];
	void *opaque;             /* the owning device */
	/* Called after config bytes [off, off+len) may have changed (also
	 * with 0, 256 after reset and snapshot load): re-derive side state. */
	void (*config_written)(struct pci_dev *d, unsigned off, unsigned len);
	struct pci_bar bar[PCI_NBARS];
};

struct pci_bus {
	struct machine *m;
	struct pci_dev *dev[PCI_NDEVFN];
	uint32_t addr;            /* the 0xCF8 latch */
	/* PIRQ -> ISA IRQ (or -1), installed by the PIIX3. */
	int (*route)(void *opaque, unsigned pirq);
	void *route_opaque;
	/* Byte accesses to 0xCF9 belong to the PIIX3 reset control register. */
	uint8_t (*cf9_read)(void *opaque);
	void (*cf9_write)(void *opaque, uint8_t val);
	void *cf9_opaque;
	/* Other sources on shared ISA lines, OR-ed with the PIRQs. */
	int8_t src_line[PCI_ISA_NSRC];
	uint8_t src_level[PCI_ISA_NSRC];
	/* Host bookkeeping: the level last driven on each ISA line. */
	uint8_t line_level[16];
};

struct pci_bus *pci_create(struct machine *m);

/* Fill the identity of a function; the rest of the header is zero with
 * QEMU's subsystem IDs (1af4:1100, which SeaBIOS checks to know it runs on
 * a QEMU-like machine) and the standard write masks. class24 is
 * class << 16 | subclass << 8 | prog-if. */
void pci_dev_init(struct pci_dev *d, const char *name, uint16_t vendor,
		  uint16_t device, uint8_t revision, uint32_t class24);
/* A BAR whose placement the device handles itself. */
void pci_register_bar(struct pci_dev *d, unsigned bar, uint32_t size,
		      unsigned flags, pci_map_fn map, pci_unmap_fn unmap);
/* A BAR the core maps on the bus with these ops (offsets are BAR-relative;
 * memory BARs go through bus_map_mmio, so the address range must be routed
 * to the bus, as the i440FX's PCI hole is). */
void pci_register_bar_ops(struct pci_dev *d, unsigned bar, uint32_t size,
			  unsigned flags, const struct io_ops *ops,
			  void *opaque, const char *name);
/* Plug the function in at slot.fn once its config holds the power-on
 * values (they become the reset values) and register its state. Returns
 * 0, or -1 if the slot is taken or out of range. */
int pci_add_dev(struct pci_bus *b, struct pci_dev *d, unsigned slot,
		unsigned fn);
/* Back to the power-on config (BARs unmapped, INTx low). */
void pci_dev_reset(struct pci_dev *d);

/* INTx of the function's interrupt pin. */
void pci_set_irq(struct pci_dev *d, bool level);
/* A non-PCI source (e.g. the ACPI SCI) on an ISA line that PIRQs may share. */
void pci_bus_set_isa_irq(struct pci_bus *b, unsigned src, unsigned line,
			 bool level);
/* Re-evaluate every ISA line after a routing change. */
void pci_bus_update_irqs(struct pci_bus *b);

/* Config cycles as the host bridge issues them (also handy for the machine
 * and tests). Absent functions read all-ones. */
uint32_t pci_config_read(struct pci_bus *b, unsigned devfn, unsigned off,
			 unsigned size);
void pci_config_write(struct pci_bus *b, unsigned devfn, unsigned off,
		      uint32_t val, unsigned size);

#define PCI_DEVFN(slot, fn) (((slot) << 3) | (fn))

#endif
