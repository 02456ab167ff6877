/* devices/cmos.c: Motorola MC146818 RTC and CMOS RAM.
 *
 * Time model: while updates run, the time is not stored but computed:
 * base_sec + whole seconds since phase_ns, both in virtual time. Updates
 * happen at phase_ns + k seconds. Stopping updates (SET, or the divider
 * held in reset) latches the time into ram[], where the guest may edit it;
 * restarting re-derives base_sec from ram[]. The periodic flag is computed
 * from the 32.768 kHz divider count, so PF reads right with PIE clear and
 * the periodic event only runs while PIE is set.
 */
#include "devices/cmos.h"

#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

#define NS_PER_SEC 1000000000ll
#define DIV_HZ 32768u
/* UIP rises 8 divider ticks (244.14 us) before each update. */
#define UIP_NS 244141

#define REG_A_UIP 0x80
#define REG_A_DV 0x70
#define REG_A_RS 0x0f
#define REG_B_SET 0x80
#define REG_B_PIE 0x40
#define REG_B_AIE 0x20
#define REG_B_UIE 0x10
#define REG_B_SQWE 0x08
#define REG_B_DM 0x04 /* 1: binary, 0: BCD */
#define REG_B_24H 0x02
#define REG_C_IRQF 0x80
#define REG_C_PF 0x40
#define REG_C_AF 0x20
#define REG_C_UF 0x10
#define REG_D_VRT 0x80
#define HOUR_PM 0x80

static const struct state_field cmos_fields[] = {
	STATE_FIELD(struct cmos, ram),
	STATE_FIELD(struct cmos, index),
	STATE_FIELD(struct cmos, nmi_masked),
	STATE_FIELD(struct cmos, irq_out),
	STATE_FIELD(struct cmos, base_sec),
	STATE_FIELD(struct cmos, phase_ns),
	STATE_FIELD(struct cmos, pf_ref),
	STATE_FIELD(struct cmos, update_due),
	STATE_FIELD(struct cmos, periodic_due),
	STATE_END
};

/* --- calendar (proleptic Gregorian, UTC; no host time functions) --- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t days_from_civil(int64_t y, unsigned mon, unsigned d)
{
	y -= mon <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct rtc_tm {
	int64_t year;
	unsigned mon, mday, hour, min, sec, wday; /* wday 0 = Sunday */
};

static void civil_from_secs(int64_t t, struct rtc_tm *tm)
{
	int64_t days = floor_div(t, 86400), s = t - days * 86400;
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	tm->mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = yoe + era * 400 + (tm->mon <= 2);
	tm->hour = (unsigned)(s / 3600);
	tm->min = (unsigned)(s / 60 % 60);
	tm->sec = (unsigned)(s % 60);
	/* 1970-01-01 was a Thursday. */
	tm->wday = (unsigned)(days + 4 - floor_div(days + 4, 7) * 7);
}

/* --- register encoding in the format register B selects --- */

static uint8_t to_reg(const struct cmos *c, unsigned v)
{
	if (c->ram[CMOS_REG_B] & REG_B_DM)
		return (uint8_t)v;
	return (uint8_t)(((v / 10 % 10) << 4) | (v % 10));
}

static unsigned from_reg(const struct cmos *c, uint8_t v)
{
	if (c->ram[CMOS_REG_B] & REG_B_DM)
		return v;
	return (v >> 4) * 10u + (v & 0x0fu);
}

static uint8_t hour_to_reg(const struct cmos *c, unsigned h)
{
	if (c->ram[CMOS_REG_B] & REG_B_24H)
		return to_reg(c, h);
	/* 12h: 0 -> 12 AM, 12 -> 12 PM, 13 -> 1 PM. */
	unsigned h12 = h % 12 ? h % 12 : 12;
	return (uint8_t)(to_reg(c, h12) | (h >= 12 ? HOUR_PM : 0));
}

