/* core/bus.c: port-I/O space and MMIO range map. */
#include "core/bus.h"

#include <stdlib.h>

#include "core/log.h"
#include "core/util.h"

struct bus *bus_create(struct log *log)
{
	struct bus *b = xcalloc(1, sizeof(*b));
	b->log = log;
	b->cap_ports = 16;
	b->ports = xcalloc(b->cap_ports, sizeof(*b->ports));
	b->nports = 1; /* slot 0 means unmapped */
	return b;
}

void bus_destroy(struct bus *b)
{
	if (!b)
		return;
	free(b->ports);
	free(b->mmio);
	free(b);
}

int bus_map_ports(struct bus *b, uint16_t base, unsigned count,
		  const struct io_ops *ops, void *opaque, const char *name)
{
	if (!count || base + count > BUS_NPORTS) {
		log_err(b->log, BUS, "%s: ports %#x+%u out of range", name,
			base, count);
		return -1;
	}
	for (unsigned p = base; p < base + count; p++) {
		if (b->port_slot[p]) {
			log_err(b->log, BUS, "%s: port %#x already taken by %s",
				name, p, b->ports[b->port_slot[p]].name);
			return -1;
		}
	}
	/* Reuse a slot freed by bus_unmap_ports, so a guest that keeps moving
	 * a BAR cannot exhaust the table. */
	unsigned slot = 1;
	while (slot < b->nports && b->ports[slot].size)
		slot++;
	if (slot == b->nports) {
		if (b->nports == 0xffff) {
			log_err(b->log, BUS, "%s: too many port ranges", name);
			return -1;
		}
		if (b->nports == b->cap_ports) {
			b->cap_ports *= 2;
			b->ports = xrealloc(b->ports,
					    b->cap_ports * sizeof(*b->ports));
		}
		b->nports++;
	}
	b->ports[slot] = (struct bus_range){ base, count, ops, opaque, name };
	for (unsigned p = base; p < base + count; p++)
		b->port_slot[p] = (uint16_t)slot;
	return 0;
}

int bus_map_mmio(struct bus *b, uint64_t base, uint64_t size,
		 const struct io_ops *ops, void *opaque, const char *name)
{
	if (!size || base + size < base) {
		log_err(b->log, BUS, "%s: bad MMIO range %#llx+%#llx", name,
			(unsigned long long)base, (unsigned long long)size);
		return -1;
	}
	unsigned i = 0;
	while (i < b->nmmio && b->mmio[i].base < base)
		i++;
	/* Sorted and disjoint: only the neighbours can overlap. */
	if ((i > 0 && b->mmio[i - 1].base + b->mmio[i - 1].size > base) ||
	    (i < b->nmmio && base + size > b->mmio[i].base)) {
		const struct bus_range *o =
			(i > 0 && b->mmio[i - 1].base + b->mmio[i - 1].size > base)
				? &b->mmio[i - 1]
				: &b->mmio[i];
		log_err(b->log, BUS, "%s: MMIO %#llx+%#llx overlaps %s", name,
			(unsigned long long)base, (unsigned long long)size,
			o->name);
		return -1;
	}
	if (b->nmmio == b->cap_mmio) {
		b->cap_mmio = b->cap_mmio ? b->cap_mmio * 2 : 8;
		b->mmio = xrealloc(b->mmio, b->cap_mmio * sizeof(*b->mmio));
	}
	for (unsigned j = b->nmmio; j > i; j--)
		b->mmio[j] = b->mmio[j - 1];
	b->mmio[i] = (struct bus_range){ base, size, ops, opaque, name };
	b->nmmio++;
	return 0;
}

void bus_unmap_mmio(struct bus *b, uint64_t base)
{
	for (unsigned i = 0; i < b->nmmio; i++) {
		if (b->mmio[i].base != base)
			continue;
		for (unsigned j = i; j + 1 < b->nmmio; j++)
			b->mmio[j] = b->mmio[j + 1];
		b->nmmio--;
		return;
	}
}

void bus_unmap_ports(struct bus *b, uint16_t base)
{
	uint16_t slot = b->port_slot[base];

	if (!slot || b->ports[slot].base != base)
		return;
	for (uint64_t p = base; p < base + b->ports[slot].size; p++)
		b->port_slot[p] = 0;
	b->ports[slot] = (struct bus_range){ 0 };
}

static const struct bus_range *bus_port_range(const struct bus *b,
					      uint16_t port)
{
	uint16_t slot = b->port_slot[port];
	return slot ? &b->ports[slot] : NULL;
}

static uint32_t bus_in_byte(struct bus *b, uint16_t port)
{
	const struct bus_range *r = bus_port_range(b, port);
	if (!r || !r->ops->read) {
		b->unmapped_reads++;
		if (b->log_unmapped)
			log_info(b->log, BUS, "in from unmapped port %#x", port);
		return 0xff;
	}
	return r->ops->read(r->opaque, port - r->base, 1) & 0xff;
}

static void bus_out_byte(struct bus *b, uint16_t port, uint8_t val)
{
	const struct bus_range *r = bus_port_range(b, port);
	if (!r || !r->ops->write) {
		b->unmapped_writes++;
		if (b->log_unmapped)
			log_info(b->log, BUS, "out %#x to unmapped port %#x",
				 val, port);
		return;
	}
	r->ops->write(r->opaque, port - r->base, val, 1);
}

/* A wide access goes to one device when the whole width lies in its range;
 * otherwise it is split into byte cycles, each routed on its own. */
uint32_t bus_in(struct bus *b, uint16_t port, unsigned size)
{
	const struct bus_range *r = bus_port_range(b, port);
	uint32_t mask = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	if (size == 1)
		return bus_in_byte(b, port);
	if (r && r->ops->read && port + size <= r->base + r->size)
		return r->ops->read(r->opaque, port - r->base, size) & mask;
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= bus_in_byte(b, (uint16_t)(port + i)) << (8 * i);
	return v;
}

void bus_out(struct bus *b, uint16_t port, uint32_t val, unsigned size)
{
	const struct bus_range *r = bus_port_range(b, port);

	if (size == 1) {
		bus_out_byte(b, port, (uint8_t)val);
		return;
	}
	if (r && r->ops->write && port + size <= r->base + r->size) {
		r->ops->write(r->opaque, port - r->base, val, size);
		return;
	}
	for (unsigned i = 0; i < size; i++)
		bus_out_byte(b, (uint16_t)(port + i), (uint8_t)(val >> (8 * i)));
}

const struct bus_range *bus_find_mmio(const struct bus *b, uint64_t addr)
{
	unsigned lo = 0, hi = b->nmmio;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const struct bus_range *r = &b->mmio[mid];
		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

uint32_t bus_mmio_read(struct bus *b, uint64_t addr, unsigned size)
{
	const struct bus_range *r = bus_find_mmio(b, addr);
	if (!r || !r->ops->read) {
		b->unmapped_reads++;
		if (b->log_unmapped)
			log_info(b->log, BUS, "read from unmapped MMIO %#llx",
				 (unsigned long long)addr);
		return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	}
	return r->ops->read(r->opaque, addr - r->base, size);
}

void bus_mmio_write(struct bus *b, uint64_t addr, uint32_t val, unsigned size)
{
	const struct bus_range *r = bus_find_mmio(b, addr);
	if (!r || !r->ops->write) {
		b->unmapped_writes++;
		if (b->log_unmapped)
			log_info(b->log, BUS, "write %#x to unmapped MMIO %#llx",
				 val, (unsigned long long)addr);
		return;
	}
	r->ops->write(r->opaque, addr - r->base, val, size);
}
