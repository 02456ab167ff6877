/* MC146818 RTC + CMOS: time from virtual time, formats, UIP, interrupts,
 * checksum. The testbed starts the clock at 1994-05-05 12:00:00 UTC
 * (a Thursday), so every expected value below is from the calendar. */
#include "tests/unit/testbed.h"

#include "devices/cmos.h"

#define MS 1000000ull
#define US 1000ull
#define SEC 1000000000ull

static struct machine *m;
static struct cmos *rtc;

static void setup(void)
{
	char err[128];
	m = testbed_new(1000000); /* 1 GHz */
	rtc = cmos_create(m, err, sizeof(err));
	cr_assert_not_null(rtc, "%s", err);
}

static void teardown(void)
{
	testbed_free(m);
}

static uint8_t rd(unsigned idx)
{
	bus_out(m->bus, 0x70, idx, 1);
	return (uint8_t)bus_in(m->bus, 0x71, 1);
}

static void wr(unsigned idx, uint8_t v)
{
	bus_out(m->bus, 0x70, idx, 1);
	bus_out(m->bus, 0x71, v, 1);
}

static bool irq8(void)
{
	return m->irq.level[8] != 0;
}

TestSuite(cmos, .init = setup, .fini = teardown);

Test(cmos, time_reads_rtc_start_in_bcd_at_power_on)
{
	cr_assert_eq(rd(0x00), 0x00);
	cr_assert_eq(rd(0x02), 0x00);
	cr_assert_eq(rd(0x04), 0x12);
	cr_assert_eq(rd(0x06), 0x05); /* Thursday, Sunday = 1 */
	cr_assert_eq(rd(0x07), 0x05);
	cr_assert_eq(rd(0x08), 0x05);
	cr_assert_eq(rd(0x09), 0x94);
	cr_assert_eq(rd(0x32), 0x19);
	cr_assert_eq(rd(0x0d), 0x80); /* VRT */
}

Test(cmos, time_advances_with_virtual_seconds_only)
{
	testbed_advance_ns(m, 3661 * SEC + 500 * MS);
	cr_assert_eq(rd(0x00), 0x01);
	cr_assert_eq(rd(0x02), 0x01);
	cr_assert_eq(rd(0x04), 0x13);
	/* 12 hours later it is the next day, a Friday. */
	testbed_advance_ns(m, 11 * 3600 * SEC);
	cr_assert_eq(rd(0x04), 0x00);
	cr_assert_eq(rd(0x07), 0x06);
	cr_assert_eq(rd(0x06), 0x06);
}

Test(cmos, binary_mode_reads_plain_numbers)
{
	wr(0x0b, 0x06); /* 24h, binary */
	testbed_advance_ns(m, 59 * SEC);
	cr_assert_eq(rd(0x00), 59);
	cr_assert_eq(rd(0x04), 12);
	cr_assert_eq(rd(0x09), 94);
	cr_assert_eq(rd(0x32), 19);
}

Test(cmos, twelve_hour_mode_sets_pm_bit_in_hour)
{
	wr(0x0b, 0x00); /* 12h, BCD */
	cr_assert_eq(rd(0x04), 0x92); /* 12 PM */
	testbed_advance_ns(m, 3600 * SEC);
	cr_assert_eq(rd(0x04), 0x81); /* 1 PM */
	testbed_advance_ns(m, 11 * 3600 * SEC);
	cr_assert_eq(rd(0x04), 0x12); /* midnight is 12 AM */
	wr(0x0b, 0x04); /* 12h, binary */
	testbed_advance_ns(m, 3600 * SEC);
	cr_assert_eq(rd(0x04), 0x01);
}

Test(cmos, uip_is_set_only_in_the_244us_before_an_update)
{
	cr_assert_eq(rd(0x0a) & 0x80, 0);
	testbed_advance_ns(m, SEC - 300 * US);
	cr_assert_eq(rd(0x0a) & 0x80, 0);
	cr_assert_eq(rd(0x00), 0x00);
	testbed_advance_ns(m, 100 * US); /* 200 us before the update */
	cr_assert_eq(rd(0x0a) & 0x80, 0x80);
	testbed_advance_ns(m, 200 * US); /* the update instant */
	cr_assert_eq(rd(0x0a) & 0x80, 0);
	cr_assert_eq(rd(0x00), 0x01);
}

