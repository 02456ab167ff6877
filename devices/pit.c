/* devices/pit.c: Intel 8254 programmable interval timer.
 *
 * The 8254 clock (1.193182 MHz) is a pure function of virtual time: tick k
 * is the k-th falling CLK edge since power-on. A counter keeps no running
 * value; it remembers when its counting element (CE) was loaded and with
 * what, and the CE and OUT at tick t follow from the mode's formula. The only
 * event is channel 0's next OUT rising edge (IRQ0), so a periodic timer
 * costs one event per interrupt, whatever the count.
 *
 * Timing follows the datasheet: a written count is loaded on the next CLK
 * pulse, which does not decrement it (mode 0 OUT rises N+1 pulses after the
 * write); modes 2/3 take a new count at the next reload (end of period,
 * end of half-cycle); GATE pauses modes 0/4, stops and re-triggers modes
 * 2/3, and triggers modes 1/5.
 *
 * IRQ0 sees every rising edge of OUT at its exact time. The falling edges in
 * between (mode 2's one-clock pulse, mode 3's low half) are folded into the
 * next rising edge (lower then raise) to keep one event per interrupt; the
 * line is brought to the true OUT level whenever the guest programs
 * channel 0.
 */
#include "devices/pit.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

#define NS_PER_S 1000000000u
#define NEVER UINT64_MAX

enum { PIT_IDLE, PIT_ARMED, PIT_COUNTING };

/* Control word and read-back bits. */
#define CW_SC(v) (((v) >> 6) & 3u)
#define CW_RW(v) (((v) >> 4) & 3u)
#define RB_NOCOUNT 0x20u
#define RB_NOSTATUS 0x10u

/* Ticks elapsed by virtual time ns (floor), and the first ns of tick t;
 * split so neither overflows in any run length. */
static uint64_t ns_to_tick(uint64_t ns)
{
	return ns / NS_PER_S * PIT_HZ + ns % NS_PER_S * PIT_HZ / NS_PER_S;
}