static unsigned hour_from_reg(const struct cmos *c, uint8_t v)
{
	if (c->ram[CMOS_REG_B] & REG_B_24H)
		return from_reg(c, v);
	unsigned h = from_reg(c, v & 0x7f) % 12;
	return (v & HOUR_PM) ? h + 12 : h;
}

static void encode_time(struct cmos *c, int64_t t, uint8_t *out)
{
	struct rtc_tm tm;
	civil_from_secs(t, &tm);
	int64_t y = tm.year < 0 ? 0 : tm.year;
	out[CMOS_SECONDS] = to_reg(c, tm.sec);
	out[CMOS_MINUTES] = to_reg(c, tm.min);
	out[CMOS_HOURS] = hour_to_reg(c, tm.hour);
	out[CMOS_DAY_WEEK] = to_reg(c, tm.wday + 1);
	out[CMOS_DAY_MONTH] = to_reg(c, tm.mday);
	out[CMOS_MONTH] = to_reg(c, tm.mon);
	out[CMOS_YEAR] = to_reg(c, (unsigned)(y % 100));
	out[CMOS_CENTURY] = to_reg(c, (unsigned)(y / 100 % 100));
}

/* The latched registers as Unix time. Out-of-range values (a guest writing
 * garbage) are clamped rather than trusted. */
static int64_t decode_time(struct cmos *c)
{
	const uint8_t *r = c->ram;
	unsigned sec = from_reg(c, r[CMOS_SECONDS]) % 60;
	unsigned min = from_reg(c, r[CMOS_MINUTES]) % 60;
	unsigned hour = hour_from_reg(c, r[CMOS_HOURS]) % 24;
	unsigned mday = from_reg(c, r[CMOS_DAY_MONTH]);
	unsigned mon = from_reg(c, r[CMOS_MONTH]);
	int64_t year = (int64_t)from_reg(c, r[CMOS_CENTURY]) * 100 +
		       from_reg(c, r[CMOS_YEAR]) % 100;

	if (mon < 1 || mon > 12 || mday < 1 || mday > 31) {
		log_debug(&c->m->log, CMOS, "bad date %02x-%02x, clamped",
			  r[CMOS_MONTH], r[CMOS_DAY_MONTH]);
		mon = mon < 1 ? 1 : mon > 12 ? 12 : mon;
		mday = mday < 1 ? 1 : mday > 31 ? 31 : mday;
	}
	return days_from_civil(year, mon, mday) * 86400 + hour * 3600 +
	       min * 60 + sec;
}

/* --- divider, clock and flags --- */

static int64_t now_ns(const struct cmos *c)
{
	return (int64_t)clock_now(&c->m->clock);
}

static bool divider_on(const struct cmos *c)
{
	/* DV = 11x holds the divider chain in reset. */
	return (c->ram[CMOS_REG_A] & 0x60) != 0x60;
}

static bool clock_running(const struct cmos *c)
{
	return divider_on(c) && !(c->ram[CMOS_REG_B] & REG_B_SET);
}

static int64_t current_secs(const struct cmos *c)
{
	return c->base_sec + floor_div(now_ns(c) - c->phase_ns, NS_PER_SEC);
}

/* 32.768 kHz divider ticks since phase_ns, exact in integers. */
static uint64_t div_ticks(const struct cmos *c, int64_t t)
{
	if (t <= c->phase_ns)
		return 0;
	uint64_t d = (uint64_t)(t - c->phase_ns);
	return d / NS_PER_SEC * DIV_HZ + d % NS_PER_SEC * DIV_HZ / NS_PER_SEC;
}

/* First virtual ns at which div_ticks() reaches n. */
static int64_t tick_time(const struct cmos *c, uint64_t n)
{
	uint64_t r = n % DIV_HZ;
	return c->phase_ns + (int64_t)(n / DIV_HZ) * NS_PER_SEC +
	       (int64_t)((r * NS_PER_SEC + DIV_HZ - 1) / DIV_HZ);
}

/* log2 of the periodic interval in divider ticks; 0 when off. Rates 1 and
 * 2 repeat 8 and 9 (256 and 128 Hz) with a 32.768 kHz time base. */
