/* devices/pit.h: Intel 8254 programmable interval timer (ports 0x40-0x43).
 * Channel 0 drives IRQ0; channel 2's GATE and OUT are reached through port
 * 0x61 (devices/port61.c). */
#ifndef LUCID_DEVICES_PIT_H
#define LUCID_DEVICES_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

struct machine;

#define PIT_PORT 0x40
#define PIT_HZ 1193182u

/* One counter. Nothing here is advanced by ticks: the counting element and
 * OUT are computed from the virtual clock at the moment someone looks. */
struct pit_channel {
	uint64_t load;       /* PIT tick at which the CE took `count` */
	uint64_t pause;      /* modes 0/4, gate low: counting frozen here */
	uint64_t pend_at;    /* modes 2/3: reload that takes pend_count */
	uint64_t nc_until;   /* null count reads 1 before this tick */
	uint32_t count;      /* count of the current run, 1..65536 */
	uint32_t phase;      /* pulses into the period at `load` (mode 3) */
	uint32_t pend_count; /* 0: no count waiting for the next reload */
	uint32_t ce_hold;    /* CE while not counting (or before the load) */
	uint16_t cr;         /* count register, as written */
	uint16_t ol;         /* output latch */
	uint8_t ctrl;        /* control word bits 5:0 (RW, mode, BCD) */
	uint8_t mode;        /* 0..5 (6 and 7 alias 2 and 3) */
	uint8_t run;         /* PIT_IDLE, PIT_ARMED, PIT_COUNTING */
	uint8_t paused;
	uint8_t out_hold;    /* OUT while not counting (or before the load) */
	uint8_t gate;
	uint8_t wr_msb;      /* LSB-then-MSB: the next write is the MSB */
	uint8_t rd_msb;      /* LSB-then-MSB: the next read is the MSB */
	uint8_t latched;     /* bytes of `ol` left to read */
	uint8_t status_latched;
	uint8_t status;
};

struct pit {
	struct machine *m;
	struct pit_channel ch[3];
	uint8_t irq_level;   /* what we last drove on IRQ0 */
	uint64_t ev_tick;    /* tick the IRQ0 event is due at, 0 = not armed */
	struct event ev;
	void (*ch2_notify)(void *opaque); /* channel 2 reprogrammed */
	void *ch2_opaque;
};

/* Maps 0x40-0x43; NULL if they are taken. */
struct pit *pit_create(struct machine *m);
void pit_reset(void *opaque);
void pit_destroy(void *opaque);

/* Channel 2 as port 0x61 sees it: GATE in, OUT out, and what it is set to
 * play (count 0: not counting), with a call whenever that changes. */
void pit_set_gate2(struct pit *p, bool level);
bool pit_out2(struct pit *p);
void pit_ch2_setting(struct pit *p, unsigned *mode, uint32_t *count);
void pit_set_ch2_notify(struct pit *p, void (*fn)(void *), void *opaque);

#endif