static uint64_t tick_to_ns(uint64_t t)
{
	uint64_t q = t / PIT_HZ, r = t % PIT_HZ;
	return q * NS_PER_S + (r * NS_PER_S + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t pit_now(const struct pit *p)
{
	return ns_to_tick(clock_now(&p->m->clock));
}

static bool ch_bcd(const struct pit_channel *c)
{
	return c->ctrl & 1u;
}

static uint32_t ch_modulus(const struct pit_channel *c)
{
	return ch_bcd(c) ? 10000u : 65536u;
}

static unsigned ch_rw(const struct pit_channel *c)
{
	return CW_RW(c->ctrl);
}

/* The count register as a number of pulses: 0 means the full modulus. */
static uint32_t ch_cr_count(const struct pit_channel *c)
{
	uint32_t v = c->cr;
	if (ch_bcd(c)) {
		/* Invalid digits (A-F) still weigh by position, then wrap. */
		v = ((v >> 12) & 15u) * 1000u + ((v >> 8) & 15u) * 100u +
		    ((v >> 4) & 15u) * 10u + (v & 15u);
		v %= 10000u;
	}
	return v ? v : ch_modulus(c);
}

static uint16_t ch_encode(const struct pit_channel *c, uint32_t v)
{
	if (!ch_bcd(c))
		return (uint16_t)v;
	v %= 10000u;
	return (uint16_t)((v / 1000u) << 12 | (v / 100u % 10u) << 8 |
			  (v / 10u % 10u) << 4 | v % 10u);
}

/* Pulses counted since the load (plus phase) at tick t; false when the CE
 * is not counting at t (idle, armed, or the load is still to come). */
static bool ch_elapsed(const struct pit_channel *c, uint64_t t, uint64_t *d)
{
	if (c->run != PIT_COUNTING || t < c->load)
		return false;
	if (c->paused && t > c->pause)
		t = c->pause;
	*d = t - c->load + c->phase;
	return true;
}

/* The CE as a plain number (0..modulus-1) at tick t. */
static uint32_t ch_ce(const struct pit_channel *c, uint64_t t)
{
	uint32_t n = c->count, m = ch_modulus(c);
	uint64_t d;

	if (!ch_elapsed(c, t, &d))
		return c->ce_hold % m;
	switch (c->mode) {
	case 2:
		return (n - (uint32_t)(d % n)) % m;
	case 3: {
		/* Counts by two; an odd count loads N-1 (so reads are even). */
		uint32_t ph = (uint32_t)(d % n), hl = (n + 1) / 2, top = n & ~1u;
		return (ph < hl ? top - 2 * ph : top - 2 * (ph - hl)) % m;
	}
	default: /* one-shots keep counting down through zero */
		return (n + m - (uint32_t)(d % m)) % m;
	}
}

static bool ch_out(const struct pit_channel *c, uint64_t t)
{
	uint64_t n = c->count, d;

	if (!ch_elapsed(c, t, &d))
		return c->out_hold;
	switch (c->mode) {
	case 0:
	case 1:
		return d >= n;
	case 2:
		return d % n != n - 1;
	case 3:
		return d % n < (n + 1) / 2;
	default: /* 4, 5: strobe low for the one pulse when the CE hits 0 */
		return d != n;
	}
}

/* The first tick after t at which OUT rises, NEVER if none is coming. */
static uint64_t ch_next_rise(const struct pit_channel *c, uint64_t t)
{
	uint64_t n = c->count, from, d;

	if (c->run != PIT_COUNTING)
		return NEVER;
	if (t < c->load) {
		if (!c->out_hold && ch_out(c, c->load))
			return c->load;
		from = c->load;
	} else {
		from = t;
	}
	if (!ch_elapsed(c, from, &d) || (c->paused && c->pause <= from))
		return NEVER;
	switch (c->mode) {
	case 0:
	case 1:
		return d < n ? from + (n - d) : NEVER;
	case 4:
	case 5:
		return d < n + 1 ? from + (n + 1 - d) : NEVER;
	default: /* 2, 3: a rise at every multiple of the period */
		if (n < 2)
			return NEVER;
		return from + ((d / n + 1) * n - d);
	}
}

/* Start counting `n` from the CLK pulse at tick `at`. */
static void ch_start(struct pit_channel *c, uint64_t at, uint32_t n)
{
	c->run = PIT_COUNTING;
	c->load = at;
	c->count = n;
	c->phase = 0;
	c->paused = 0;
	c->pend_count = 0;
}

/* Modes 2/3: a count waiting for the reload has been reached by time t. */
static void ch_commit(struct pit_channel *c, uint64_t t)
{
	uint64_t d;

	if (!c->pend_count || t < c->pend_at)
		return;
	/* A mode 3 reload at the end of the high half starts the low half. */
	bool low_half = c->mode == 3 && ch_elapsed(c, c->pend_at, &d) &&
			d % c->count != 0;
	uint32_t n = c->pend_count;
	ch_start(c, c->pend_at, n);
	if (low_half)
		c->phase = (n + 1) / 2;
}

static void pit_ch2_changed(struct pit *p)
{
	if (p->ch2_notify)
		p->ch2_notify(p->ch2_opaque);
}

/* --- channel 0 and IRQ0 -------------------------------------------------- */

static void pit_drive_irq(struct pit *p, bool level)
{
	if (p->irq_level == level)
		return;
	p->irq_level = level;
	irq_set(&p->m->irq, 0, level);
}

/* Schedule the next thing channel 0 must do after tick t: an OUT rise, or a
 * pending reload (whose count changes the rises that follow). */
static void pit_arm(struct pit *p, uint64_t t)
{
	struct pit_channel *c = &p->ch[0];
	uint64_t e = ch_next_rise(c, t);

	if (c->pend_count && c->pend_at > t && c->pend_at < e)
		e = c->pend_at;
	if (e == NEVER) {
		event_cancel(&p->ev);
		p->ev_tick = 0;
		return;
	}
	p->ev_tick = e;
	event_schedule(&p->ev, tick_to_ns(e));
}

/* Handle channel 0's due tick e: commit a reload, deliver a rise. */
static void pit_step(struct pit *p, uint64_t e)
{
	struct pit_channel *c = &p->ch[0];
	bool rise = ch_out(c, e) && !ch_out(c, e - 1);

	ch_commit(c, e);
	if (rise) {
		pit_drive_irq(p, false); /* the folded falling edge */
		pit_drive_irq(p, true);
	}
	pit_arm(p, e);
}

static void pit_event(void *opaque)
{
	struct pit *p = opaque;
	uint64_t e = p->ev_tick;

	p->ev_tick = 0;
	if (e)
		pit_step(p, e);
}

/* Before the guest touches channel 0 at tick t, deliver any edge due at or
 * before t that the event queue has not fired yet (same-instant I/O). */
static void pit_catch_up(struct pit *p, uint64_t t)
{
	while (p->ev_tick && p->ev_tick <= t) {
		uint64_t e = p->ev_tick;
		event_cancel(&p->ev);
		p->ev_tick = 0;
		pit_step(p, e);
	}
}

/* After the guest programmed channel 0: true OUT level on the line, and
 * re-plan the next edge. */
static void pit_ch0_changed(struct pit *p, uint64_t t)
{
	pit_drive_irq(p, ch_out(&p->ch[0], t));
	pit_arm(p, t);
}

/* --- guest-visible operations -------------------------------------------- */

static void ch_latch_count(struct pit_channel *c, uint64_t t)
{
	if (c->latched)
		return; /* a second latch before the read is ignored */
	c->ol = ch_encode(c, ch_ce(c, t));
	c->latched = ch_rw(c) == 3 ? 2 : 1;
}

static void ch_latch_status(struct pit_channel *c, uint64_t t)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((ch_out(c, t) ? 0x80u : 0) |
			      (t < c->nc_until ? 0x40u : 0) | (c->ctrl & 0x3fu));
	c->status_latched = 1;
}

static void ch_control(struct pit_channel *c, uint8_t val, uint64_t t)
{
	uint8_t mode = (val >> 1) & 7u;

	c->ce_hold = ch_ce(c, t); /* the CE is left where it was */
	c->ctrl = val & 0x3fu;
	c->mode = mode > 5 ? mode - 4 : mode;
	c->run = PIT_IDLE;
	c->paused = 0;
	c->pend_count = 0;
	c->out_hold = c->mode != 0;
	c->nc_until = NEVER;
	c->wr_msb = c->rd_msb = 0;
	c->latched = c->status_latched = 0;
}

/* The count register is complete: act on it per mode. */
static void ch_count_written(struct pit_channel *c, uint64_t t)
{
	uint32_t n = ch_cr_count(c);
	uint64_t d;

	switch (c->mode) {
	case 0:
	case 4:
		c->ce_hold = ch_ce(c, t);
		c->out_hold = ch_out(c, t) && c->mode == 4;
		ch_start(c, t + 1, n);
		c->nc_until = t + 1;
		if (!c->gate) {
			c->paused = 1;
			c->pause = c->load;
		}
		break;
	case 1:
	case 5:
		/* Armed; a running one-shot is unaffected until a trigger. */
		if (c->run == PIT_IDLE)
			c->run = PIT_ARMED;
		c->nc_until = NEVER;
		break;
	default: /* 2, 3 */
		if (c->run == PIT_COUNTING && ch_elapsed(c, t, &d)) {
			uint64_t ph = d % c->count, hl = (c->count + 1) / 2;
			uint64_t next = c->mode == 3 && ph < hl ? hl : c->count;
			c->pend_at = t - ph + next;
			c->pend_count = n;
			c->nc_until = c->pend_at;
		} else if (c->run == PIT_COUNTING) {
			c->count = n; /* not loaded yet: the load takes this */
			c->nc_until = c->load;
		} else if (c->gate) {
			ch_start(c, t + 1, n);
			c->nc_until = t + 1;
		} else {
			c->run = PIT_ARMED;
			c->nc_until = NEVER;
		}
		break;
	}
}

static void ch_write(struct pit_channel *c, uint8_t val, uint64_t t)
{
	switch (ch_rw(c)) {
	case 1:
		c->cr = val;
		break;
	case 2:
		c->cr = (uint16_t)(val << 8);
		break;
	default:
		if (!c->wr_msb) {
			c->cr = (uint16_t)((c->cr & 0xff00u) | val);
			c->wr_msb = 1;
			if (c->mode == 0) {
				/* The first byte stops a mode 0 count and
				 * drops OUT at once. */
				c->ce_hold = ch_ce(c, t);
				c->run = PIT_IDLE;
				c->out_hold = 0;
			}
			return;
		}
		c->cr = (uint16_t)((c->cr & 0xffu) | val << 8);
		c->wr_msb = 0;
		break;
	}
	ch_count_written(c, t);
}

static uint8_t ch_read(struct pit_channel *c, uint64_t t)
{
	uint16_t v;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->latched) {
		v = c->ol;
		if (ch_rw(c) == 3 && c->latched == 2) {
			c->latched = 1;
			return (uint8_t)v;
		}
		c->latched = 0;
		return (uint8_t)(ch_rw(c) == 1 ? v : v >> 8);
	}
	v = ch_encode(c, ch_ce(c, t));
	switch (ch_rw(c)) {
	case 1:
		return (uint8_t)v;
	case 2:
		return (uint8_t)(v >> 8);
	default:
		c->rd_msb ^= 1u;
		return (uint8_t)(c->rd_msb ? v : v >> 8);
	}
}

