/* The 8254 PIT (channel 2 through port 0x61), driven through the bus against virtual time.
 *
 * Expected times come from the datasheet: CLK edge k happens at k/1.193182
 * MHz (first virtual ns: tick_ns(k)); a count written during tick T is
 * loaded by the pulse at T+1, which does not decrement it. */
#include "tests/unit/testbed.h"

#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port61.h"

#define MAX_EDGES 4096

/* Rising edges of IRQ0 as the interrupt controller would see them. */
static struct {
	unsigned n, calls;
	bool level;
	uint64_t at[MAX_EDGES];
	struct machine *m;
} irq0;

static void irq0_sink(void *opaque, unsigned line, bool level)
{
	if (line != 0)
		return;
	irq0.calls++;
	if (level && !irq0.level && irq0.n < MAX_EDGES)
		irq0.at[irq0.n++] = clock_now(&irq0.m->clock);
	irq0.level = level;
}

static uint64_t tick_ns(uint64_t k)
{
	return (k * 1000000000ull + 1193181) / 1193182;
}

static struct machine *new_pit_machine(void)
{
	struct machine *m = testbed_new(1000000);
	struct pit *p = pit_create(m);
	cr_assert_not_null(p);
	cr_assert_not_null(port61_create(m, p));
	memset(&irq0, 0, sizeof(irq0));
	irq0.m = m;
	irq0.level = m->irq.level[0];
	irq_set_sink(&m->irq, irq0_sink, NULL);
	return m;
}

static void run_to(struct machine *m, uint64_t ns)
{
	uint64_t now = clock_now(&m->clock);
	cr_assert_geq(ns, now);
	testbed_advance_ns(m, ns - now);
}

/* As run_to, counting the events that fire. */
static unsigned run_to_counting(struct machine *m, uint64_t ns)
{
	unsigned fired = 0;
	for (;;) {
		uint64_t next = clock_next_deadline(&m->clock);
		if (next > ns)
			break;
		clock_skip_to(&m->clock, next);
		fired += clock_run_due(&m->clock);
	}
	clock_skip_to(&m->clock, ns);
	return fired;
}

static void ctl(struct machine *m, uint8_t v)
{
	bus_out(m->bus, 0x43, v, 1);
}

static void count16(struct machine *m, unsigned ch, uint16_t v)
{
	bus_out(m->bus, (uint16_t)(0x40 + ch), v & 0xff, 1);
	bus_out(m->bus, (uint16_t)(0x40 + ch), v >> 8, 1);
}

static uint16_t read16(struct machine *m, unsigned ch)
{
	uint16_t lo = (uint16_t)bus_in(m->bus, (uint16_t)(0x40 + ch), 1);
	return (uint16_t)(lo | bus_in(m->bus, (uint16_t)(0x40 + ch), 1) << 8);
}

/* Latch and read a channel in LSB-then-MSB mode. */
static uint16_t latched16(struct machine *m, unsigned ch)
{
	ctl(m, (uint8_t)(ch << 6));
	return read16(m, ch);
}

static bool out2(struct machine *m)
{
	return bus_in(m->bus, 0x61, 1) & 0x20;
}

Test(pit, mode0_terminal_count_raises_irq0_count_pulses_after_the_load)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0x30); /* ch0, LSB then MSB, mode 0 */
	cr_assert_eq(m->irq.level[0], 0, "mode 0 control word drops OUT");
	count16(m, 0, 1000); /* during tick 0: loaded at tick 1 */
	run_to(m, tick_ns(1001) - 1);
	cr_assert_eq(irq0.n, 0);
	run_to(m, tick_ns(1001));
	cr_assert_eq(irq0.n, 1);
	cr_assert_eq(irq0.at[0], tick_ns(1001));
	/* 1000 counts at 1.193182 MHz after the loading pulse. */
	cr_assert_eq(irq0.at[0] - tick_ns(1), 838095);
	run_to(m, 1000000000);
	cr_assert_eq(irq0.n, 1, "one shot only");
	cr_assert_eq(m->irq.level[0], 1, "OUT stays high");
	testbed_free(m);
}