Test(cmos, periodic_rate6_gives_1024_irqs_per_second)
{
	unsigned pulses = 0;
	wr(0x0a, 0x26);
	wr(0x0b, 0x42); /* PIE, 24h BCD */
	/* Step well below the 976.5625 us period and ack like a handler. */
	for (unsigned i = 0; i < 10000; i++) {
		testbed_advance_ns(m, 100 * US);
		if (irq8()) {
			uint8_t c = rd(0x0c);
			cr_assert_eq(c & 0xc0, 0xc0, "C=%#x", c);
			cr_assert(!irq8());
			pulses++;
		}
	}
	cr_assert_eq(pulses, 1024);
}

Test(cmos, periodic_rate15_is_2hz)
{
	unsigned pulses = 0;
	wr(0x0a, 0x2f);
	wr(0x0b, 0x42);
	for (unsigned i = 0; i < 400; i++) {
		testbed_advance_ns(m, 10 * MS);
		if (irq8()) {
			rd(0x0c);
			pulses++;
		}
	}
	cr_assert_eq(pulses, 8, "%u", pulses); /* 4 s */
}

Test(cmos, pf_flag_reads_set_with_pie_clear_and_no_irq)
{
	wr(0x0a, 0x26);
	testbed_advance_ns(m, 500 * US);
	cr_assert_eq(rd(0x0c), 0x00); /* first edge at 976.5625 us */
	testbed_advance_ns(m, 500 * US);
	cr_assert(!irq8());
	cr_assert_eq(rd(0x0c), 0x40); /* PF, but no IRQF */
	cr_assert_eq(rd(0x0c), 0x00);
	/* Enabling PIE with PF pending raises IRQ 8 at once. */
	testbed_advance_ns(m, 1 * MS);
	wr(0x0b, 0x42);
	cr_assert(irq8());
	cr_assert_eq(rd(0x0c), 0xc0);
	cr_assert(!irq8());
}

Test(cmos, update_ended_interrupt_once_per_second)
{
	wr(0x0b, 0x12); /* UIE */
	testbed_advance_ns(m, SEC - 1);
	cr_assert(!irq8());
	testbed_advance_ns(m, 1);
	cr_assert(irq8());
	cr_assert_eq(rd(0x0c), 0x90);
	cr_assert(!irq8());
	testbed_advance_ns(m, SEC);
	cr_assert(irq8());
}

Test(cmos, reading_c_clears_flags_and_drops_irq8)
{
	wr(0x0b, 0x12);
	testbed_advance_ns(m, SEC);
	cr_assert(irq8());
	cr_assert_eq(rd(0x0c) & 0x80, 0x80);
	cr_assert(!irq8());
	cr_assert_eq(rd(0x0c), 0x00);
}

Test(cmos, alarm_fires_at_the_programmed_time)
{
	wr(0x01, 0x05);
	wr(0x03, 0x00);
	wr(0x05, 0x12);
	wr(0x0b, 0x22); /* AIE */
	testbed_advance_ns(m, 4 * SEC);
	cr_assert(!irq8());
	cr_assert_eq(rd(0x0c) & 0x20, 0); /* UF set, not AF */
	testbed_advance_ns(m, SEC);
	cr_assert(irq8());
	cr_assert_eq(rd(0x0c), 0xb0); /* IRQF | AF | UF */
	testbed_advance_ns(m, SEC);
	cr_assert(!irq8());
}

Test(cmos, alarm_dont_care_values_match_every_second)
{
	wr(0x01, 0xc0);
	wr(0x03, 0xff);
	wr(0x05, 0xc3);
	wr(0x0b, 0x22);
	for (int i = 0; i < 3; i++) {
		testbed_advance_ns(m, SEC);
		cr_assert(irq8());
		cr_assert_eq(rd(0x0c), 0xb0);
	}
}