static void ch_set_gate(struct pit_channel *c, bool g, uint64_t t)
{
	if (c->gate == g)
		return;
	c->gate = g;
	switch (c->mode) {
	case 0:
	case 4: /* level: pause and resume */
		if (c->run != PIT_COUNTING)
			break;
		if (!g) {
			c->paused = 1;
			c->pause = t > c->load ? t : c->load;
		} else if (c->paused) {
			if (t > c->pause)
				c->load += t - c->pause;
			c->paused = 0;
		}
		break;
	case 1:
	case 5: /* rising edge: (re)load the CR on the next pulse */
		if (g && c->run != PIT_IDLE) {
			c->out_hold = ch_out(c, t);
			ch_start(c, t + 1, ch_cr_count(c));
			if (c->nc_until > t + 1)
				c->nc_until = t + 1;
		}
		break;
	default: /* 2, 3: low stops with OUT high, rising edge reloads */
		if (!g) {
			ch_commit(c, t);
			if (c->run == PIT_COUNTING) {
				c->ce_hold = ch_ce(c, t);
				c->run = PIT_ARMED;
				if (c->nc_until > t)
					c->nc_until = NEVER;
			}
			c->pend_count = 0;
			c->out_hold = 1;
		} else if (c->run == PIT_ARMED) {
			c->out_hold = 1;
			ch_start(c, t + 1, ch_cr_count(c));
			if (c->nc_until > t + 1)
				c->nc_until = t + 1;
		}
		break;
	}
}