static unsigned periodic_shift(const struct cmos *c)
{
	unsigned rs = c->ram[CMOS_REG_A] & REG_A_RS;
	if (!rs || !divider_on(c))
		return 0;
	return rs <= 2 ? rs + 6 : rs - 1;
}

/* Did a periodic edge pass since PF was last accounted? */
static bool pf_lazy(const struct cmos *c)
{
	unsigned sh = periodic_shift(c);
	return sh && (div_ticks(c, now_ns(c)) >> sh) > (c->pf_ref >> sh);
}

/* Move the lazily computed PF into register C (before the rate or phase
 * changes) and restart accounting from now. */
static void pf_fold(struct cmos *c)
{
	if (pf_lazy(c))
		c->ram[CMOS_REG_C] |= REG_C_PF;
	c->pf_ref = div_ticks(c, now_ns(c));
}

static void cmos_update_irq(struct cmos *c)
{
	uint8_t level = (c->ram[CMOS_REG_C] & c->ram[CMOS_REG_B] & 0x70) != 0;
	if (level != c->irq_out) {
		c->irq_out = level;
		irq_set(&c->m->irq, CMOS_IRQ, level);
	}
}

static void arm(struct event *e, uint64_t *due, int64_t when)
{
	*due = (uint64_t)when;
	event_schedule(e, (uint64_t)when);
}

static void disarm(struct event *e, uint64_t *due)
{
	*due = 0;
	event_cancel(e);
}

static void arm_update(struct cmos *c)
{
	int64_t now = now_ns(c);

	if (clock_running(c)) {
		int64_t k = floor_div(now - c->phase_ns, NS_PER_SEC) + 1;
		arm(&c->update_ev, &c->update_due, c->phase_ns + k * NS_PER_SEC);
	} else {
		disarm(&c->update_ev, &c->update_due);
	}
}

static void arm_periodic(struct cmos *c)
{
	unsigned sh = periodic_shift(c);

	if (sh && (c->ram[CMOS_REG_B] & REG_B_PIE)) {
		uint64_t next = ((div_ticks(c, now_ns(c)) >> sh) + 1) << sh;
		arm(&c->periodic_ev, &c->periodic_due, tick_time(c, next));
	} else {
		disarm(&c->periodic_ev, &c->periodic_due);
	}
}

/* After a register change. Each event re-arms only itself: rescheduling
 * the other one at an instant both are due would skip its edge. */
static void cmos_rearm(struct cmos *c)
{
	arm_update(c);
	arm_periodic(c);
}

static bool alarm_match(uint8_t alarm, uint8_t now)
{
	return (alarm & 0xc0) == 0xc0 || alarm == now;
}

static void cmos_update_event(void *opaque)
{
	struct cmos *c = opaque;
	uint8_t t[CMOS_SIZE];

	c->update_due = 0;
	if (!clock_running(c))
		return;
	c->ram[CMOS_REG_C] |= REG_C_UF;
	encode_time(c, current_secs(c), t);
	if (alarm_match(c->ram[CMOS_SECONDS_ALARM], t[CMOS_SECONDS]) &&
	    alarm_match(c->ram[CMOS_MINUTES_ALARM], t[CMOS_MINUTES]) &&
	    alarm_match(c->ram[CMOS_HOURS_ALARM], t[CMOS_HOURS]))
		c->ram[CMOS_REG_C] |= REG_C_AF;
	cmos_update_irq(c);
	arm_update(c);
}

static void cmos_periodic_event(void *opaque)
{
	struct cmos *c = opaque;

	c->periodic_due = 0;
	/* A read of C at this very instant may have consumed the edge. */
	if (pf_lazy(c))
		c->ram[CMOS_REG_C] |= REG_C_PF;
	cmos_update_irq(c);
	arm_periodic(c);
}

