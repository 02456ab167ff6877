/* core/clock.h: virtual time and the event queue.
 *
 * Guest time is a pure function of retired cycles: the CPU backend adds each
 * instruction's cost to clock->cycles and now() converts at the configured
 * frequency. Events fire at absolute virtual times; ties fire in the order
 * they were scheduled (a sequence number breaks them), so runs repeat.
 */
#ifndef LUCID_CORE_CLOCK_H
#define LUCID_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLOCK_NEVER UINT64_MAX

struct clock;
typedef void (*event_fn)(void *opaque);

struct event {
	uint64_t when; /* virtual ns */
	uint64_t seq;
	event_fn fn;
	void *opaque;
	struct clock *clock;
	const char *name;
	int slot; /* position in the heap, -1 when idle */
};

struct clock {
	uint64_t cycles; /* retired CPU cycles since power-on */
	uint64_t khz;    /* CPU frequency */
	uint64_t ns_offset; /* virtual ns that passed without cycles (HLT skips) */
	uint64_t seq;
	struct event **heap;
	unsigned nheap, cap;
};

void clock_init(struct clock *c, uint64_t khz);
void clock_destroy(struct clock *c);

uint64_t clock_cycles_to_ns(const struct clock *c, uint64_t cycles);
/* The number of cycles after which virtual time reaches at least ns. */
uint64_t clock_ns_to_cycles(const struct clock *c, uint64_t ns);

static inline uint64_t clock_now(const struct clock *c)
{
	return clock_cycles_to_ns(c, c->cycles) + c->ns_offset;
}

/* Advance an idle machine (a halted CPU) straight to time ns. */
void clock_skip_to(struct clock *c, uint64_t ns);

void event_init(struct event *e, struct clock *c, event_fn fn, void *opaque,
		const char *name);
/* Schedule (or reschedule) e at absolute virtual time when. */
void event_schedule(struct event *e, uint64_t when);
void event_cancel(struct event *e);
static inline bool event_pending(const struct event *e)
{
	return e->slot >= 0;
}

/* Time of the earliest queued event, CLOCK_NEVER if none. */
uint64_t clock_next_deadline(const struct clock *c);
/* Fire every event due at or before now, in (time, schedule order). An
 * event may schedule others, including ones due now. Returns the count. */
unsigned clock_run_due(struct clock *c);

#endif
