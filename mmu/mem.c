/* mmu/mem.c: guest physical memory map (RAM, ROM, MMIO holes, A20). */
#include "mmu/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "core/bus.h"
#include "core/log.h"

static void *map_zeroed(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void unmap(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

/* Recompute the page pointers for [base, base+size) from the region list:
 * the last region added wins, RAM shows through where nothing covers it. */
static void mem_remap(struct mem *m, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (end > (1ull << 32))
		end = 1ull << 32;
	for (uint64_t pa = base & ~(uint64_t)(MEM_PAGE_SIZE - 1); pa < end;
	     pa += MEM_PAGE_SIZE) {
		uint32_t pfn = (uint32_t)(pa >> MEM_PAGE_SHIFT);
		uint8_t *rd = pa + MEM_PAGE_SIZE <= m->ram_size ? m->ram + pa : NULL;
		uint8_t *wr = rd;

		for (unsigned i = 0; i < m->nregion; i++) {
			const struct mem_region *r = &m->region[i];
			if (pa < r->base || pa >= r->base + r->size)
				continue;
			switch (r->kind) {
			case MEM_RAM: /* shadow RAM re-enabled over ROM */
				rd = wr = r->host + (pa - r->base);
				break;
			case MEM_ROM:
				rd = r->host + (pa - r->base);
				wr = NULL;
				break;
			case MEM_MMIO:
				rd = wr = NULL;
				break;
			}
		}
		m->rd[pfn] = rd;
		m->wr[pfn] = wr;
		if (m->code_lines[pfn])
			mem_code_invalidate(m, pfn);
	}
	m->write_gen++;
}

struct mem *mem_create(uint64_t ram_size, struct bus *bus, struct log *log,
		       char *err, size_t errlen)
{
	if (ram_size < MEM_PAGE_SIZE || ram_size > (3ull << 30) ||
	    ram_size % MEM_PAGE_SIZE) {
		snprintf(err, errlen,
			 "RAM size %llu bytes: must be 4 KiB to 3 GiB in whole pages",
			 (unsigned long long)ram_size);
		return NULL;
	}
	struct mem *m = calloc(1, sizeof(*m));
	if (!m)
		goto oom;
	m->ram_size = ram_size;
	m->bus = bus;
	m->log = log;
	m->ram = map_zeroed(ram_size);
	m->rd = map_zeroed(MEM_NPAGES * sizeof(*m->rd));
	m->wr = map_zeroed(MEM_NPAGES * sizeof(*m->wr));
	m->dirty = calloc(MEM_NPAGES / 64, sizeof(uint64_t));
	m->code_lines = calloc(MEM_NPAGES, sizeof(uint64_t));
	m->code_gen = calloc(MEM_NPAGES, sizeof(uint64_t));
	if (!m->ram || !m->rd || !m->wr || !m->dirty || !m->code_lines ||
	    !m->code_gen) {
		mem_destroy(m);
		goto oom;
	}
	m->a20 = true;
	mem_set_bus_width(m, 32);
	mem_remap(m, 0, ram_size);
	return m;
oom:
	snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM",
		 (unsigned long long)(ram_size >> 20));
	return NULL;
}

void mem_destroy(struct mem *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->nregion; i++)
		if (m->region[i].kind == MEM_ROM)
			free(m->region[i].host);
	unmap(m->ram, m->ram_size);
	unmap(m->rd, MEM_NPAGES * sizeof(*m->rd));
	unmap(m->wr, MEM_NPAGES * sizeof(*m->wr));
	free(m->dirty);
	free(m->code_lines);
	free(m->code_gen);
	free(m);
}

static struct mem_region *mem_new_region(struct mem *m, uint64_t base,
					 uint64_t size, const char *name)
{
	if (!size || base % MEM_PAGE_SIZE || size % MEM_PAGE_SIZE ||
	    base + size > (1ull << 32) || m->nregion == MEM_MAX_REGIONS) {
		log_err(m->log, MEM, "region %s at %#llx+%#llx rejected", name,
			(unsigned long long)base, (unsigned long long)size);
		return NULL;
	}
	struct mem_region *r = &m->region[m->nregion++];
	r->base = base;
	r->size = size;
	r->name = name;
	return r;
}

int mem_add_rom(struct mem *m, uint64_t base, const void *data, uint64_t size,
		const char *name)
{
	/* Page-aligned: the KVM backend maps ROM pages as memory slots. */
	uint8_t *copy = aligned_alloc(MEM_PAGE_SIZE,
				      size ? size : MEM_PAGE_SIZE);
	if (!copy)
		return -1;
	struct mem_region *r = mem_new_region(m, base, size, name);
	if (!r) {
		free(copy);
		return -1;
	}
	memcpy(copy, data, size);
	r->kind = MEM_ROM;
	r->host = copy;
	mem_remap(m, base, size);
	return 0;
}

int mem_add_mmio(struct mem *m, uint64_t base, uint64_t size, const char *name)
{
	struct mem_region *r = mem_new_region(m, base, size, name);
	if (!r)
		return -1;
	r->kind = MEM_MMIO;
	mem_remap(m, base, size);
	return 0;
}

