/* vmbus/ring.c: the ring-buffer library (see ring.h for the layout). */
#include "vmbus/ring.h"

#include <string.h>

#include "vmbus/gpa.h"

int ring_init(struct ring *r, struct mem *mem, const uint64_t *pfn,
	      uint32_t npages)
{
	memset(r, 0, sizeof(*r));
	if (npages < 2 || npages > RING_MAX_PAGES)
		return -1;
	for (uint32_t i = 0; i < npages; i++)
		if (!gpa_pfn_ok(mem, pfn[i]))
			return -1;
	r->mem = mem;
	r->pfn = pfn;
	r->npages = npages;
	r->size = (npages - 1) * GPA_PAGE;
	return 0;
}

uint32_t ring_hdr_get(const struct ring *r, unsigned off)
{
	const uint8_t *p = r->mem ? gpa_page(r->mem, r->pfn[0], false) : NULL;
	return p && off <= GPA_PAGE - 4 ? get_le32(p + off) : 0;
}

void ring_hdr_set(const struct ring *r, unsigned off, uint32_t v)
{
	uint8_t *p = r->mem ? gpa_page(r->mem, r->pfn[0], true) : NULL;
	if (!p || off > GPA_PAGE - 4)
		return;
	put_le32(p + off, v);
	mem_mark_dirty(r->mem, (uint32_t)(r->pfn[0] << 12));
}

/* Copy len (<= size) bytes at data offset off (< size), wrapping. */
static int ring_data(const struct ring *r, uint32_t off, void *buf,
		     uint32_t len, bool write)
{
	uint8_t *b = buf;

	while (len) {
		uint32_t po = off % GPA_PAGE, n = GPA_PAGE - po;
		uint8_t *p = gpa_page(r->mem, r->pfn[1 + off / GPA_PAGE], write);
		if (!p)
			return -1;
		if (n > len)
			n = len;
		if (write) {
			memcpy(p + po, b, n);
			mem_mark_dirty(r->mem,
				       (uint32_t)(r->pfn[1 + off / GPA_PAGE] << 12));
		} else {
			memcpy(b, p + po, n);
		}
		b += n, len -= n, off += n;
		if (off == r->size)
			off = 0;
	}
	return 0;
}

/* Indexes: both in range and 8-aligned, or the ring is corrupt. */
static int ring_indexes(const struct ring *r, uint32_t *w, uint32_t *rd)
{
	if (!r->mem)
		return -1;
	*w = ring_hdr_get(r, RING_HDR_WRITE);
	*rd = ring_hdr_get(r, RING_HDR_READ);
	if (*w >= r->size || *rd >= r->size || ((*w | *rd) & 7))
		return -1;
	return 0;
}

static uint32_t ring_used(const struct ring *r, uint32_t w, uint32_t rd)
{
	return w >= rd ? w - rd : r->size - rd + w;
}

int ring_read_packet(const struct ring *r, void *buf, size_t cap,
		     struct ring_pkt *pkt)
{
	uint32_t w, rd;
	uint8_t d[RING_DESC];

	if (ring_indexes(r, &w, &rd))
		return -1;
	uint32_t avail = ring_used(r, w, rd);
	if (!avail)
		return 0;
	if (avail < RING_DESC + RING_TRAILER || ring_data(r, rd, d, RING_DESC, false))
		return -1;
	pkt->type = get_le16(d);
	pkt->offset = (uint32_t)get_le16(d + 2) * 8;
	pkt->len = (uint32_t)get_le16(d + 4) * 8;
	pkt->flags = get_le16(d + 6);
	pkt->trans_id = get_le64(d + 8);
	if (pkt->len < RING_DESC || pkt->offset < RING_DESC ||
	    pkt->offset > pkt->len || pkt->len + RING_TRAILER > avail)
		return -1;
	uint32_t n = pkt->len < cap ? pkt->len : (uint32_t)cap;
	if (ring_data(r, rd, buf, n, false))
		return -1;
	return 1;
}

bool ring_read_commit(const struct ring *r, const struct ring_pkt *pkt)
{
	uint32_t w, rd;

	if (ring_indexes(r, &w, &rd))
		return false;
	uint32_t used = ring_used(r, w, rd), step = pkt->len + RING_TRAILER;
	if (step > used)
		return false;
	ring_hdr_set(r, RING_HDR_READ, (uint32_t)((rd + step) % r->size));
	/* The writer waits for pending_send_sz bytes: tell it when this
	 * read made them free (and not already before). */
	uint32_t pend = ring_hdr_get(r, RING_HDR_PENDING);
	uint32_t free_after = r->size - (used - step);
	return pend && free_after > pend && free_after - step <= pend;
}

uint32_t ring_write_space(const struct ring *r)
{
	uint32_t w, rd;

	if (ring_indexes(r, &w, &rd))
		return 0;
	uint32_t free = r->size - ring_used(r, w, rd);
	return free ? free - 1 : 0;
}