Test(cmos, set_bit_holds_updates_and_new_time_runs_from_clear)
{
	wr(0x0b, 0x82); /* SET */
	testbed_advance_ns(m, 3 * SEC);
	cr_assert_eq(rd(0x00), 0x00);
	cr_assert_eq(rd(0x0a) & 0x80, 0); /* no UIP while SET */
	wr(0x00, 0x30);
	wr(0x02, 0x15);
	wr(0x04, 0x08);
	wr(0x09, 0x99);
	cr_assert_eq(rd(0x00), 0x30);
	testbed_advance_ns(m, 200 * MS);
	wr(0x0b, 0x02); /* clear SET at 3.2 s */
	cr_assert_eq(rd(0x00), 0x30);
	cr_assert_eq(rd(0x02), 0x15);
	cr_assert_eq(rd(0x04), 0x08);
	cr_assert_eq(rd(0x09), 0x99);
	cr_assert_eq(rd(0x32), 0x19);
	/* The divider kept running: the next update is at 4.0 s. */
	testbed_advance_ns(m, 800 * MS - 1);
	cr_assert_eq(rd(0x00), 0x30);
	testbed_advance_ns(m, 1);
	cr_assert_eq(rd(0x00), 0x31);
}

Test(cmos, setting_set_clears_uie)
{
	wr(0x0b, 0x92);
	cr_assert_eq(rd(0x0b), 0x82);
}

Test(cmos, divider_reset_stops_clock_and_first_update_is_half_second_after)
{
	testbed_advance_ns(m, 2 * SEC + 100 * MS);
	wr(0x0a, 0x70); /* hold the divider in reset */
	testbed_advance_ns(m, 10 * SEC);
	cr_assert_eq(rd(0x00), 0x02);
	wr(0x0a, 0x26);
	testbed_advance_ns(m, 500 * MS - 1);
	cr_assert_eq(rd(0x00), 0x02);
	testbed_advance_ns(m, 1);
	cr_assert_eq(rd(0x00), 0x03);
}

Test(cmos, time_write_while_running_takes_effect)
{
	testbed_advance_ns(m, 400 * MS);
	wr(0x02, 0x45);
	cr_assert_eq(rd(0x02), 0x45);
	cr_assert_eq(rd(0x04), 0x12);
	testbed_advance_ns(m, 600 * MS);
	cr_assert_eq(rd(0x00), 0x01);
	cr_assert_eq(rd(0x02), 0x45);
}

Test(cmos, nmi_mask_is_bit7_of_the_index_write)
{
	cr_assert(!cmos_nmi_masked(rtc));
	bus_out(m->bus, 0x70, 0x8f, 1);
	cr_assert(cmos_nmi_masked(rtc));
	bus_out(m->bus, 0x71, 0x5a, 1); /* index is 0x0f without bit 7 */
	cr_assert_eq(cmos_get(rtc, 0x0f), 0x5a);
	bus_out(m->bus, 0x70, 0x0f, 1);
	cr_assert(!cmos_nmi_masked(rtc));
	cr_assert_eq(bus_in(m->bus, 0x71, 1), 0x5a);
}

Test(cmos, word_write_to_0x70_is_index_then_data)
{
	bus_out(m->bus, 0x70, 0x6650, 2); /* index 0x50, data 0x66 */
	cr_assert_eq(rd(0x50), 0x66);
	bus_out(m->bus, 0x70, 0x50, 1);
	cr_assert_eq(bus_in(m->bus, 0x70, 2), 0x66ff);
}

Test(cmos, ram_bytes_read_back_through_the_ports)
{
	wr(0x40, 0xa5);
	wr(0x7f, 0x3c);
	cr_assert_eq(rd(0x40), 0xa5);
	cr_assert_eq(rd(0x7f), 0x3c);
}

Test(cmos, checksum_is_correct_after_cmos_set)
{
	cmos_set(rtc, 0x10, 0x40);
	cmos_set(rtc, 0x14, 0x07);
	cmos_set(rtc, 0x2d, 0xf0);
	/* 0x40 + 0x07 + 0xf0 = 0x137 */
	cr_assert_eq(rd(0x2e), 0x01);
	cr_assert_eq(rd(0x2f), 0x37);
	cmos_set(rtc, 0x5b, 0x99); /* outside the summed range */
	cr_assert_eq(rd(0x2f), 0x37);
}