Test(pit, mode0_count_written_mid_tick_still_waits_for_the_next_pulse)
{
	struct machine *m = new_pit_machine();

	run_to(m, tick_ns(5) + 100);
	ctl(m, 0x30);
	count16(m, 0, 10);
	run_to(m, tick_ns(16) - 1);
	cr_assert_eq(irq0.n, 0);
	run_to(m, tick_ns(16));
	cr_assert_eq(irq0.n, 1);
	testbed_free(m);
}

Test(pit, mode0_counter_keeps_counting_through_zero)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb0); /* ch2 mode 0 */
	count16(m, 2, 100);
	run_to(m, tick_ns(1 + 100));
	cr_assert_eq(latched16(m, 2), 0);
	cr_assert(out2(m));
	run_to(m, tick_ns(1 + 105));
	cr_assert_eq(latched16(m, 2), 0xfffb);
	cr_assert(out2(m));
	testbed_free(m);
}

Test(pit, mode0_first_byte_of_a_new_count_stops_counting_and_drops_out)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb0);
	count16(m, 2, 5);
	run_to(m, tick_ns(20));
	cr_assert(out2(m));
	bus_out(m->bus, 0x42, 50, 1); /* LSB */
	cr_assert(!out2(m), "OUT drops with the first byte");
	uint16_t frozen = read16(m, 2);
	run_to(m, tick_ns(30));
	cr_assert_eq(read16(m, 2), frozen);
	bus_out(m->bus, 0x42, 0, 1); /* MSB: count 50, loaded at tick 31 */
	run_to(m, tick_ns(31 + 50) - 1);
	cr_assert(!out2(m));
	run_to(m, tick_ns(31 + 50));
	cr_assert(out2(m));
	testbed_free(m);
}

Test(pit, mode2_rate_generator_costs_one_event_per_irq0)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0x34); /* ch0 mode 2 */
	count16(m, 0, 11932);
	unsigned fired = run_to_counting(m, 1000000000);
	/* Rises at ticks 1 + k*11932; tick 1193182 is the last in 1 s. */
	cr_assert_eq(irq0.n, 99);
	cr_assert_eq(fired, 99);
	for (unsigned k = 0; k < irq0.n; k++)
		cr_assert_eq(irq0.at[k], tick_ns(1 + (k + 1) * 11932ull),
			     "edge %u", k);
	testbed_free(m);
}

Test(pit, bios_tick_18_2hz_for_an_hour_costs_one_event_per_tick)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0x36); /* ch0 mode 3, count 0 = 65536 */
	count16(m, 0, 0);
	unsigned fired = run_to_counting(m, 3600ull * 1000000000);
	/* 3600 s * 1193182 / 65536 = 65543.3 periods. */
	cr_assert_eq(fired, 65543);
	cr_assert_eq(irq0.calls, 2 * 65543, "low+high per tick");
	testbed_free(m);
}

Test(pit, mode2_output_is_low_for_the_one_clock_before_each_reload)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb4); /* ch2 mode 2 */
	count16(m, 2, 5);
	cr_assert(out2(m));
	for (unsigned k = 1; k <= 16; k++) {
		run_to(m, tick_ns(k));
		bool want = (k - 1) % 5 != 4;
		cr_assert_eq(out2(m), want, "tick %u", k);
		cr_assert_eq(latched16(m, 2), 5 - (k - 1) % 5, "tick %u", k);
	}
	testbed_free(m);
}

Test(pit, mode2_new_count_takes_effect_at_the_next_reload)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0x34);
	count16(m, 0, 1000);
	run_to(m, tick_ns(500));
	count16(m, 0, 300);
	cr_assert_eq(latched16(m, 0), 1000 - 499, "current period unaffected");
	run_to(m, tick_ns(2000));
	cr_assert_eq(irq0.n, 4);
	cr_assert_eq(irq0.at[0], tick_ns(1001));
	cr_assert_eq(irq0.at[1], tick_ns(1301));
	cr_assert_eq(irq0.at[2], tick_ns(1601));
	cr_assert_eq(irq0.at[3], tick_ns(1901));
	testbed_free(m);
}