int ring_write_packet(const struct ring *r, uint16_t type, uint16_t flags,
		      uint64_t trans_id, const struct ring_iov *iov,
		      unsigned niov, uint32_t hdr_len, bool *signal)
{
	static const uint8_t zero[8];
	uint32_t w, rd;
	uint64_t body = 0;
	uint8_t d[RING_DESC], trailer[RING_TRAILER];

	*signal = false;
	if (ring_indexes(r, &w, &rd))
		return -1;
	for (unsigned i = 0; i < niov; i++)
		body += iov[i].len;
	uint64_t len = (RING_DESC + body + 7) & ~7ull;
	uint64_t total = len + RING_TRAILER;
	if ((hdr_len & 7) || hdr_len > body || len > 0xffff * 8 ||
	    total >= r->size)
		return -1;
	if (total >= r->size - ring_used(r, w, rd)) {
		ring_hdr_set(r, RING_HDR_PENDING, (uint32_t)total);
		return 0;
	}
	put_le16(d, type);
	put_le16(d + 2, (uint16_t)((RING_DESC + hdr_len) / 8));
	put_le16(d + 4, (uint16_t)(len / 8));
	put_le16(d + 6, flags);
	put_le64(d + 8, trans_id);
	uint32_t at = w;
	if (ring_data(r, at, d, RING_DESC, true))
		return -1;
	at = (at + RING_DESC) % r->size;
	for (unsigned i = 0; i < niov; i++) {
		/* iov lengths are the host's own: bounded by the check above. */
		if (ring_data(r, at, (void *)iov[i].p, (uint32_t)iov[i].len, true))
			return -1;
		at = (uint32_t)((at + iov[i].len) % r->size);
	}
	uint32_t pad = (uint32_t)(len - RING_DESC - body);
	if (pad && ring_data(r, at, (void *)zero, pad, true))
		return -1;
	at = (at + pad) % r->size;
	put_le64(trailer, (uint64_t)w << 32);
	if (ring_data(r, at, trailer, RING_TRAILER, true))
		return -1;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ring_hdr_set(r, RING_HDR_WRITE, (uint32_t)((w + total) % r->size));
	if (ring_hdr_get(r, RING_HDR_PENDING))
		ring_hdr_set(r, RING_HDR_PENDING, 0);
	/* Interrupt only on empty -> non-empty and if the reader wants one. */
	*signal = !ring_hdr_get(r, RING_HDR_IMASK) &&
		  ring_hdr_get(r, RING_HDR_READ) == w;
	return 1;
}

int ring_gpa_range(const uint8_t *pkt, size_t len, struct ring_range *out)
{
	/* u32 reserved @16, u32 range count @20, range @24. */
	if (len < 32 || get_le32(pkt + 20) < 1)
		return -1;
	out->byte_count = get_le32(pkt + 24);
	out->byte_offset = get_le32(pkt + 28);
	uint64_t end = (uint64_t)out->byte_offset + out->byte_count;
	uint64_t npfn = (end + GPA_PAGE - 1) / GPA_PAGE;
	if (out->byte_offset >= GPA_PAGE || npfn > (len - 32) / 8)
		return -1;
	out->npfn = (uint32_t)npfn;
	out->pfns = pkt + 32;
	return 0;
}

/* One range at pkt[at..len): its end, or 0 if it does not fit. */
static size_t ring_range_at(const uint8_t *pkt, size_t len, size_t at,
			    struct ring_range *out)
{
	if (at > len || len - at < 8)
		return 0;
	out->byte_count = get_le32(pkt + at);
	out->byte_offset = get_le32(pkt + at + 4);
	uint64_t end = (uint64_t)out->byte_offset + out->byte_count;
	uint64_t npfn = (end + GPA_PAGE - 1) / GPA_PAGE;
	if (out->byte_offset >= GPA_PAGE || npfn > (len - at - 8) / 8)
		return 0;
	out->npfn = (uint32_t)npfn;
	out->pfns = pkt + at + 8;
	return at + 8 + 8 * (size_t)npfn;
}

int ring_gpa_ranges(const uint8_t *pkt, size_t len, struct ring_range *out,
		    unsigned max)
{
	if (len < 24)
		return -1;
	uint32_t n = get_le32(pkt + 20);
	size_t at = 24;

	if (n > max)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		at = ring_range_at(pkt, len, at, &out[i]);
		if (!at)
			return -1;
	}
	return (int)n;
}

int ring_range_copy(struct mem *mem, const struct ring_range *rg,
		    uint64_t off, void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf;

	if (off > rg->byte_count || len > rg->byte_count - off)
		return -1;
	uint64_t a = rg->byte_offset + off;
	while (len) {
		uint64_t idx = a / GPA_PAGE;
		if (idx >= rg->npfn)
			return -1;
		uint64_t pfn = get_le64(rg->pfns + idx * 8);
		size_t po = a % GPA_PAGE, n = GPA_PAGE - po;
		if (n > len)
			n = len;
		uint8_t *p = gpa_page(mem, pfn, to_guest);
		if (!p)
			return -1;
		if (to_guest) {
			memcpy(p + po, b, n);
			mem_mark_dirty(mem, (uint32_t)(pfn << 12));
		} else {
			memcpy(b, p + po, n);
		}
		b += n, a += n, len -= n;
	}
	return 0;
}
