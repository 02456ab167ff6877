/* devices/lapic.h: the local APIC of a P6-class CPU (one CPU for now).
 *
 * MMIO at the APIC_BASE MSR's address (0xFEE00000 after reset). The timer
 * counts at LAPIC_BUS_HZ (the front-side bus: a fixed 100 MHz, whatever the
 * core clock) from virtual time. With the APIC globally disabled (MSR bit
 * 11 clear) or software-disabled (SVR bit 8 clear, as after reset) the 8259
 * reaches the CPU straight through, so a DOS machine sees no difference.
 * TSC-deadline mode is not offered: no P6 advertises it.
 */
#ifndef LUCID_DEVICES_LAPIC_H
#define LUCID_DEVICES_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

struct machine;

#define LAPIC_DEFAULT_BASE 0xfee00000u
#define LAPIC_SIZE 0x1000
#define LAPIC_BUS_HZ 100000000u
#define LAPIC_TICK_NS (1000000000u / LAPIC_BUS_HZ)
#define LAPIC_VERSION 0x00050014u /* integrated APIC, max LVT entry 5 */

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_BSP (1u << 8)
#define APIC_BASE_ENABLE (1u << 11)

/* Register offsets. */
#define LAPIC_ID 0x020
#define LAPIC_VER 0x030
#define LAPIC_TPR 0x080
#define LAPIC_APR 0x090
#define LAPIC_PPR 0x0a0
#define LAPIC_EOI 0x0b0
#define LAPIC_RRD 0x0c0
#define LAPIC_LDR 0x0d0
#define LAPIC_DFR 0x0e0
#define LAPIC_SVR 0x0f0
#define LAPIC_ISR 0x100
#define LAPIC_TMR 0x180
#define LAPIC_IRR 0x200
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_ICR 0x380
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DCR 0x3e0

#define LAPIC_SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_LEVEL (1u << 15)
#define LVT_REMOTE_IRR (1u << 14)
#define LVT_TIMER_PERIODIC (1u << 17)

/* Delivery modes (ICR, LVT, IOAPIC redirection entries). */
enum apic_dm {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_STARTUP = 6,
	APIC_DM_EXTINT = 7,
};

/* ESR bits this model sets. */
#define ESR_SEND_ILLEGAL 0x20
#define ESR_RECV_ILLEGAL 0x40
#define ESR_ILLEGAL_REG 0x80

enum { LAPIC_NLVT = 6 }; /* timer, thermal, perf, LINT0, LINT1, error */

struct lapic {
	struct machine *m;
	struct event timer_ev;
	/* Board wiring, set by core: broadcast EOI of a level vector (to the
	 * IOAPIC). */
	void (*eoi_hook)(void *opaque, uint8_t vector);
	void *eoi_opaque;
	/* Host bookkeeping: where the page is mapped (0 = nowhere). */
	uint64_t mapped_base;
	/* State. */
	uint64_t apic_base;   /* the MSR */
	uint32_t id, tpr, ldr, dfr, svr, esr, esr_pending;
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LAPIC_NLVT];
	uint32_t isr[8], tmr[8], irr[8];
	uint32_t timer_icr, timer_dcr;
	uint64_t timer_base_ns; /* when the count was timer_base_count */
	uint32_t timer_base_count;
	uint64_t timer_due;     /* next expiry, 0 = not armed */
	uint8_t extint_req;     /* an IOAPIC ExtINT message is waiting */
	uint8_t lint0_level;    /* the 8259's INTR as LINT0 sees it */
};

/* Installs itself as the CPU's local interrupt controller (core/irq). */
struct lapic *lapic_create(struct machine *m);
void lapic_reset(void *opaque);
void lapic_destroy(void *opaque);

/* The APIC_BASE MSR (0x1B), routed here by core's MSR hooks. */
uint64_t lapic_get_base(const struct lapic *l);
void lapic_set_base(struct lapic *l, uint64_t msr);

/* True if this APIC is a destination of (dest, logical) in an interrupt
 * message (physical: ID or broadcast 0xFF; logical: flat/cluster LDR). */
bool lapic_match_dest(const struct lapic *l, uint8_t dest, bool logical);
/* An interrupt message (from the IOAPIC or the ICR): mode is enum apic_dm;
 * level marks a level-triggered fixed vector (TMR, EOI broadcast). */
void lapic_deliver(struct lapic *l, unsigned mode, uint8_t vector,
		   bool level);
/* The virtual time of the timer's next expiry, 0 if none (tests, traces). */
uint32_t lapic_timer_count(struct lapic *l);

#endif
