/* devices/lapic.c: the local APIC (Intel SDM vol. 3, chapter 10, as the P6
 * family has it: 4-bit IDs, flat/cluster logical mode, ESR illegal-register
 * bit, SVR bits 3:0 hardwired to 1).
 *
 * It owns the CPU's INTR (core/irq): a fixed vector is deliverable when its
 * priority class is above PPR's; an ExtINT (LINT0 in virtual-wire mode, an
 * IOAPIC ExtINT message, or any time the APIC is disabled) is answered by the
 * 8259's INTA. Only one CPU exists: IPIs to others are logged and dropped.
 */
#include "devices/lapic.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "mmu/mem.h"

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };

/* Writable bits of each LVT (delivery status and remote IRR are the APIC's). */
static const uint32_t lvt_wmask[LAPIC_NLVT] = {
	[LVT_TIMER] = 0x300ff,
	[LVT_THERMAL] = 0x107ff,
	[LVT_PERF] = 0x107ff,
	[LVT_LINT0] = 0x1a7ff,
	[LVT_LINT1] = 0x1a7ff,
	[LVT_ERROR] = 0x100ff,
};

static void vec_set(uint32_t *r, unsigned v) { r[v >> 5] |= 1u << (v & 31); }
static void vec_clear(uint32_t *r, unsigned v) { r[v >> 5] &= ~(1u << (v & 31)); }
static bool vec_test(const uint32_t *r, unsigned v)
{
	return r[v >> 5] >> (v & 31) & 1u;
}

