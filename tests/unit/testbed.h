/* tests/unit/testbed.h: a machine without a CPU, for device unit tests.
 *
 * It has everything a device's _create needs (log, clock, irq, bus, memory,
 * state), so a test drives the device through the bus exactly as a guest
 * would, and advances virtual time by hand.
 */
#ifndef LUCID_TESTS_TESTBED_H
#define LUCID_TESTS_TESTBED_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "cpu/cpu.h"
#include "mmu/mem.h"

/* cpu_khz: the clock's frequency, so tests can reason in cycles or ns. */
static inline struct machine *testbed_new(uint64_t cpu_khz)
{
	struct machine *m = calloc(1, sizeof(*m));
	char err[128];

	cr_assert_not_null(m);
	m->cfg.cpu = cpu_model_find("286");
	m->cfg.mhz = (unsigned)(cpu_khz / 1000);
	m->cfg.mem_size = 1 << 20;
	m->cfg.rtc_start = 768139200; /* 1994-05-05T12:00:00Z */
	log_init(&m->log, stderr);
	clock_init(&m->clock, cpu_khz);
	irq_init(&m->irq);
	m->bus = bus_create(&m->log);
	m->mem = mem_create(m->cfg.mem_size, m->bus, &m->log, err, sizeof(err));
	cr_assert_not_null(m->mem, "%s", err);
	state_init(&m->state, m->mem);
	return m;
}

/* Let virtual time pass: ns nanoseconds, firing every event due. Events
 * fire at their own times (the clock is stepped to each deadline). */
static inline void testbed_advance_ns(struct machine *m, uint64_t ns)
{
	uint64_t target = clock_now(&m->clock) + ns;
	for (;;) {
		uint64_t next = clock_next_deadline(&m->clock);
		if (next > target)
			break;
		clock_skip_to(&m->clock, next);
		clock_run_due(&m->clock);
	}
	clock_skip_to(&m->clock, target);
}

static inline void testbed_free(struct machine *m)
{
	while (m->ndev > 0) {
		struct machine_device *d = &m->dev[--m->ndev];
		if (d->destroy)
			d->destroy(d->opaque);
	}
	state_destroy(&m->state);
	mem_destroy(m->mem);
	bus_destroy(m->bus);
	clock_destroy(&m->clock);
	free(m);
}

static inline void testbed_reset(struct machine *m)
{
	for (unsigned i = 0; i < m->ndev; i++)
		if (m->dev[i].reset)
			m->dev[i].reset(m->dev[i].opaque);
}

#endif