/* --- ports ---------------------------------------------------------------- */

static void pit_control(struct pit *p, uint8_t val, uint64_t t)
{
	if (CW_SC(val) == 3) { /* read-back */
		for (unsigned i = 0; i < 3; i++) {
			if (!(val & (2u << i)))
				continue;
			if (!(val & RB_NOCOUNT))
				ch_latch_count(&p->ch[i], t);
			if (!(val & RB_NOSTATUS))
				ch_latch_status(&p->ch[i], t);
		}
		return;
	}
	struct pit_channel *c = &p->ch[CW_SC(val)];
	if (CW_RW(val) == 0) {
		ch_latch_count(c, t);
		return;
	}
	ch_control(c, val, t);
	if (CW_SC(val) == 0)
		pit_ch0_changed(p, t);
	else if (CW_SC(val) == 2)
		pit_ch2_changed(p);
}

static uint8_t pit_read_byte(struct pit *p, unsigned port)
{
	uint64_t t = pit_now(p);

	if (port == 3)
		return 0xff; /* the control word register is write-only */
	if (port == 0)
		pit_catch_up(p, t);
	struct pit_channel *c = &p->ch[port];
	ch_commit(c, t);
	return ch_read(c, t);
}

static void pit_write_byte(struct pit *p, unsigned port, uint8_t val)
{
	uint64_t t = pit_now(p);

	pit_catch_up(p, t);
	for (unsigned i = 0; i < 3; i++)
		ch_commit(&p->ch[i], t);
	if (port == 3) {
		pit_control(p, val, t);
		return;
	}
	ch_write(&p->ch[port], val, t);
	if (port == 0)
		pit_ch0_changed(p, t);
	else if (port == 2)
		pit_ch2_changed(p);
}

/* A 16/32-bit access is a run of byte cycles on the ISA bus. */
static uint32_t pit_read(void *opaque, uint64_t offset, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)(offset + i < 4 ?
				pit_read_byte(opaque, (unsigned)offset + i) :
				0xffu) << (8 * i);
	return v;
}

static void pit_write(void *opaque, uint64_t offset, uint32_t val,
		      unsigned size)
{
	for (unsigned i = 0; i < size && offset + i < 4; i++)
		pit_write_byte(opaque, (unsigned)offset + i,
			       (uint8_t)(val >> (8 * i)));
}

static const struct io_ops pit_ops = {
	.read = pit_read,
	.write = pit_write,
};

/* --- lifecycle ------------------------------------------------------------ */