void mem_set_shadow(struct mem *m, uint64_t base, uint64_t size, bool read_ram,
		    bool write_ram)
{
	uint64_t end = base + size;

	if (end > m->ram_size)
		end = m->ram_size;
	for (uint64_t pa = base; pa < end; pa += MEM_PAGE_SIZE) {
		uint32_t pfn = (uint32_t)(pa >> MEM_PAGE_SHIFT);
		/* Start from the ROM/MMIO view, then let RAM through. */
		mem_remap(m, pa, MEM_PAGE_SIZE);
		if (read_ram)
			m->rd[pfn] = m->ram + pa;
		m->wr[pfn] = write_ram ? m->ram + pa : NULL;
	}
	m->write_gen++;
}

void mem_set_bus_width(struct mem *m, unsigned bits)
{
	m->bus_mask = bits >= 32 ? 0xffffffffu : (1u << bits) - 1;
	mem_set_a20(m, m->a20);
}

void mem_set_a20(struct mem *m, bool enabled)
{
	m->a20 = enabled;
	m->mask = enabled ? m->bus_mask : m->bus_mask & ~(1u << 20);
	m->write_gen++;
}

static const struct mem_region *mem_find(const struct mem *m, uint32_t pa)
{
	const struct mem_region *hit = NULL;
	for (unsigned i = 0; i < m->nregion; i++) {
		const struct mem_region *r = &m->region[i];
		if (pa >= r->base && pa - r->base < r->size)
			hit = r;
	}
	return hit;
}

static uint8_t mem_read_byte(struct mem *m, uint32_t pa)
{
	uint8_t *p = m->rd[pa >> MEM_PAGE_SHIFT];
	if (p)
		return p[pa & (MEM_PAGE_SIZE - 1)];
	const struct mem_region *r = mem_find(m, pa);
	if (r && r->kind == MEM_MMIO && m->bus)
		return (uint8_t)bus_mmio_read(m->bus, pa, 1);
	return 0xff;
}

static void mem_write_byte(struct mem *m, uint32_t pa, uint8_t v)
{
	uint8_t *p = m->wr[pa >> MEM_PAGE_SHIFT];
	if (p) {
		p[pa & (MEM_PAGE_SIZE - 1)] = v;
		mem_note_write(m, pa, 1);
		return;
	}
	const struct mem_region *r = mem_find(m, pa);
	if (r && r->kind == MEM_MMIO && m->bus)
		bus_mmio_write(m->bus, pa, v, 1);
	/* ROM and holes: dropped, as on the real bus. */
}

/* MMIO accesses keep their width when they sit inside one page of one
 * device; anything else (page crossings, A20 wrap) goes byte by byte. */
uint32_t mem_read_slow(struct mem *m, uint32_t pa, unsigned size)
{
	uint32_t off = pa & (MEM_PAGE_SIZE - 1);

	if (!m->rd[pa >> MEM_PAGE_SHIFT] && off + size <= MEM_PAGE_SIZE) {
		const struct mem_region *r = mem_find(m, pa);
		if (r && r->kind == MEM_MMIO && m->bus)
			return bus_mmio_read(m->bus, pa, size);
	}
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)mem_read_byte(m, (pa + i) & m->mask) << (8 * i);
	return v;
}

void mem_write_slow(struct mem *m, uint32_t pa, uint32_t val, unsigned size)
{
	uint32_t off = pa & (MEM_PAGE_SIZE - 1);

	if (!m->wr[pa >> MEM_PAGE_SHIFT] && off + size <= MEM_PAGE_SIZE) {
		const struct mem_region *r = mem_find(m, pa);
		if (r && r->kind == MEM_MMIO && m->bus) {
			bus_mmio_write(m->bus, pa, val, size);
			return;
		}
	}
	for (unsigned i = 0; i < size; i++)
		mem_write_byte(m, (pa + i) & m->mask, (uint8_t)(val >> (8 * i)));
}

void mem_read(struct mem *m, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;
	for (size_t i = 0; i < len; i++) {
		uint64_t a = pa + i;
		out[i] = a >> 32 ? 0xff : mem_read_byte(m, (uint32_t)a);
	}
}

void mem_write(struct mem *m, uint64_t pa, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	for (size_t i = 0; i < len; i++) {
		uint64_t a = pa + i;
		if (!(a >> 32))
			mem_write_byte(m, (uint32_t)a, in[i]);
	}
}

void mem_load(struct mem *m, uint64_t pa, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	for (size_t i = 0; i < len; i++) {
		uint64_t a = pa + i;
		if (a >> 32)
			break;
		uint8_t *p = m->rd[a >> MEM_PAGE_SHIFT];
		mem_code_check(m, (uint32_t)a, 1);
		if (p)
			p[a & (MEM_PAGE_SIZE - 1)] = in[i];
		else
			mem_write_byte(m, (uint32_t)a, in[i]);
		if (a < m->ram_size)
			mem_mark_dirty(m, (uint32_t)a);
	}
}

void mem_code_invalidate(struct mem *m, uint32_t pfn)
{
	m->code_lines[pfn] = 0;
	m->code_gen[pfn]++;
}

void mem_code_invalidate_range(struct mem *m, uint64_t pa, uint64_t len)
{
	if (!len)
		return;
	for (uint64_t pfn = pa >> MEM_PAGE_SHIFT;
	     pfn <= (pa + len - 1) >> MEM_PAGE_SHIFT && pfn < MEM_NPAGES; pfn++)
		if (m->code_lines[pfn])
			mem_code_invalidate(m, (uint32_t)pfn);
}

bool mem_test_and_clear_dirty(struct mem *m, uint32_t pfn)
{
	uint64_t bit = 1ull << (pfn & 63);
	bool was = m->dirty[pfn >> 6] & bit;
	m->dirty[pfn >> 6] &= ~bit;
	return was;
}