Test(pit, mode3_even_count_square_wave_on_channel2_via_port61)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x03, 1); /* gate and speaker on */
	ctl(m, 0xb6); /* ch2 mode 3 */
	count16(m, 2, 10);
	static const uint16_t ce[10] = { 10, 8, 6, 4, 2, 10, 8, 6, 4, 2 };
	for (unsigned k = 1; k <= 25; k++) {
		run_to(m, tick_ns(k));
		unsigned ph = (k - 1) % 10;
		cr_assert_eq(out2(m), ph < 5, "tick %u", k);
		cr_assert_eq(latched16(m, 2), ce[ph], "tick %u", k);
	}
	testbed_free(m);
}

Test(pit, mode3_odd_count_is_high_one_clock_longer)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb6);
	count16(m, 2, 7);
	/* High (7+1)/2 = 4 clocks, low 3; reads count N-1 down by two. */
	static const uint16_t ce[7] = { 6, 4, 2, 0, 6, 4, 2 };
	for (unsigned k = 1; k <= 21; k++) {
		run_to(m, tick_ns(k));
		unsigned ph = (k - 1) % 7;
		cr_assert_eq(out2(m), ph < 4, "tick %u", k);
		cr_assert_eq(latched16(m, 2), ce[ph], "tick %u", k);
	}
	testbed_free(m);
}

Test(pit, mode3_new_count_is_loaded_at_the_end_of_the_half_cycle)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0x36);
	count16(m, 0, 100);
	run_to(m, tick_ns(120)); /* high half of the second period */
	count16(m, 0, 40);
	run_to(m, tick_ns(300));
	/* 101; high half ends at 151, the new low half is 20 clocks. */
	cr_assert_eq(irq0.n, 5);
	cr_assert_eq(irq0.at[0], tick_ns(101));
	cr_assert_eq(irq0.at[1], tick_ns(171));
	cr_assert_eq(irq0.at[2], tick_ns(211));
	cr_assert_eq(irq0.at[3], tick_ns(251));
	cr_assert_eq(irq0.at[4], tick_ns(291));
	testbed_free(m);
}

Test(pit, counter_latch_freezes_the_value_until_read)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb0);
	count16(m, 2, 0x1234);
	run_to(m, tick_ns(101));
	ctl(m, 0x80); /* latch ch2 */
	run_to(m, tick_ns(500));
	ctl(m, 0x80); /* a second latch before reading is ignored */
	cr_assert_eq(read16(m, 2), 0x1234 - 100);
	cr_assert_eq(read16(m, 2), 0x1234 - 499, "unlatched: live count");
	testbed_free(m);
}

Test(pit, readback_status_reports_out_null_count_and_mode)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb0); /* ch2, LSB/MSB, mode 0, binary */
	ctl(m, 0xe8); /* read-back: status of ch2 */
	cr_assert_eq(bus_in(m->bus, 0x42, 1), 0x70, "OUT low, null count");
	count16(m, 2, 100);
	ctl(m, 0xe8);
	cr_assert_eq(bus_in(m->bus, 0x42, 1), 0x70, "not loaded yet");
	run_to(m, tick_ns(1));
	ctl(m, 0xe8);
	cr_assert_eq(bus_in(m->bus, 0x42, 1), 0x30);
	run_to(m, tick_ns(101));
	ctl(m, 0xe8);
	cr_assert_eq(bus_in(m->bus, 0x42, 1), 0xb0, "OUT high at TC");

	ctl(m, 0x34); /* ch0 mode 2: OUT high */
	ctl(m, 0xe2);
	cr_assert_eq(bus_in(m->bus, 0x40, 1), 0xf4);
	testbed_free(m);
}

Test(pit, readback_latches_count_of_several_channels_at_once)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0x34);
	count16(m, 0, 1000);
	ctl(m, 0x74); /* ch1 mode 2 */
	count16(m, 1, 18);
	ctl(m, 0xb0);
	count16(m, 2, 3000);
	run_to(m, tick_ns(11));
	ctl(m, 0xde); /* latch counts of ch0, ch1, ch2 */
	run_to(m, tick_ns(400));
	cr_assert_eq(read16(m, 0), 990);
	cr_assert_eq(read16(m, 1), 8);
	cr_assert_eq(read16(m, 2), 2990);

	ctl(m, 0xc8); /* status and count of ch2 */
	cr_assert_eq(bus_in(m->bus, 0x42, 1), 0x30, "status first");
	cr_assert_eq(read16(m, 2), 3000 - 399);
	testbed_free(m);
}