#define CH_FIELDS(i)                                                          \
	STATE_FIELD(struct pit, ch[i].load),                                  \
	STATE_FIELD(struct pit, ch[i].pause),                                 \
	STATE_FIELD(struct pit, ch[i].pend_at),                               \
	STATE_FIELD(struct pit, ch[i].nc_until),                              \
	STATE_FIELD(struct pit, ch[i].count),                                 \
	STATE_FIELD(struct pit, ch[i].phase),                                 \
	STATE_FIELD(struct pit, ch[i].pend_count),                            \
	STATE_FIELD(struct pit, ch[i].ce_hold),                               \
	STATE_FIELD(struct pit, ch[i].cr),                                    \
	STATE_FIELD(struct pit, ch[i].ol),                                    \
	STATE_FIELD(struct pit, ch[i].ctrl),                                  \
	STATE_FIELD(struct pit, ch[i].mode),                                  \
	STATE_FIELD(struct pit, ch[i].run),                                   \
	STATE_FIELD(struct pit, ch[i].paused),                                \
	STATE_FIELD(struct pit, ch[i].out_hold),                              \
	STATE_FIELD(struct pit, ch[i].gate),                                  \
	STATE_FIELD(struct pit, ch[i].wr_msb),                                \
	STATE_FIELD(struct pit, ch[i].rd_msb),                                \
	STATE_FIELD(struct pit, ch[i].latched),                               \
	STATE_FIELD(struct pit, ch[i].status_latched),                        \
	STATE_FIELD(struct pit, ch[i].status)

static const struct state_field pit_fields[] = {
	CH_FIELDS(0), CH_FIELDS(1), CH_FIELDS(2),
	STATE_FIELD(struct pit, irq_level),
	STATE_FIELD(struct pit, ev_tick),
	STATE_END
};

static void pit_post_load(void *opaque)
{
	struct pit *p = opaque;

	/* The line's level lives in core/irq; put it back where it was. */
	irq_set(&p->m->irq, 0, p->irq_level);
	if (p->ev_tick)
		event_schedule(&p->ev, tick_to_ns(p->ev_tick));
	else
		event_cancel(&p->ev);
}

void pit_reset(void *opaque)
{
	struct pit *p = opaque;

	/* Power-on state is undefined; pick a quiet one: every counter in
	 * mode 3 waiting for a count, OUT high. */
	for (unsigned i = 0; i < 3; i++) {
		struct pit_channel *c = &p->ch[i];
		*c = (struct pit_channel){ 0 };
		c->ctrl = 0x36; /* LSB then MSB, mode 3, binary */
		c->mode = 3;
		c->out_hold = 1;
		c->nc_until = NEVER;
		c->gate = i != 2; /* channels 0 and 1: GATE tied high */
	}
	event_cancel(&p->ev);
	p->ev_tick = 0;
	pit_drive_irq(p, true);
	pit_ch2_changed(p);
}

void pit_destroy(void *opaque)
{
	struct pit *p = opaque;
	if (!p)
		return;
	event_cancel(&p->ev);
	free(p);
}

/* --- channel 2 for port 0x61 -------------------------------------------- */

void pit_set_gate2(struct pit *p, bool level)
{
	uint64_t t = pit_now(p);
	struct pit_channel *c = &p->ch[2];

	ch_commit(c, t);
	ch_set_gate(c, level, t);
}

bool pit_out2(struct pit *p)
{
	uint64_t t = pit_now(p);
	struct pit_channel *c = &p->ch[2];

	ch_commit(c, t);
	return ch_out(c, t);
}

void pit_ch2_setting(struct pit *p, unsigned *mode, uint32_t *count)
{
	const struct pit_channel *c = &p->ch[2];
	*mode = c->mode;
	*count = c->run == PIT_COUNTING ? c->count : 0;
}

void pit_set_ch2_notify(struct pit *p, void (*fn)(void *), void *opaque)
{
	p->ch2_notify = fn;
	p->ch2_opaque = opaque;
}

struct pit *pit_create(struct machine *m)
{
	struct pit *p = xcalloc(1, sizeof(*p));

	p->m = m;
	event_init(&p->ev, &m->clock, pit_event, p, "pit");
	if (bus_map_ports(m->bus, PIT_PORT, 4, &pit_ops, p, "pit")) {
		free(p);
		return NULL;
	}
	state_add_hooked(&m->state, "pit", pit_fields, p, NULL, pit_post_load,
			 p);
	machine_add_device(m, "pit", p, pit_reset, pit_destroy);
	pit_reset(p);
	return p;
}
