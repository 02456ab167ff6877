/* core/bus.h: the port-I/O space and the MMIO range map.
 *
 * One dispatch path for the interpreter and KVM exits. Devices register
 * ranges with a small ops struct; handlers receive the offset from the start
 * of their range, so a relocatable range (a PCI BAR) needs no fix-ups.
 */
#ifndef LUCID_CORE_BUS_H
#define LUCID_CORE_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct log;

/* size is 1, 2 or 4 (8 for MMIO from 64-bit code later). A missing read
 * handler reads all-ones; a missing write handler drops the write. */
struct io_ops {
	uint32_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, uint32_t val, unsigned size);
};

struct bus_range {
	uint64_t base, size;
	const struct io_ops *ops;
	void *opaque;
	const char *name;
};

#define BUS_NPORTS 0x10000

struct bus {
	/* Port space: one slot per port pointing into ranges[] (0 = unmapped). */
	uint16_t port_slot[BUS_NPORTS];
	struct bus_range *ports; /* index 0 unused */
	unsigned nports, cap_ports;
	/* MMIO ranges, sorted by base, never overlapping. */
	struct bus_range *mmio;
	unsigned nmmio, cap_mmio;
	bool log_unmapped;
	struct log *log;
	uint64_t unmapped_reads, unmapped_writes;
};

struct bus *bus_create(struct log *log);
void bus_destroy(struct bus *b);

/* Both return 0, or -1 (and log why) if the range overlaps one already
 * mapped or is out of range. */
int bus_map_ports(struct bus *b, uint16_t base, unsigned count,
		  const struct io_ops *ops, void *opaque, const char *name);
int bus_map_mmio(struct bus *b, uint64_t base, uint64_t size,
		 const struct io_ops *ops, void *opaque, const char *name);
void bus_unmap_mmio(struct bus *b, uint64_t base);
/* Remove the port range that starts at base (a PCI BAR moving away). */
void bus_unmap_ports(struct bus *b, uint16_t base);

/* Port I/O. A multi-byte access that straddles two ranges, or lands on a
 * range without that width, is split into bytes, as the ISA bus does. */
uint32_t bus_in(struct bus *b, uint16_t port, unsigned size);
void bus_out(struct bus *b, uint16_t port, uint32_t val, unsigned size);

/* MMIO. Return false when nothing is mapped at addr (reads give all-ones). */
const struct bus_range *bus_find_mmio(const struct bus *b, uint64_t addr);
uint32_t bus_mmio_read(struct bus *b, uint64_t addr, unsigned size);
void bus_mmio_write(struct bus *b, uint64_t addr, uint32_t val, unsigned size);

#endif