Test(pit, bcd_mode_counts_in_decimal)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb1); /* ch2 mode 0 BCD */
	count16(m, 2, 0x1000);
	run_to(m, tick_ns(2));
	cr_assert_eq(latched16(m, 2), 0x0999);
	run_to(m, tick_ns(1 + 1000));
	cr_assert_eq(latched16(m, 2), 0x0000);
	cr_assert(out2(m), "TC after 1000 decimal counts");
	run_to(m, tick_ns(1 + 1001));
	cr_assert_eq(latched16(m, 2), 0x9999);
	testbed_free(m);
}

Test(pit, lsb_only_and_msb_only_access)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0x90); /* ch2, LSB only, mode 0 */
	bus_out(m->bus, 0x42, 0x40, 1);
	run_to(m, tick_ns(1 + 0x10));
	cr_assert_eq(bus_in(m->bus, 0x42, 1), 0x30);
	cr_assert_eq(bus_in(m->bus, 0x42, 1), 0x30, "no flip-flop");
	ctl(m, 0xa0); /* ch2, MSB only, mode 0 */
	bus_out(m->bus, 0x42, 0x02, 1); /* count 0x200, loaded next tick */
	run_to(m, tick_ns(1 + 0x10 + 1 + 0x10));
	cr_assert_eq(bus_in(m->bus, 0x42, 1), 0x01);
	testbed_free(m);
}

Test(pit, gate_low_pauses_mode0_and_resuming_continues_the_count)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb0);
	count16(m, 2, 100);
	run_to(m, tick_ns(31));
	bus_out(m->bus, 0x61, 0x00, 1);
	cr_assert_eq(read16(m, 2), 70);
	run_to(m, tick_ns(200));
	cr_assert_eq(read16(m, 2), 70);
	cr_assert(!out2(m));
	bus_out(m->bus, 0x61, 0x01, 1);
	run_to(m, tick_ns(201));
	cr_assert_eq(read16(m, 2), 69);
	run_to(m, tick_ns(269));
	cr_assert(!out2(m));
	run_to(m, tick_ns(270));
	cr_assert(out2(m));
	testbed_free(m);
}

Test(pit, gate_low_forces_mode2_out_high_and_rising_gate_reloads)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb4);
	count16(m, 2, 10);
	run_to(m, tick_ns(10));
	cr_assert(!out2(m), "the low clock of the first period");
	bus_out(m->bus, 0x61, 0x00, 1);
	cr_assert(out2(m), "gate low sets OUT high at once");
	run_to(m, tick_ns(50));
	cr_assert(out2(m));
	bus_out(m->bus, 0x61, 0x01, 1); /* trigger: reload at tick 51 */
	run_to(m, tick_ns(55));
	cr_assert_eq(latched16(m, 2), 6);
	run_to(m, tick_ns(60));
	cr_assert(!out2(m));
	run_to(m, tick_ns(61));
	cr_assert(out2(m));
	testbed_free(m);
}

Test(pit, mode1_one_shot_is_triggered_and_retriggered_by_the_gate)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0xb2); /* ch2 mode 1, gate low */
	count16(m, 2, 20);
	run_to(m, tick_ns(10));
	cr_assert(out2(m), "armed, waiting for a trigger");
	bus_out(m->bus, 0x61, 0x01, 1); /* trigger during tick 10 */
	run_to(m, tick_ns(11));
	cr_assert(!out2(m), "low from the pulse after the trigger");
	run_to(m, tick_ns(20));
	bus_out(m->bus, 0x61, 0x00, 1);
	run_to(m, tick_ns(25));
	cr_assert(!out2(m), "gate level does not matter in mode 1");
	bus_out(m->bus, 0x61, 0x01, 1); /* retrigger: reload at 26 */
	run_to(m, tick_ns(31));
	cr_assert(!out2(m), "the first one-shot would have ended here");
	run_to(m, tick_ns(45));
	cr_assert(!out2(m));
	run_to(m, tick_ns(46));
	cr_assert(out2(m));
	testbed_free(m);
}