/* The highest vector set, or -1. */
static int vec_highest(const uint32_t *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

static bool lapic_hw_enabled(const struct lapic *l)
{
	return l->apic_base & APIC_BASE_ENABLE;
}

static bool lapic_enabled(const struct lapic *l)
{
	return lapic_hw_enabled(l) && (l->svr & LAPIC_SVR_ENABLE);
}

static unsigned lvt_mode(uint32_t lvt)
{
	return lvt >> 8 & 7u;
}

/* The 8259 reaches INTR unchanged: APIC off, or LINT0 in ExtINT mode. */
static bool lapic_passthrough(const struct lapic *l)
{
	uint32_t lint0 = l->lvt[LVT_LINT0];
	return !lapic_enabled(l) ||
	       (!(lint0 & LVT_MASKED) && lvt_mode(lint0) == APIC_DM_EXTINT);
}

static uint32_t lapic_ppr(const struct lapic *l)
{
	int isrv = vec_highest(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0u;
	return (l->tpr & 0xf0u) >= isr_class ? l->tpr & 0xffu : isr_class;
}

/* The fixed vector the CPU would take now, or -1. */
static int lapic_pending(const struct lapic *l)
{
	if (!lapic_enabled(l))
		return -1;
	int v = vec_highest(l->irr);
	if (v < 0 || ((unsigned)v & 0xf0u) <= (lapic_ppr(l) & 0xf0u))
		return -1;
	return v;
}

static bool lapic_extint(const struct lapic *l)
{
	return l->extint_req || (lapic_passthrough(l) && l->lint0_level);
}

static void lapic_update(struct lapic *l)
{
	irq_set_cpu_intr(&l->m->irq, lapic_extint(l) || lapic_pending(l) >= 0);
}

static void lapic_error(struct lapic *l, uint32_t bits);

/* A fixed vector arrives (message, LVT or self-IPI). */
static void lapic_accept(struct lapic *l, uint8_t vector, bool level)
{
	if (vector < 16) {
		lapic_error(l, ESR_RECV_ILLEGAL);
		return;
	}
	if (!lapic_enabled(l)) {
		log_debug(&l->m->log, IRQ, "vector %#x dropped: APIC disabled",
			  vector);
		return;
	}
	vec_set(l->irr, vector);
	if (level)
		vec_set(l->tmr, vector);
	else
		vec_clear(l->tmr, vector);
	lapic_update(l);
}

static void lapic_error(struct lapic *l, uint32_t bits)
{
	uint32_t lvt = l->lvt[LVT_ERROR];

	l->esr_pending |= bits;
	/* An illegal error vector is itself an error: latch, don't recurse. */
	if (!(lvt & LVT_MASKED) && (lvt & 0xffu) >= 16)
		lapic_accept(l, (uint8_t)lvt, false);
}

/* Deliver a local interrupt through its LVT entry. */
static void lapic_lvt_fire(struct lapic *l, unsigned idx)
{
	uint32_t lvt = l->lvt[idx];

	if (lvt & LVT_MASKED)
		return;
	switch (idx == LVT_TIMER || idx == LVT_ERROR ? APIC_DM_FIXED
						      : lvt_mode(lvt)) {
	case APIC_DM_FIXED:
		lapic_accept(l, (uint8_t)lvt, false);
		break;
	case APIC_DM_NMI:
		irq_cpu_nmi(&l->m->irq);
		break;
	case APIC_DM_EXTINT:
		break; /* the 8259 passes through (lapic_passthrough) */
	default:
		log_debug(&l->m->log, IRQ, "LVT %u: delivery mode %u ignored",
			  idx, lvt_mode(lvt));
	}
}

void lapic_deliver(struct lapic *l, unsigned mode, uint8_t vector, bool level)
{
	switch (mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		lapic_accept(l, vector, level);
		break;
	case APIC_DM_NMI:
		irq_cpu_nmi(&l->m->irq);
		break;
	case APIC_DM_EXTINT:
		l->extint_req = 1;
		lapic_update(l);
		break;
	default:
		/* INIT/SIPI would reset or start a CPU; SMI needs SMM. */
		log_warn(&l->m->log, IRQ, "delivery mode %u not supported",
			 mode);
	}
}

bool lapic_match_dest(const struct lapic *l, uint8_t dest, bool logical)
{
	if (dest == 0xff)
		return true;
	if (!logical)
		return dest == (l->id >> 24 & 0xfu);
	uint8_t ldr = (uint8_t)(l->ldr >> 24);
	if ((l->dfr >> 28) == 0xf) /* flat */
		return (ldr & dest) != 0;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xfu); /* cluster */
}

/* INTA: the vector the CPU takes (see core/irq.h). */
static int lapic_ack(void *opaque)
{
	struct lapic *l = opaque;

	if (lapic_extint(l)) {
		l->extint_req = 0;
		int v = irq_ext_acknowledge(&l->m->irq);
		lapic_update(l);
		return v;
	}
	if (!lapic_enabled(l))
		return -1;
	int v = lapic_pending(l);
	if (v < 0)
		return (int)(l->svr & 0xffu); /* raised TPR: spurious */
	vec_clear(l->irr, (unsigned)v);
	vec_set(l->isr, (unsigned)v);
	lapic_update(l);
	return v;
}

static void lapic_eoi(struct lapic *l)
{
	int v = vec_highest(l->isr);

	if (v < 0)
		return;
	vec_clear(l->isr, (unsigned)v);
	if (vec_test(l->tmr, (unsigned)v) && l->eoi_hook)
		l->eoi_hook(l->eoi_opaque, (uint8_t)v);
	lapic_update(l);
}

/* LINT0 sees the 8259's INTR. */
static void lapic_lint0(void *opaque, bool asserted)
{
	struct lapic *l = opaque;
	bool rise = asserted && !l->lint0_level;

	l->lint0_level = asserted;
	if (rise && lapic_enabled(l) && lvt_mode(l->lvt[LVT_LINT0]) == APIC_DM_FIXED)
		lapic_lvt_fire(l, LVT_LINT0);
	lapic_update(l);
}

/* LINT1: the board's NMI; straight to the CPU while the APIC is off. */
static void lapic_lint1(void *opaque)
{
	struct lapic *l = opaque;

	if (!lapic_enabled(l))
		irq_cpu_nmi(&l->m->irq);
	else
		lapic_lvt_fire(l, LVT_LINT1);
}

/* --- timer ------------------------------------------------------------- */

static uint64_t timer_tick_ns(const struct lapic *l)
{
	unsigned v = (l->timer_dcr >> 1 & 4u) | (l->timer_dcr & 3u);
	return (uint64_t)LAPIC_TICK_NS << ((v + 1) & 7u);
}

uint32_t lapic_timer_count(struct lapic *l)
{
	if (!l->timer_due)
		return 0;
	uint64_t now = clock_now(&l->m->clock);
	uint64_t ticks = now > l->timer_base_ns
				 ? (now - l->timer_base_ns) / timer_tick_ns(l)
				 : 0;
	if (ticks < l->timer_base_count)
		return (uint32_t)(l->timer_base_count - ticks);
	/* Past the expiry whose event has not run yet. */
	if ((l->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC) && l->timer_icr)
		return l->timer_icr -
		       (uint32_t)((ticks - l->timer_base_count) % l->timer_icr);
	return 0;
}

static void timer_arm(struct lapic *l, uint64_t base_ns, uint32_t count)
{
	event_cancel(&l->timer_ev);
	l->timer_base_ns = base_ns;
	l->timer_base_count = count;
	l->timer_due = count ? base_ns + count * timer_tick_ns(l) : 0;
	if (l->timer_due)
		event_schedule(&l->timer_ev, l->timer_due);
}

static void lapic_timer_event(void *opaque)
{
	struct lapic *l = opaque;
	uint64_t due = l->timer_due;

	lapic_lvt_fire(l, LVT_TIMER);
	if ((l->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC) && l->timer_icr)
		timer_arm(l, due, l->timer_icr);
	else
		timer_arm(l, due, 0);
}

/* --- registers ----------------------------------------------------------- */

static void lapic_send_ipi(struct lapic *l)
{
	unsigned mode = lvt_mode(l->icr_lo);
	uint8_t vector = (uint8_t)l->icr_lo;
	uint8_t dest = (uint8_t)(l->icr_hi >> 24);
	unsigned shorthand = l->icr_lo >> 18 & 3u;
	bool self, others;

	switch (shorthand) {
	case 1: self = true; others = false; break;
	case 2: self = others = true; break;
	case 3: self = false; others = true; break;
	default:
		self = lapic_match_dest(l, dest, l->icr_lo & 0x800u);
		others = dest == 0xff || (l->icr_lo & 0x800u);
	}
	if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
		lapic_error(l, ESR_SEND_ILLEGAL);
		return;
	}
	if (others)
		log_debug(&l->m->log, IRQ, "IPI mode %u vector %#x: no other CPU",
			  mode, vector);
	/* INIT level de-assert is a no-op message. */
	if (mode == APIC_DM_INIT && !(l->icr_lo & 0x4000u))
		return;
	if (self)
		lapic_deliver(l, mode, vector, false);
}