/* Called after register A or B changed from old_a/old_b. */
static void cmos_reconfigure(struct cmos *c, uint8_t old_a, uint8_t old_b)
{
	bool div_was = (old_a & 0x60) != 0x60;
	bool ran = div_was && !(old_b & REG_B_SET);
	bool runs = clock_running(c);
	int64_t now = now_ns(c);

	if (ran && !runs)
		encode_time(c, current_secs(c), c->ram);
	if (!div_was && divider_on(c)) {
		/* Leaving reset: the first update comes half a second later. */
		c->phase_ns = now - NS_PER_SEC / 2;
		c->pf_ref = div_ticks(c, now);
	}
	if (!ran && runs)
		c->base_sec = decode_time(c) -
			      floor_div(now - c->phase_ns, NS_PER_SEC);
	cmos_rearm(c);
	cmos_update_irq(c);
}

static bool is_time_reg(unsigned idx)
{
	return idx <= CMOS_YEAR || idx == CMOS_CENTURY;
}

static uint8_t cmos_read_reg(struct cmos *c, unsigned idx)
{
	uint8_t t[CMOS_SIZE];

	switch (idx) {
	case CMOS_REG_A: {
		uint8_t a = c->ram[CMOS_REG_A] & 0x7f;
		int64_t into = now_ns(c) - c->phase_ns;
		into -= floor_div(into, NS_PER_SEC) * NS_PER_SEC;
		if (clock_running(c) && into >= NS_PER_SEC - UIP_NS)
			a |= REG_A_UIP;
		return a;
	}
	case CMOS_REG_C: {
		uint8_t v = c->ram[CMOS_REG_C] & 0x70;
		if (pf_lazy(c))
			v |= REG_C_PF;
		if (v & c->ram[CMOS_REG_B] & 0x70)
			v |= REG_C_IRQF;
		c->ram[CMOS_REG_C] = 0;
		c->pf_ref = div_ticks(c, now_ns(c));
		cmos_update_irq(c);
		return v;
	}
	case CMOS_REG_D:
		return REG_D_VRT;
	}
	if (idx == CMOS_SECONDS_ALARM || idx == CMOS_MINUTES_ALARM ||
	    idx == CMOS_HOURS_ALARM || !is_time_reg(idx) || !clock_running(c))
		return c->ram[idx];
	encode_time(c, current_secs(c), t);
	return t[idx];
}

static void cmos_write_reg(struct cmos *c, unsigned idx, uint8_t val)
{
	uint8_t old_a = c->ram[CMOS_REG_A], old_b = c->ram[CMOS_REG_B];

	switch (idx) {
	case CMOS_REG_A:
		pf_fold(c);
		c->ram[CMOS_REG_A] = val & 0x7f; /* UIP is read-only */
		cmos_reconfigure(c, old_a, old_b);
		return;
	case CMOS_REG_B:
		/* Setting SET also clears UIE (the chip stops updates). */
		if (val & REG_B_SET)
			val &= (uint8_t)~REG_B_UIE;
		pf_fold(c);
		c->ram[CMOS_REG_B] = val;
		cmos_reconfigure(c, old_a, old_b);
		return;
	case CMOS_REG_C:
	case CMOS_REG_D:
		log_debug(&c->m->log, CMOS, "write %#x to read-only reg %#x",
			  val, idx);
		return;
	}
	if (idx == CMOS_SECONDS_ALARM || idx == CMOS_MINUTES_ALARM ||
	    idx == CMOS_HOURS_ALARM || !is_time_reg(idx) || !clock_running(c)) {
		c->ram[idx] = val;
		return;
	}
	/* A time write while running: edit the current time, keep the phase. */
	encode_time(c, current_secs(c), c->ram);
	c->ram[idx] = val;
	c->base_sec = decode_time(c) -
		      floor_div(now_ns(c) - c->phase_ns, NS_PER_SEC);
}

static uint8_t cmos_port_read(struct cmos *c, unsigned port)
{
	if (port == 0)
		return 0xff; /* the index port is write-only */
	return cmos_read_reg(c, c->index);
}

