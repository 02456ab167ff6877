/* vmbus/gpadl.c: guest physical address descriptor lists.
 *
 * A GPADL names guest pages for the host (ring buffers, receive buffers).
 * The guest sends a HEADER with the total size and the first pfns, then
 * as many BODY messages as the rest needs; the host answers GPADL_CREATED
 * only once all have arrived. Pfns live in one fixed pool, compacted on
 * teardown, so the state table holds all of it and nothing is allocated
 * at the guest's request. Every count is checked against the message and
 * the pool before use; every pfn must be guest RAM.
 */
#include <string.h>

#include "core/log.h"
#include "vmbus/gpa.h"
#include "vmbus/vmbus.h"

static struct vmbus_gpadl *gpadl_find(struct vmbus *vb, uint32_t id)
{
	for (unsigned i = 0; i < VMBUS_MAX_GPADLS; i++)
		if (vb->gpadl[i].state && vb->gpadl[i].id == id)
			return &vb->gpadl[i];
	return NULL;
}

const uint64_t *vmbus_gpadl_pfns(struct vmbus *vb, uint32_t id,
				 uint32_t *npfn)
{
	struct vmbus_gpadl *g = gpadl_find(vb, id);

	if (!g || g->state != 2 || g->first > VMBUS_PFN_POOL ||
	    g->npfn > VMBUS_PFN_POOL - g->first)
		return NULL;
	*npfn = g->npfn;
	return vb->pfn_pool + g->first;
}

static void gpadl_free(struct vmbus *vb, struct vmbus_gpadl *g)
{
	uint32_t end = g->first + g->npfn;

	if (end <= vb->pfn_used && g->first <= end) {
		memmove(vb->pfn_pool + g->first, vb->pfn_pool + end,
			(vb->pfn_used - end) * sizeof(uint64_t));
		vb->pfn_used -= g->npfn;
		for (unsigned i = 0; i < VMBUS_MAX_GPADLS; i++)
			if (vb->gpadl[i].state && vb->gpadl[i].first >= end)
				vb->gpadl[i].first -= g->npfn;
	}
	memset(g, 0, sizeof(*g));
}

/* All pfns arrived: usable only if every page is RAM. */
static uint32_t gpadl_finish(struct vmbus *vb, struct vmbus_gpadl *g)
{
	for (uint32_t i = 0; i < g->npfn; i++) {
		if (!gpa_pfn_ok(vb->mem, vb->pfn_pool[g->first + i])) {
			log_warn(vb->log, VMBUS,
				 "GPADL %#x: page %#llx is not RAM", g->id,
				 (unsigned long long)vb->pfn_pool[g->first + i]);
			gpadl_free(vb, g);
			return VMBUS_GPADL_FAILED;
		}
	}
	g->state = 2;
	return 0;
}

static void gpadl_copy(struct vmbus *vb, struct vmbus_gpadl *g,
		       const uint8_t *pfns, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		vb->pfn_pool[g->first + g->have + i] = get_le64(pfns + 8 * i);
	g->have += n;
}

bool gpadl_header(struct vmbus *vb, const uint8_t *msg, uint32_t size,
		  uint32_t *id, uint32_t *relid, uint32_t *status)
{
	struct vmbus_gpadl *g = NULL;

	if (size < 28)
		return false; /* nothing to answer: no id */
	*relid = get_le32(msg + 8);
	*id = get_le32(msg + 12);
	*status = VMBUS_GPADL_FAILED;
	uint32_t buflen = get_le16(msg + 16), nrange = get_le16(msg + 18);
	uint32_t offset = get_le32(msg + 24);
	uint32_t here = (size - 28) / 8;
	/* One range (what Linux sends), pfns after an 8-byte range head. */
	if (!*id || gpadl_find(vb, *id) || nrange != 1 || buflen < 16 ||
	    (buflen - 8) % 8 || offset >= GPA_PAGE)
		return true;
	uint32_t npfn = (buflen - 8) / 8;
	if (here > npfn || npfn > VMBUS_PFN_POOL - vb->pfn_used)
		return true;
	for (unsigned i = 0; i < VMBUS_MAX_GPADLS && !g; i++)
		if (!vb->gpadl[i].state)
			g = &vb->gpadl[i];
	if (!g)
		return true;
	g->id = *id;
	g->relid = *relid;
	g->first = vb->pfn_used;
	g->npfn = npfn;
	g->have = 0;
	g->state = 1;
	vb->pfn_used += npfn;
	gpadl_copy(vb, g, msg + 28, here);
	if (g->have < g->npfn)
		return false;
	*status = gpadl_finish(vb, g);
	return true;
}

bool gpadl_body(struct vmbus *vb, const uint8_t *msg, uint32_t size,
		uint32_t *id, uint32_t *relid, uint32_t *status)
{
	if (size < 16)
		return false;
	*id = get_le32(msg + 12);
	struct vmbus_gpadl *g = gpadl_find(vb, *id);
	if (!g || g->state != 1)
		return false; /* stray body: already answered or never begun */
	*relid = g->relid;
	uint32_t n = (size - 16) / 8;
	if (n > g->npfn - g->have) {
		gpadl_free(vb, g);
		*status = VMBUS_GPADL_FAILED;
		return true;
	}
	gpadl_copy(vb, g, msg + 16, n);
	if (g->have < g->npfn)
		return false;
	*status = gpadl_finish(vb, g);
	return true;
}

bool gpadl_teardown(struct vmbus *vb, uint32_t id)
{
	struct vmbus_gpadl *g = gpadl_find(vb, id);

	if (!g)
		return false;
	gpadl_free(vb, g);
	return true;
}

void gpadl_reset(struct vmbus *vb)
{
	memset(vb->gpadl, 0, sizeof(vb->gpadl));
	memset(vb->pfn_pool, 0, sizeof(vb->pfn_pool));
	vb->pfn_used = 0;
}
