/* Port 0x61: refresh toggle against virtual time, read-back bits, channel 2
 * gate and OUT, and the speaker hook. */
#include "tests/unit/testbed.h"

#include "devices/pit.h"
#include "devices/port61.h"

static struct machine *new_port61_machine(struct port61 **out)
{
	struct machine *m = testbed_new(1000000);
	struct pit *p = pit_create(m);
	cr_assert_not_null(p);
	*out = port61_create(m, p);
	cr_assert_not_null(*out);
	return m;
}

static void run_to(struct machine *m, uint64_t ns)
{
	testbed_advance_ns(m, ns - clock_now(&m->clock));
}

static unsigned refresh(struct machine *m)
{
	return bus_in(m->bus, 0x61, 1) & 0x10;
}

Test(port61, refresh_bit_toggles_every_15085ns_of_virtual_time)
{
	struct port61 *s;
	struct machine *m = new_port61_machine(&s);

	cr_assert_eq(refresh(m), 0);
	run_to(m, 15084);
	cr_assert_eq(refresh(m), 0);
	run_to(m, 15085);
	cr_assert_eq(refresh(m), 0x10);
	run_to(m, 30169);
	cr_assert_eq(refresh(m), 0x10);
	run_to(m, 30170);
	cr_assert_eq(refresh(m), 0);

	/* A delay loop counting toggles over 1 ms of virtual time:
	 * floor(2e6 / 15085) - floor(1e6 / 15085) = 132 - 66. */
	unsigned toggles = 0, last = 0;
	for (uint64_t t = 1000000; t <= 2000000; t += 1000) {
		run_to(m, t);
		unsigned b = refresh(m);
		if (t > 1000000 && b != last)
			toggles++;
		last = b;
	}
	cr_assert_eq(toggles, 66);
	testbed_free(m);
}

Test(port61, low_nibble_reads_back_and_status_bits_read_zero)
{
	struct port61 *s;
	struct machine *m = new_port61_machine(&s);

	bus_out(m->bus, 0x61, 0xfa, 1);
	cr_assert_eq(bus_in(m->bus, 0x61, 1) & 0xcf, 0x0a);
	bus_out(m->bus, 0x61, 0x05, 1);
	cr_assert_eq(bus_in(m->bus, 0x61, 1) & 0xcf, 0x05);
	testbed_reset(m);
	cr_assert_eq(bus_in(m->bus, 0x61, 1) & 0xcf, 0x00);
	testbed_free(m);
}

/* The calibration loop Linux and SeaBIOS run: gate on, speaker off, ch2
 * mode 0, poll bit 5 until the terminal count. */
Test(port61, bit5_follows_channel2_out_for_a_calibration_loop)
{
	struct port61 *s;
	struct machine *m = new_port61_machine(&s);

	bus_out(m->bus, 0x61, (bus_in(m->bus, 0x61, 1) & ~0x02u) | 0x01, 1);
	bus_out(m->bus, 0x43, 0xb0, 1);
	bus_out(m->bus, 0x42, 11932 & 0xff, 1); /* 10 ms */
	bus_out(m->bus, 0x42, 11932 >> 8, 1);
	uint64_t t = 0;
	while (!(bus_in(m->bus, 0x61, 1) & 0x20)) {
		t += 100;
		run_to(m, t);
		cr_assert_lt(t, 20000000);
	}
	/* OUT rises at tick 11933, ns 10000989: the first poll after. */
	cr_assert_eq(t, 10001000);
	testbed_free(m);
}

static struct {
	unsigned calls;
	bool on;
	unsigned mode;
	uint32_t count;
} spk;

static void speaker(void *opaque, bool on, unsigned mode, uint32_t count)
{
	spk.calls++;
	spk.on = on;
	spk.mode = mode;
	spk.count = count;
}

Test(port61, speaker_hook_sees_enable_bits_and_channel2_tone)
{
	struct port61 *s;
	struct machine *m = new_port61_machine(&s);

	memset(&spk, 0, sizeof(spk));
	port61_set_speaker(s, speaker, NULL);
	bus_out(m->bus, 0x43, 0xb6, 1);
	bus_out(m->bus, 0x42, 1193 & 0xff, 1); /* ~1 kHz beep */
	bus_out(m->bus, 0x42, 1193 >> 8, 1);
	cr_assert(!spk.on);
	bus_out(m->bus, 0x61, 0x03, 1);
	cr_assert(spk.on);
	cr_assert_eq(spk.mode, 3);
	cr_assert_eq(spk.count, 1193);
	unsigned calls = spk.calls;
	bus_out(m->bus, 0x61, 0x03, 1);
	cr_assert_eq(spk.calls, calls, "no change, no call");
	bus_out(m->bus, 0x61, 0x01, 1);
	cr_assert(!spk.on);
	testbed_free(m);
}