static void cmos_port_write(struct cmos *c, unsigned port, uint8_t val)
{
	if (port == 0) {
		c->index = val & 0x7f;
		c->nmi_masked = (val & 0x80) != 0;
	} else {
		cmos_write_reg(c, c->index, val);
	}
}

/* The chip is 8 bits wide: `out 0x70, ax` is index then data. */
static uint32_t cmos_read(void *opaque, uint64_t offset, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size && offset + i < 2; i++)
		v |= (uint32_t)cmos_port_read(opaque, (unsigned)offset + i)
		     << (8 * i);
	return v;
}

static void cmos_write(void *opaque, uint64_t offset, uint32_t val,
		       unsigned size)
{
	for (unsigned i = 0; i < size && offset + i < 2; i++)
		cmos_port_write(opaque, (unsigned)offset + i,
				(uint8_t)(val >> (8 * i)));
}

static const struct io_ops cmos_ops = {
	.read = cmos_read,
	.write = cmos_write,
};

static void cmos_post_load(void *opaque)
{
	struct cmos *c = opaque;
	event_cancel(&c->update_ev);
	event_cancel(&c->periodic_ev);
	if (c->update_due)
		event_schedule(&c->update_ev, c->update_due);
	if (c->periodic_due)
		event_schedule(&c->periodic_ev, c->periodic_due);
}

struct cmos *cmos_create(struct machine *m, char *err, size_t errlen)
{
	struct cmos *c = xcalloc(1, sizeof(*c));

	c->m = m;
	event_init(&c->update_ev, &m->clock, cmos_update_event, c, "rtc-update");
	event_init(&c->periodic_ev, &m->clock, cmos_periodic_event, c,
		   "rtc-periodic");
	if (bus_map_ports(m->bus, CMOS_PORT, 2, &cmos_ops, c, "cmos")) {
		snprintf(err, errlen, "cmos: ports %#x-%#x are taken", CMOS_PORT,
			 CMOS_PORT + 1);
		free(c);
		return NULL;
	}
	/* Power-on: 32.768 kHz divider running, no periodic rate (SeaBIOS
	 * programs 0x26), 24h BCD, the clock at rtc_start. */
	c->ram[CMOS_REG_A] = 0x20;
	c->ram[CMOS_REG_B] = REG_B_24H;
	c->phase_ns = now_ns(c);
	c->base_sec = m->cfg.rtc_start;
	encode_time(c, c->base_sec, c->ram);
	c->pf_ref = 0;
	cmos_rearm(c);
	state_add_hooked(&m->state, "cmos", cmos_fields, c, NULL,
			 cmos_post_load, c);
	machine_add_device(m, "cmos", c, cmos_reset, cmos_destroy);
	return c;
}

/* The RESET pin: interrupt enables and flags clear; time and RAM stay. */
void cmos_reset(void *opaque)
{
	struct cmos *c = opaque;
	pf_fold(c);
	c->ram[CMOS_REG_B] &= (uint8_t)~(REG_B_PIE | REG_B_AIE | REG_B_UIE |
					 REG_B_SQWE);
	c->ram[CMOS_REG_C] = 0;
	cmos_rearm(c);
	cmos_update_irq(c);
}

void cmos_destroy(void *opaque)
{
	struct cmos *c = opaque;
	if (!c)
		return;
	event_cancel(&c->update_ev);
	event_cancel(&c->periodic_ev);
	free(c);
}

bool cmos_nmi_masked(const struct cmos *c)
{
	return c->nmi_masked;
}

void cmos_update_checksum(struct cmos *c)
{
	unsigned sum = 0;
	for (unsigned i = 0x10; i <= 0x2d; i++)
		sum += c->ram[i];
	c->ram[CMOS_CHECKSUM_HI] = (uint8_t)(sum >> 8);
	c->ram[CMOS_CHECKSUM_LO] = (uint8_t)sum;
}

void cmos_set(struct cmos *c, unsigned idx, uint8_t val)
{
	idx &= 0x7f;
	c->ram[idx] = val;
	if (idx >= 0x10 && idx <= 0x2d)
		cmos_update_checksum(c);
}