static void lapic_sw_disable(struct lapic *l)
{
	for (unsigned i = 0; i < LAPIC_NLVT; i++)
		l->lvt[i] |= LVT_MASKED;
}

static uint32_t lapic_reg_read(struct lapic *l, unsigned reg)
{
	switch (reg) {
	case LAPIC_ID: return l->id;
	case LAPIC_VER: return LAPIC_VERSION;
	case LAPIC_TPR: return l->tpr;
	case LAPIC_APR: return lapic_ppr(l); /* one CPU: arbitration = PPR */
	case LAPIC_PPR: return lapic_ppr(l);
	case LAPIC_EOI: return 0;
	case LAPIC_RRD: return 0;
	case LAPIC_LDR: return l->ldr;
	case LAPIC_DFR: return l->dfr;
	case LAPIC_SVR: return l->svr;
	case LAPIC_ESR: return l->esr;
	case LAPIC_ICR_LO: return l->icr_lo;
	case LAPIC_ICR_HI: return l->icr_hi;
	case LAPIC_TIMER_ICR: return l->timer_icr;
	case LAPIC_TIMER_CCR: return lapic_timer_count(l);
	case LAPIC_TIMER_DCR: return l->timer_dcr;
	}
	if (reg >= LAPIC_ISR && reg < LAPIC_ISR + 0x80)
		return l->isr[(reg - LAPIC_ISR) >> 4];
	if (reg >= LAPIC_TMR && reg < LAPIC_TMR + 0x80)
		return l->tmr[(reg - LAPIC_TMR) >> 4];
	if (reg >= LAPIC_IRR && reg < LAPIC_IRR + 0x80)
		return l->irr[(reg - LAPIC_IRR) >> 4];
	if (reg >= LAPIC_LVT_TIMER && reg <= LAPIC_LVT_ERROR)
		return l->lvt[(reg - LAPIC_LVT_TIMER) >> 4];
	lapic_error(l, ESR_ILLEGAL_REG);
	return 0;
}

