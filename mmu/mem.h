/* mmu/mem.h: guest physical memory.
 *
 * RAM is one mmap'ed block. Every 4 KiB physical page below 4 GiB has two
 * host pointers, one for reads and one for writes; NULL sends the access to
 * the slow path (ROM writes are dropped, MMIO goes to the bus, holes read
 * all-ones). The A20 gate and the CPU's address-bus width are one mask.
 * Devices doing DMA use mem_read/mem_write, which obey the same map.
 */
#ifndef LUCID_MMU_MEM_H
#define LUCID_MMU_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bus;
struct log;

#define MEM_PAGE_SHIFT 12
#define MEM_PAGE_SIZE (1u << MEM_PAGE_SHIFT)
#define MEM_NPAGES (1u << (32 - MEM_PAGE_SHIFT))
#define MEM_MAX_REGIONS 32

enum mem_kind { MEM_RAM, MEM_ROM, MEM_MMIO };

struct mem_region {
	uint64_t base, size;
	enum mem_kind kind;
	uint8_t *host; /* ROM: its bytes; RAM: ram + offset */
	const char *name;
};

struct mem {
	uint8_t *ram;
	uint64_t ram_size;
	uint32_t bus_mask; /* address-bus width: 8086 0xFFFFF, 286 0xFFFFFF */
	uint32_t mask;     /* bus_mask with A20 applied */
	bool a20;
	uint8_t **rd;      /* [MEM_NPAGES] host page for reads or NULL */
	uint8_t **wr;      /* [MEM_NPAGES] host page for writes or NULL */
	uint64_t *dirty;   /* bitmap over pages: written since the last
			    * state hash (core/state_hash.c clears it) */
	bool dirty_lost;   /* RAM was written unseen (KVM): rehash it all */
	/* Decoded-code tracking (the interpreter's instruction cache): per
	 * physical page, a mask of 64-byte lines holding the bytes of cached
	 * instructions, and a generation bumped when such a line is written
	 * (or the page is remapped), which makes the page's cached
	 * instructions stale. */
	uint64_t *code_lines; /* [MEM_NPAGES] */
	uint64_t *code_gen;   /* [MEM_NPAGES] */
	uint64_t write_gen; /* bumped on every map change (TLBs compare it) */
	struct mem_region region[MEM_MAX_REGIONS];
	unsigned nregion;
	struct bus *bus;
	struct log *log;
};

/* Returns NULL (and fills err) if the RAM cannot be allocated. */
struct mem *mem_create(uint64_t ram_size, struct bus *bus, struct log *log,
		       char *err, size_t errlen);
void mem_destroy(struct mem *m);

/* ROM copies data; size must be page-aligned. An overlapping ROM hides RAM
 * below it (as the BIOS area does). Return 0 or -1. */
int mem_add_rom(struct mem *m, uint64_t base, const void *data, uint64_t size,
		const char *name);
/* Route [base, base+size) to the bus's MMIO map (the device registers its
 * handlers with bus_map_mmio). */
int mem_add_mmio(struct mem *m, uint64_t base, uint64_t size, const char *name);
/* Make a page range read RAM or ROM and write RAM or nothing (PAM shadowing). */
void mem_set_shadow(struct mem *m, uint64_t base, uint64_t size, bool read_ram,
		    bool write_ram);

void mem_set_bus_width(struct mem *m, unsigned bits);
void mem_set_a20(struct mem *m, bool enabled);

/* Slow paths (out of line). */
uint32_t mem_read_slow(struct mem *m, uint32_t pa, unsigned size);
void mem_write_slow(struct mem *m, uint32_t pa, uint32_t val, unsigned size);

/* Drop the cached decoded instructions of a page (out of line: rare). */
void mem_code_invalidate(struct mem *m, uint32_t pfn);
/* ... of every page overlapping [pa, pa+len). */
void mem_code_invalidate_range(struct mem *m, uint64_t pa, uint64_t len);

/* A write of sz bytes (within one page) at pa: stale decoded code? One
 * load and a branch when the page holds no cached code. */
static inline void mem_code_check(struct mem *m, uint32_t pa, unsigned sz)
{
	uint32_t pfn = pa >> MEM_PAGE_SHIFT;
	uint64_t lines = m->code_lines[pfn];
	if (__builtin_expect(lines != 0, 0)) {
		uint32_t o = pa & (MEM_PAGE_SIZE - 1);
		uint64_t bits = (1ull << (o >> 6)) |
				(1ull << (((o + sz - 1) >> 6) & 63));
		if (lines & bits)
			mem_code_invalidate(m, pfn);
	}
}

/* Page-level dirty mark for writers that touch RAM through host pointers
 * of their own (vmbus rings): the page's decoded code goes stale too. */