uint8_t cmos_get(const struct cmos *c, unsigned idx)
{
	return c->ram[idx & 0x7f];
}

static int boot_nibble(char ch)
{
	switch (ch) {
	case 'a': case 'b': return 1;
	case 'c': return 2;
	case 'd': return 3;
	case 'n': return 4;
	}
	return -1;
}

int cmos_fill_pc_defaults(struct cmos *c, const struct cmos_pc_info *info,
			  char *err, size_t errlen)
{
	const char *boot = info->boot ? info->boot : "cad";
	uint64_t low = info->ram_below_4g, kb;
	int dev[3] = { 0, 0, 0 };
	unsigned nfd = 0;

	if (strlen(boot) > 3) {
		snprintf(err, errlen, "boot order \"%s\": at most 3 devices",
			 boot);
		return -1;
	}
	for (unsigned i = 0; boot[i]; i++) {
		dev[i] = boot_nibble(boot[i]);
		if (dev[i] < 0) {
			snprintf(err, errlen, "boot order \"%s\": '%c' is not "
				 "one of a, c, d, n", boot, boot[i]);
			return -1;
		}
	}
	/* Base memory in KiB (at most 640). */
	kb = low / 1024 < 640 ? low / 1024 : 640;
	c->ram[CMOS_BASE_MEM_LO] = (uint8_t)kb;
	c->ram[CMOS_BASE_MEM_HI] = (uint8_t)(kb >> 8);
	/* KiB above 1 MiB, capped at 0xFFFF; also the POST copy at 0x30. */
	kb = low > (1u << 20) ? (low - (1u << 20)) / 1024 : 0;
	kb = kb > 0xffff ? 0xffff : kb;
	c->ram[CMOS_EXT_MEM_LO] = c->ram[CMOS_EXT_MEM_POST_LO] = (uint8_t)kb;
	c->ram[CMOS_EXT_MEM_HI] = c->ram[CMOS_EXT_MEM_POST_HI] =
		(uint8_t)(kb >> 8);
	/* 64 KiB units above 16 MiB (SeaBIOS sizes RAM from these). */
	kb = low > (16u << 20) ? (low - (16u << 20)) / 65536 : 0;
	kb = kb > 0xffff ? 0xffff : kb;
	c->ram[CMOS_MEM_16M_LO] = (uint8_t)kb;
	c->ram[CMOS_MEM_16M_HI] = (uint8_t)(kb >> 8);
	kb = info->ram_above_4g / 65536;
	c->ram[CMOS_MEM_4G_LO] = (uint8_t)kb;
	c->ram[CMOS_MEM_4G_MID] = (uint8_t)(kb >> 8);
	c->ram[CMOS_MEM_4G_HI] = (uint8_t)(kb >> 16);
	c->ram[CMOS_SMP_COUNT] = 0;

	c->ram[CMOS_FLOPPY_TYPE] = (uint8_t)((info->fd_type[0] & 0x0f) << 4 |
					     (info->fd_type[1] & 0x0f));
	nfd = (info->fd_type[0] != CMOS_FD_NONE) +
	      (info->fd_type[1] != CMOS_FD_NONE);
	/* Bit 0: floppies present, bits 7-6: count - 1; FPU; PS/2 mouse. */
	c->ram[CMOS_EQUIPMENT] = (uint8_t)((nfd ? 0x01 : 0) |
					   (nfd == 2 ? 0x40 : 0) | 0x02 | 0x04);

	c->ram[CMOS_BOOTFLAG2] = (uint8_t)(dev[1] << 4 | dev[0]);
	c->ram[CMOS_BOOTFLAG1] = (uint8_t)(dev[2] << 4 |
					   (info->fd_bootchk ? 0 : 1));

	uint8_t t[CMOS_SIZE];
	encode_time(c, clock_running(c) ? current_secs(c) : decode_time(c), t);
	c->ram[CMOS_CENTURY] = t[CMOS_CENTURY];
	cmos_update_checksum(c);
	return 0;
}