static void lapic_reg_write(struct lapic *l, unsigned reg, uint32_t v)
{
	switch (reg) {
	case LAPIC_ID:
		l->id = v & 0x0f000000u;
		return;
	case LAPIC_TPR:
		l->tpr = v & 0xffu;
		lapic_update(l);
		return;
	case LAPIC_EOI:
		lapic_eoi(l);
		return;
	case LAPIC_LDR:
		l->ldr = v & 0xff000000u;
		return;
	case LAPIC_DFR:
		l->dfr = (v & 0xf0000000u) | 0x0fffffffu;
		return;
	case LAPIC_SVR:
		l->svr = (v & 0x3f0u) | 0xfu;
		if (!(l->svr & LAPIC_SVR_ENABLE))
			lapic_sw_disable(l);
		lapic_update(l);
		return;
	case LAPIC_ESR:
		/* A write loads the errors seen since the last one. */
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		return;
	case LAPIC_ICR_LO:
		l->icr_lo = v & 0x000ccfffu;
		lapic_send_ipi(l);
		return;
	case LAPIC_ICR_HI:
		l->icr_hi = v & 0xff000000u;
		return;
	case LAPIC_TIMER_ICR:
		l->timer_icr = v;
		timer_arm(l, clock_now(&l->m->clock), v);
		return;
	case LAPIC_TIMER_DCR: {
		/* Keep the count, go on at the new rate from now. */
		uint32_t count = lapic_timer_count(l);
		l->timer_dcr = v & 0xbu;
		if (l->timer_due)
			timer_arm(l, clock_now(&l->m->clock), count);
		return;
	}
	}
	if (reg >= LAPIC_LVT_TIMER && reg <= LAPIC_LVT_ERROR) {
		unsigned i = (reg - LAPIC_LVT_TIMER) >> 4;
		uint32_t keep = l->lvt[i] & ~lvt_wmask[i];
		l->lvt[i] = keep | (v & lvt_wmask[i]);
		if (!(l->svr & LAPIC_SVR_ENABLE))
			l->lvt[i] |= LVT_MASKED;
		lapic_update(l);
		return;
	}
	/* VER, APR, PPR, RRD, ISR, TMR, IRR, CCR are read-only. */
	if (reg < LAPIC_VER || reg > LAPIC_TIMER_DCR ||
	    (reg > LAPIC_LVT_ERROR && reg < LAPIC_TIMER_ICR) ||
	    (reg > LAPIC_TIMER_CCR && reg < LAPIC_TIMER_DCR) ||
	    (reg > LAPIC_ESR && reg < LAPIC_ICR_LO))
		lapic_error(l, ESR_ILLEGAL_REG);
}

/* Registers are 32 bits on 16-byte boundaries; narrower reads see part of
 * one, narrower or unaligned writes are dropped (undefined on the chip). */
static uint32_t lapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
	struct lapic *l = opaque;
	unsigned reg = (unsigned)offset & 0xff0u, byte = (unsigned)offset & 0xfu;

	if (byte >= 4)
		return 0;
	uint32_t v = lapic_reg_read(l, reg) >> (8 * byte);
	return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void lapic_mmio_write(void *opaque, uint64_t offset, uint32_t val,
			     unsigned size)
{
	struct lapic *l = opaque;

	if (size != 4 || (offset & 0xfu)) {
		log_debug(&l->m->log, IRQ, "%u-byte write at +%#llx dropped",
			  size, (unsigned long long)offset);
		return;
	}
	lapic_reg_write(l, (unsigned)offset, val);
}

static const struct io_ops lapic_ops = {
	.read = lapic_mmio_read,
	.write = lapic_mmio_write,
};

/* --- base MSR, mapping, state -------------------------------------------- */

static bool mem_routes_to_bus(const struct mem *mem, uint64_t pa)
{
	const struct mem_region *hit = NULL;
	for (unsigned i = 0; i < mem->nregion; i++)
		if (pa >= mem->region[i].base &&
		    pa - mem->region[i].base < mem->region[i].size)
			hit = &mem->region[i];
	return hit && hit->kind == MEM_MMIO;
}

/* Map the page where the MSR says while the APIC is globally enabled. */
static void lapic_map(struct lapic *l)
{
	uint64_t base = lapic_hw_enabled(l) ? l->apic_base & 0xffffff000ull : 0;

	if (base == l->mapped_base)
		return;
	if (l->mapped_base)
		bus_unmap_mmio(l->m->bus, l->mapped_base);
	l->mapped_base = 0;
	if (!base || base >= (1ull << 32))
		return;
	if (!mem_routes_to_bus(l->m->mem, base) &&
	    mem_add_mmio(l->m->mem, base, LAPIC_SIZE, "lapic"))
		return;
	if (!bus_map_mmio(l->m->bus, base, LAPIC_SIZE, &lapic_ops, l, "lapic"))
		l->mapped_base = base;
}