static inline void mem_mark_dirty(struct mem *m, uint32_t pa)
{
	uint32_t pfn = pa >> MEM_PAGE_SHIFT;
	m->dirty[pfn >> 6] |= 1ull << (pfn & 63);
	if (__builtin_expect(m->code_lines[pfn] != 0, 0))
		mem_code_invalidate(m, pfn);
}

/* The CPU's and the bus's writes: dirty bit plus the line-exact code
 * check (a data write next to cached code leaves the code cached). */
static inline void mem_note_write(struct mem *m, uint32_t pa, unsigned sz)
{
	uint32_t pfn = pa >> MEM_PAGE_SHIFT;
	m->dirty[pfn >> 6] |= 1ull << (pfn & 63);
	mem_code_check(m, pa, sz);
}

/* A write of len >= 1 bytes inside the page of pa (bulk string stores). */
static inline void mem_note_write_range(struct mem *m, uint32_t pa,
					uint32_t len)
{
	uint32_t pfn = pa >> MEM_PAGE_SHIFT;
	uint64_t lines = m->code_lines[pfn];
	m->dirty[pfn >> 6] |= 1ull << (pfn & 63);
	if (__builtin_expect(lines != 0, 0)) {
		uint32_t o = pa & (MEM_PAGE_SIZE - 1);
		unsigned a = o >> 6, b = ((o + len - 1) >> 6) & 63;
		uint64_t bits = (b == 63 ? ~0ull : (2ull << b) - 1) &
				~((1ull << a) - 1);
		if (lines & bits)
			mem_code_invalidate(m, pfn);
	}
}

/* Physical accessors. pa is masked by the A20/bus mask. Accesses that cross
 * a page boundary go byte by byte through the slow path. */
static inline uint8_t mem_read8(struct mem *m, uint32_t pa)
{
	pa &= m->mask;
	uint8_t *p = m->rd[pa >> MEM_PAGE_SHIFT];
	return p ? p[pa & (MEM_PAGE_SIZE - 1)] : (uint8_t)mem_read_slow(m, pa, 1);
}

static inline uint16_t mem_read16(struct mem *m, uint32_t pa)
{
	pa &= m->mask;
	uint8_t *p = m->rd[pa >> MEM_PAGE_SHIFT];
	uint32_t off = pa & (MEM_PAGE_SIZE - 1);
	if (p && off <= MEM_PAGE_SIZE - 2) {
		uint16_t v;
		memcpy(&v, p + off, 2);
		return v;
	}
	return (uint16_t)mem_read_slow(m, pa, 2);
}

static inline uint32_t mem_read32(struct mem *m, uint32_t pa)
{
	pa &= m->mask;
	uint8_t *p = m->rd[pa >> MEM_PAGE_SHIFT];
	uint32_t off = pa & (MEM_PAGE_SIZE - 1);
	if (p && off <= MEM_PAGE_SIZE - 4) {
		uint32_t v;
		memcpy(&v, p + off, 4);
		return v;
	}
	return mem_read_slow(m, pa, 4);
}

static inline void mem_write8(struct mem *m, uint32_t pa, uint8_t v)
{
	pa &= m->mask;
	uint8_t *p = m->wr[pa >> MEM_PAGE_SHIFT];
	if (p) {
		p[pa & (MEM_PAGE_SIZE - 1)] = v;
		mem_note_write(m, pa, 1);
	} else {
		mem_write_slow(m, pa, v, 1);
	}
}

static inline void mem_write16(struct mem *m, uint32_t pa, uint16_t v)
{
	pa &= m->mask;
	uint8_t *p = m->wr[pa >> MEM_PAGE_SHIFT];
	uint32_t off = pa & (MEM_PAGE_SIZE - 1);
	if (p && off <= MEM_PAGE_SIZE - 2) {
		memcpy(p + off, &v, 2);
		mem_note_write(m, pa, 2);
	} else {
		mem_write_slow(m, pa, v, 2);
	}
}

static inline void mem_write32(struct mem *m, uint32_t pa, uint32_t v)
{
	pa &= m->mask;
	uint8_t *p = m->wr[pa >> MEM_PAGE_SHIFT];
	uint32_t off = pa & (MEM_PAGE_SIZE - 1);
	if (p && off <= MEM_PAGE_SIZE - 4) {
		memcpy(p + off, &v, 4);
		mem_note_write(m, pa, 4);
	} else {
		mem_write_slow(m, pa, v, 4);
	}
}

/* Block copies for DMA and loaders (no A20 mask: devices see the full bus). */
void mem_read(struct mem *m, uint64_t pa, void *buf, size_t len);
void mem_write(struct mem *m, uint64_t pa, const void *buf, size_t len);
/* Load into RAM or ROM regardless of write protection (firmware, tests). */
void mem_load(struct mem *m, uint64_t pa, const void *buf, size_t len);

bool mem_test_and_clear_dirty(struct mem *m, uint32_t pfn);

#endif