Test(pit, mode4_strobes_out_low_for_one_clock)
{
	struct machine *m = new_pit_machine();

	bus_out(m->bus, 0x61, 0x01, 1);
	ctl(m, 0xb8); /* ch2 mode 4 */
	count16(m, 2, 10);
	for (unsigned k = 1; k <= 14; k++) {
		run_to(m, tick_ns(k));
		cr_assert_eq(out2(m), k != 11, "tick %u", k);
	}
	testbed_free(m);
}

Test(pit, mode5_strobes_after_a_gate_trigger)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0xba); /* ch2 mode 5 */
	count16(m, 2, 10);
	run_to(m, tick_ns(5));
	bus_out(m->bus, 0x61, 0x01, 1); /* loaded at 6 */
	for (unsigned k = 6; k <= 20; k++) {
		run_to(m, tick_ns(k));
		cr_assert_eq(out2(m), k != 16, "tick %u", k);
	}
	testbed_free(m);
}

Test(pit, mode4_on_channel0_raises_irq0_at_the_end_of_the_strobe)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0x38);
	count16(m, 0, 10);
	run_to(m, tick_ns(100));
	cr_assert_eq(irq0.n, 1);
	cr_assert_eq(irq0.at[0], tick_ns(12));
	testbed_free(m);
}

Test(pit, reset_stops_every_channel_and_cancels_the_irq0_event)
{
	struct machine *m = new_pit_machine();

	ctl(m, 0x34);
	count16(m, 0, 100);
	cr_assert_eq(m->clock.nheap, 1);
	testbed_reset(m);
	cr_assert_eq(m->clock.nheap, 0);
	ctl(m, 0xe2);
	cr_assert_eq(bus_in(m->bus, 0x40, 1), 0xf6, "mode 3, null count");
	run_to(m, tick_ns(1000));
	cr_assert_eq(irq0.n, 0);
	testbed_free(m);
}

Test(pit, snapshot_restores_counters_and_rearms_irq0)
{
	struct machine *m = new_pit_machine();
	char *buf = NULL, err[128];
	size_t len;

	ctl(m, 0x34);
	count16(m, 0, 1000);
	run_to(m, tick_ns(1500));
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(state_write(&m->state, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	ctl(m, 0x30);
	count16(m, 0, 50000);

	f = fmemopen(buf, len, "rb");
	cr_assert_eq(state_read(&m->state, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	free(buf);
	cr_assert_eq(latched16(m, 0), 1000 - 499);
	irq0.n = 0;
	run_to(m, tick_ns(2001));
	cr_assert_eq(irq0.n, 1);
	cr_assert_eq(irq0.at[0], tick_ns(2001));
	testbed_free(m);
}

Test(pit, periodic_channel0_through_the_pic_delivers_vector_8)
{
	struct machine *m = testbed_new(1000000);
	cr_assert_not_null(pic_create(m));
	cr_assert_not_null(pit_create(m));

	bus_out(m->bus, 0x20, 0x11, 1);
	bus_out(m->bus, 0x21, 0x08, 1);
	bus_out(m->bus, 0x21, 0x04, 1);
	bus_out(m->bus, 0x21, 0x01, 1);
	bus_out(m->bus, 0x21, 0xfe, 1); /* only IRQ0 */
	bus_out(m->bus, 0x43, 0x34, 1);
	bus_out(m->bus, 0x40, 1193 & 0xff, 1); /* 1 ms */
	bus_out(m->bus, 0x40, 1193 >> 8, 1);

	for (unsigned k = 1; k <= 5; k++) {
		uint64_t due = tick_ns(1 + 1193ull * k);
		testbed_advance_ns(m, due - 1 - clock_now(&m->clock));
		cr_assert(!m->irq.intr, "period %u early", k);
		testbed_advance_ns(m, 1);
		cr_assert(m->irq.intr, "period %u", k);
		cr_assert_eq(irq_acknowledge(&m->irq), 0x08);
		cr_assert(!m->irq.intr);
		bus_out(m->bus, 0x20, 0x20, 1);
	}
	testbed_free(m);
}
