/* Virtual clock and event queue: ordering, ties, conversion. */
#include <criterion/criterion.h>

#include "core/clock.h"

struct rec {
	int order[16];
	int n;
};

struct ev {
	struct event e;
	struct rec *r;
	int id;
};

static void ev_fire(void *opaque)
{
	struct ev *x = opaque;
	x->r->order[x->r->n++] = x->id;
}

Test(clock, cycles_convert_to_ns_exactly_at_configured_mhz)
{
	struct clock c;
	clock_init(&c, 4772); /* 4.772 MHz, an odd ratio on purpose */
	cr_assert_eq(clock_cycles_to_ns(&c, 0), 0);
	cr_assert_eq(clock_cycles_to_ns(&c, 4772), 1000000); /* 1 ms */
	cr_assert_eq(clock_cycles_to_ns(&c, 1), 209); /* floor(1e6/4772) */
	cr_assert_eq(clock_cycles_to_ns(&c, 4772000000ull), 1000000000000ull);
	/* ns_to_cycles is the smallest cycle count reaching the time. */
	uint64_t cyc = clock_ns_to_cycles(&c, 12345);
	cr_assert_geq(clock_cycles_to_ns(&c, cyc), 12345);
	cr_assert_lt(clock_cycles_to_ns(&c, cyc - 1), 12345);
	clock_destroy(&c);
}

Test(clock, no_overflow_for_long_runs)
{
	struct clock c;
	clock_init(&c, 3000000); /* 3 GHz */
	/* 2^62 cycles: ~48 years at 3 GHz; must not wrap. */
	uint64_t ns = clock_cycles_to_ns(&c, 1ull << 62);
	cr_assert_gt(ns, 1500000000000000000ull);
	clock_destroy(&c);
}

Test(clock, events_fire_in_time_order_and_ties_in_schedule_order)
{
	struct clock c;
	struct rec r = { .n = 0 };
	struct ev e[5];
	uint64_t when[5] = { 300, 100, 200, 100, 100 };

	clock_init(&c, 1000); /* 1 MHz: 1 cycle = 1000 ns */
	for (int i = 0; i < 5; i++) {
		e[i].r = &r;
		e[i].id = i;
		event_init(&e[i].e, &c, ev_fire, &e[i], "t");
		event_schedule(&e[i].e, when[i]);
	}
	cr_assert_eq(clock_next_deadline(&c), 100);
	c.cycles = 1; /* now = 1000 ns: all due */
	cr_assert_eq(clock_run_due(&c), 5);
	int want[5] = { 1, 3, 4, 2, 0 };
	for (int i = 0; i < 5; i++)
		cr_assert_eq(r.order[i], want[i], "position %d: got %d want %d",
			     i, r.order[i], want[i]);
	cr_assert_eq(clock_next_deadline(&c), CLOCK_NEVER);
	clock_destroy(&c);
}

Test(clock, reschedule_and_cancel)
{
	struct clock c;
	struct rec r = { .n = 0 };
	struct ev a = { .r = &r, .id = 1 }, b = { .r = &r, .id = 2 };

	clock_init(&c, 1000);
	event_init(&a.e, &c, ev_fire, &a, "a");
	event_init(&b.e, &c, ev_fire, &b, "b");
	event_schedule(&a.e, 500);
	event_schedule(&b.e, 700);
	event_schedule(&a.e, 900); /* moves a after b */
	cr_assert(event_pending(&a.e));
	cr_assert_eq(clock_next_deadline(&c), 700);
	event_cancel(&b.e);
	cr_assert_not(event_pending(&b.e));
	cr_assert_eq(clock_next_deadline(&c), 900);
	c.cycles = 1;
	cr_assert_eq(clock_run_due(&c), 1);
	cr_assert_eq(r.order[0], 1);
	clock_destroy(&c);
}

Test(clock, events_not_yet_due_stay_queued)
{
	struct clock c;
	struct rec r = { .n = 0 };
	struct ev a = { .r = &r, .id = 1 };

	clock_init(&c, 1000);
	event_init(&a.e, &c, ev_fire, &a, "a");
	event_schedule(&a.e, 5000);
	c.cycles = 4; /* 4000 ns */
	cr_assert_eq(clock_run_due(&c), 0);
	clock_skip_to(&c, 5000); /* a halted CPU jumps to the deadline */
	cr_assert_eq(clock_now(&c), 5000);
	cr_assert_eq(clock_run_due(&c), 1);
	clock_destroy(&c);
}

Test(clock, many_events_keep_heap_order)
{
	struct clock c;
	static struct ev e[200];
	struct rec r = { .n = 0 };
	uint64_t last = 0;

	clock_init(&c, 1000);
	for (int i = 0; i < 200; i++) {
		e[i].r = &r;
		event_init(&e[i].e, &c, ev_fire, &e[i], "x");
		event_schedule(&e[i].e, (uint64_t)((i * 7919) % 1000));
	}
	for (int i = 0; i < 200; i += 3)
		event_cancel(&e[i].e);
	while (clock_next_deadline(&c) != CLOCK_NEVER) {
		uint64_t d = clock_next_deadline(&c);
		cr_assert_geq(d, last);
		last = d;
		event_cancel(c.heap[0]);
	}
	clock_destroy(&c);
}