Test(cmos, pc_defaults_fill_what_seabios_reads)
{
	struct cmos_pc_info info = {
		.ram_below_4g = 64ull << 20,
		.ram_above_4g = 1ull << 30,
		.fd_type = { CMOS_FD_1440K, CMOS_FD_NONE },
		.boot = "cdn",
	};
	char err[128];
	unsigned sum = 0;

	cr_assert_eq(cmos_fill_pc_defaults(rtc, &info, err, sizeof(err)), 0);
	cr_assert_eq(rd(0x15) | rd(0x16) << 8, 640);
	cr_assert_eq(rd(0x17) | rd(0x18) << 8, 64512); /* 63 MiB in KiB */
	cr_assert_eq(rd(0x30) | rd(0x31) << 8, 64512);
	cr_assert_eq(rd(0x34) | rd(0x35) << 8, 768); /* 48 MiB / 64 KiB */
	cr_assert_eq(rd(0x5b) | rd(0x5c) << 8 | rd(0x5d) << 16, 16384);
	cr_assert_eq(rd(0x10), 0x40);
	cr_assert_eq(rd(0x14), 0x07); /* 1 floppy, FPU, PS/2 mouse */
	cr_assert_eq(rd(0x3d), 0x32); /* cdrom second, disk first */
	cr_assert_eq(rd(0x38), 0x41); /* network third, no sig check */
	cr_assert_eq(rd(0x32), 0x19);
	for (unsigned i = 0x10; i <= 0x2d; i++)
		sum += rd(i);
	cr_assert_eq(rd(0x2e) << 8 | rd(0x2f), sum);

	info.boot = "cx";
	cr_assert_eq(cmos_fill_pc_defaults(rtc, &info, err, sizeof(err)), -1);
	cr_assert(strstr(err, "'x'"), "%s", err);
}

Test(cmos, memory_fields_cap_at_0xffff)
{
	struct cmos_pc_info info = { .ram_below_4g = 3ull << 30 };
	char err[128];
	cr_assert_eq(cmos_fill_pc_defaults(rtc, &info, err, sizeof(err)), 0);
	cr_assert_eq(rd(0x17) | rd(0x18) << 8, 0xffff);
	cr_assert_eq(rd(0x34) | rd(0x35) << 8, 0xbf00); /* (3G-16M)/64K */
}

Test(cmos, reset_clears_interrupt_enables_and_flags_but_keeps_time)
{
	wr(0x0b, 0x72);
	testbed_advance_ns(m, 2 * SEC);
	cr_assert(irq8());
	testbed_reset(m);
	cr_assert(!irq8());
	cr_assert_eq(rd(0x0b), 0x02);
	cr_assert_eq(rd(0x0c), 0x00);
	cr_assert_eq(rd(0x00), 0x02);
}

Test(cmos, snapshot_restores_time_and_pending_periodic_event)
{
	char err[128];
	FILE *f = tmpfile();
	unsigned pulses = 0;

	wr(0x0a, 0x2f); /* 2 Hz */
	wr(0x0b, 0x46); /* PIE, binary */
	testbed_advance_ns(m, 300 * MS);
	cr_assert_eq(state_write(&m->state, f, err, sizeof(err)), 0, "%s", err);
	testbed_advance_ns(m, 10 * SEC);
	wr(0x0b, 0x02);
	rewind(f);
	cr_assert_eq(state_read(&m->state, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	/* The clock itself is not in the RTC's section: rewind it by hand. */
	m->clock.ns_offset -= 10 * SEC;
	cr_assert_eq(rd(0x0b), 0x46);
	for (unsigned i = 0; i < 17; i++) {
		testbed_advance_ns(m, 100 * MS);
		if (irq8()) {
			rd(0x0c);
			pulses++;
		}
	}
	cr_assert_eq(pulses, 4); /* edges at 0.5, 1.0, 1.5 and 2.0 s */
	cr_assert_eq(rd(0x00), 2);
}