static void lapic_regs_reset(struct lapic *l)
{
	event_cancel(&l->timer_ev);
	l->id = l->tpr = l->ldr = l->esr = l->esr_pending = 0;
	l->icr_lo = l->icr_hi = 0;
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	for (unsigned i = 0; i < LAPIC_NLVT; i++)
		l->lvt[i] = LVT_MASKED;
	for (unsigned i = 0; i < 8; i++)
		l->isr[i] = l->tmr[i] = l->irr[i] = 0;
	l->timer_icr = l->timer_dcr = l->timer_base_count = 0;
	l->timer_base_ns = l->timer_due = 0;
	l->extint_req = 0;
}

uint64_t lapic_get_base(const struct lapic *l)
{
	return l->apic_base;
}

void lapic_set_base(struct lapic *l, uint64_t msr)
{
	uint64_t keep = l->apic_base & (APIC_BASE_BSP | APIC_BASE_ENABLE);

	/* Base bits 35:12 move; BSP is the CPU's; once globally disabled the
	 * P6 APIC stays off until reset (so ENABLE can only be cleared). */
	l->apic_base = (msr & 0xffffff000ull) | (keep & ~(uint64_t)APIC_BASE_ENABLE) |
		       (keep & msr & APIC_BASE_ENABLE);
	if (!lapic_hw_enabled(l))
		lapic_regs_reset(l);
	lapic_map(l);
	lapic_update(l);
}

static const struct state_field lapic_fields[] = {
	STATE_FIELD(struct lapic, apic_base),
	STATE_FIELD(struct lapic, id),
	STATE_FIELD(struct lapic, tpr),
	STATE_FIELD(struct lapic, ldr),
	STATE_FIELD(struct lapic, dfr),
	STATE_FIELD(struct lapic, svr),
	STATE_FIELD(struct lapic, esr),
	STATE_FIELD(struct lapic, esr_pending),
	STATE_FIELD(struct lapic, icr_lo),
	STATE_FIELD(struct lapic, icr_hi),
	STATE_FIELD(struct lapic, lvt),
	STATE_FIELD(struct lapic, isr),
	STATE_FIELD(struct lapic, tmr),
	STATE_FIELD(struct lapic, irr),
	STATE_FIELD(struct lapic, timer_icr),
	STATE_FIELD(struct lapic, timer_dcr),
	STATE_FIELD(struct lapic, timer_base_ns),
	STATE_FIELD(struct lapic, timer_base_count),
	STATE_FIELD(struct lapic, timer_due),
	STATE_FIELD(struct lapic, extint_req),
	STATE_FIELD(struct lapic, lint0_level),
	STATE_END
};

static void lapic_post_load(void *opaque)
{
	struct lapic *l = opaque;

	event_cancel(&l->timer_ev);
	if (l->timer_due)
		event_schedule(&l->timer_ev, l->timer_due);
	lapic_map(l);
	lapic_update(l);
}

void lapic_reset(void *opaque)
{
	struct lapic *l = opaque;

	lapic_regs_reset(l);
	l->apic_base = LAPIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_ENABLE;
	l->lint0_level = l->m->irq.ext_intr;
	lapic_map(l);
	lapic_update(l);
}

void lapic_destroy(void *opaque)
{
	struct lapic *l = opaque;
	if (!l)
		return;
	event_cancel(&l->timer_ev);
	if (l->m->irq.local_opaque == l)
		irq_set_local(&l->m->irq, NULL, NULL, NULL, NULL);
	free(l);
}

struct lapic *lapic_create(struct machine *m)
{
	struct lapic *l = xcalloc(1, sizeof(*l));

	l->m = m;
	event_init(&l->timer_ev, &m->clock, lapic_timer_event, l, "lapic-timer");
	irq_set_local(&m->irq, lapic_lint0, lapic_lint1, lapic_ack, l);
	state_add_hooked(&m->state, "lapic", lapic_fields, l, NULL,
			 lapic_post_load, l);
	machine_add_device(m, "lapic", l, lapic_reset, lapic_destroy);
	lapic_reset(l);
	return l;
}
