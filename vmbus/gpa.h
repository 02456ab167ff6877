/* vmbus/gpa.h: guest-physical accesses for VMBus hosts, checked.
 *
 * Every address a guest hands the host (GPADL pages, hypercall buffers,
 * SynIC pages) is untrusted. These helpers touch a page only if the map
 * says it is plain RAM for that direction (not ROM, MMIO or a hole), so a
 * hostile guest can make an access fail but never reach device registers
 * or host memory outside guest RAM. Writes mark the dirty bitmap.
 */
#ifndef LUCID_VMBUS_GPA_H
#define LUCID_VMBUS_GPA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mmu/mem.h"

#define GPA_PAGE 4096u

/* The host pointer of RAM page pfn, or NULL if it is not RAM both ways. */
static inline uint8_t *gpa_page(struct mem *m, uint64_t pfn, bool write)
{
	if (pfn >= MEM_NPAGES || pfn >= m->ram_size >> MEM_PAGE_SHIFT)
		return NULL;
	uint8_t *want = m->ram + (pfn << MEM_PAGE_SHIFT);
	if (m->rd[pfn] != want || (write && m->wr[pfn] != want))
		return NULL;
	return want;
}

static inline bool gpa_pfn_ok(struct mem *m, uint64_t pfn)
{
	return gpa_page(m, pfn, true) != NULL;
}

/* Copy [gpa, gpa+len) out of / into RAM. 0, or -1 (nothing guaranteed
 * about a partial copy) if any page of it is not RAM. */
static inline int gpa_read(struct mem *m, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		size_t off = gpa & (GPA_PAGE - 1), n = GPA_PAGE - off;
		const uint8_t *p = gpa_page(m, gpa >> MEM_PAGE_SHIFT, false);
		if (!p)
			return -1;
		if (n > len)
			n = len;
		memcpy(out, p + off, n);
		out += n, gpa += n, len -= n;
	}
	return 0;
}

static inline int gpa_write(struct mem *m, uint64_t gpa, const void *buf,
			    size_t len)
{
	const uint8_t *in = buf;
	while (len) {
		size_t off = gpa & (GPA_PAGE - 1), n = GPA_PAGE - off;
		uint8_t *p = gpa_page(m, gpa >> MEM_PAGE_SHIFT, true);
		if (!p)
			return -1;
		if (n > len)
			n = len;
		memcpy(p + off, in, n);
		mem_mark_dirty(m, (uint32_t)gpa);
		in += n, gpa += n, len -= n;
	}
	return 0;
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
