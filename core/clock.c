/* core/clock.c: virtual time from retired cycles; a binary-heap event queue
 * ordered by (time, scheduling sequence). */
#include "core/clock.h"

#include <stdlib.h>

#include "core/util.h"

void clock_init(struct clock *c, uint64_t khz)
{
	*c = (struct clock){ .khz = khz ? khz : 1 };
}

void clock_destroy(struct clock *c)
{
	free(c->heap);
	c->heap = NULL;
	c->nheap = c->cap = 0;
}

/* ns = cycles * 1e6 / khz, split so it cannot overflow for any run we can
 * have (2^64 cycles) and stays exact: the same cycles give the same ns. */
uint64_t clock_cycles_to_ns(const struct clock *c, uint64_t cycles)
{
	uint64_t q = cycles / c->khz, r = cycles % c->khz;
	return q * 1000000u + r * 1000000u / c->khz;
}

uint64_t clock_ns_to_cycles(const struct clock *c, uint64_t ns)
{
	uint64_t q = ns / 1000000u, r = ns % 1000000u;
	uint64_t cyc = q * c->khz + r * c->khz / 1000000u;
	/* Round up so that clock_cycles_to_ns(result) >= ns. */
	while (clock_cycles_to_ns(c, cyc) < ns)
		cyc++;
	return cyc;
}

void clock_skip_to(struct clock *c, uint64_t ns)
{
	uint64_t now = clock_now(c);
	if (ns > now)
		c->ns_offset += ns - now;
}

static bool event_before(const struct event *a, const struct event *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_set(struct clock *c, unsigned i, struct event *e)
{
	c->heap[i] = e;
	e->slot = (int)i;
}

static void heap_up(struct clock *c, unsigned i)
{
	struct event *e = c->heap[i];
	while (i > 0) {
		unsigned parent = (i - 1) / 2;
		if (!event_before(e, c->heap[parent]))
			break;
		heap_set(c, i, c->heap[parent]);
		i = parent;
	}
	heap_set(c, i, e);
}

static void heap_down(struct clock *c, unsigned i)
{
	struct event *e = c->heap[i];
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		const struct event *best = e;
		if (l < c->nheap && event_before(c->heap[l], best))
			m = l, best = c->heap[l];
		if (r < c->nheap && event_before(c->heap[r], best))
			m = r;
		if (m == i)
			break;
		heap_set(c, i, c->heap[m]);
		i = m;
	}
	heap_set(c, i, e);
}

void event_init(struct event *e, struct clock *c, event_fn fn, void *opaque,
		const char *name)
{
	*e = (struct event){ .fn = fn, .opaque = opaque, .clock = c,
			     .name = name, .slot = -1 };
}

void event_cancel(struct event *e)
{
	struct clock *c = e->clock;
	if (e->slot < 0)
		return;
	unsigned i = (unsigned)e->slot;
	e->slot = -1;
	struct event *last = c->heap[--c->nheap];
	if (i == c->nheap)
		return;
	heap_set(c, i, last);
	heap_up(c, i);
	heap_down(c, (unsigned)last->slot);
}

void event_schedule(struct event *e, uint64_t when)
{
	struct clock *c = e->clock;
	event_cancel(e);
	if (c->nheap == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->heap = xrealloc(c->heap, c->cap * sizeof(*c->heap));
	}
	e->when = when;
	e->seq = c->seq++;
	heap_set(c, c->nheap++, e);
	heap_up(c, (unsigned)e->slot);
}

uint64_t clock_next_deadline(const struct clock *c)
{
	return c->nheap ? c->heap[0]->when : CLOCK_NEVER;
}

unsigned clock_run_due(struct clock *c)
{
	unsigned fired = 0;
	uint64_t now = clock_now(c);
	while (c->nheap && c->heap[0]->when <= now) {
		struct event *e = c->heap[0];
		event_cancel(e);
		e->fn(e->opaque);
		fired++;
	}
	return fired;
}
