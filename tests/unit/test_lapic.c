/* The local APIC, driven through its MMIO page as a guest would; INTA and
 * NMI through core/irq. Expected values come from the Intel SDM vol. 3,
 * chapter 10 (register layout, PPR rule, timer divide encoding). */
#include "tests/unit/testbed.h"

#include <unistd.h>

#include "devices/lapic.h"
#include "devices/pic.h"

#define BASE 0xfee00000u

static uint32_t rd(struct machine *m, unsigned reg)
{
	return bus_mmio_read(m->bus, BASE + reg, 4);
}

static void wr(struct machine *m, unsigned reg, uint32_t v)
{
	bus_mmio_write(m->bus, BASE + reg, v, 4);
}

static bool vec_bit(struct machine *m, unsigned reg, unsigned v)
{
	return rd(m, reg + 0x10 * (v >> 5)) >> (v & 31) & 1u;
}

/* 100 MHz CPU clock: 1 cycle = 10 ns = one bus tick. */
static struct machine *new_machine(struct lapic **lp)
{
	struct machine *m = testbed_new(100000);
	struct lapic *l = lapic_create(m);
	cr_assert_not_null(l);
	if (lp)
		*lp = l;
	return m;
}

static void enable(struct machine *m)
{
	wr(m, LAPIC_SVR, 0x1ff);
}

static void pic_init(struct machine *m)
{
	bus_out(m->bus, 0x20, 0x11, 1);
	bus_out(m->bus, 0x21, 0x08, 1);
	bus_out(m->bus, 0x21, 0x04, 1);
	bus_out(m->bus, 0x21, 0x01, 1);
	bus_out(m->bus, 0xa0, 0x11, 1);
	bus_out(m->bus, 0xa1, 0x70, 1);
	bus_out(m->bus, 0xa1, 0x02, 1);
	bus_out(m->bus, 0xa1, 0x01, 1);
	bus_out(m->bus, 0x21, 0x00, 1);
	bus_out(m->bus, 0xa1, 0x00, 1);
}

static void self_ipi(struct machine *m, uint8_t vector)
{
	wr(m, LAPIC_ICR_LO, 1u << 18 | vector); /* shorthand: self, fixed */
}

static int nmis;
static void count_nmi(void *opaque)
{
	(void)opaque;
	nmis++;
}

static int eoi_vector;
static void record_eoi(void *opaque, uint8_t vector)
{
	(void)opaque;
	eoi_vector = vector;
}

Test(lapic, reset_values_follow_the_sdm)
{
	struct machine *m = new_machine(NULL);

	cr_assert_eq(rd(m, LAPIC_VER), 0x00050014);
	cr_assert_eq(rd(m, LAPIC_SVR), 0xff, "software-disabled, vector 0xFF");
	cr_assert_eq(rd(m, LAPIC_DFR), 0xffffffffu);
	for (unsigned r = LAPIC_LVT_TIMER; r <= LAPIC_LVT_ERROR; r += 0x10)
		cr_assert_eq(rd(m, r), 0x10000, "LVT %#x masked", r);
	cr_assert_eq(rd(m, LAPIC_TPR), 0);
	cr_assert_eq(rd(m, LAPIC_PPR), 0);
	testbed_free(m);
}

Test(lapic, version_is_read_only_id_keeps_bits_27_to_24)
{
	struct machine *m = new_machine(NULL);

	wr(m, LAPIC_VER, 0);
	cr_assert_eq(rd(m, LAPIC_VER), 0x00050014);
	wr(m, LAPIC_ID, 0xffffffffu);
	cr_assert_eq(rd(m, LAPIC_ID), 0x0f000000u);
	wr(m, LAPIC_PPR, 0xff);
	cr_assert_eq(rd(m, LAPIC_PPR), 0);
	testbed_free(m);
}

Test(lapic, svr_low_nibble_is_hardwired_to_ones)
{
	struct machine *m = new_machine(NULL);

	wr(m, LAPIC_SVR, 0x1e0);
	cr_assert_eq(rd(m, LAPIC_SVR), 0x1ef);
	testbed_free(m);
}

Test(lapic, software_disable_masks_every_lvt)
{
	struct machine *m = new_machine(NULL);

	enable(m);
	wr(m, LAPIC_LVT_TIMER, 0x30);
	cr_assert_eq(rd(m, LAPIC_LVT_TIMER), 0x30);
	wr(m, LAPIC_SVR, 0xff);
	cr_assert_eq(rd(m, LAPIC_LVT_TIMER), 0x10030);
	wr(m, LAPIC_LVT_TIMER, 0x30);
	cr_assert_eq(rd(m, LAPIC_LVT_TIMER), 0x10030, "mask stays set");
	testbed_free(m);
}

Test(lapic, self_ipi_sets_irr_then_inta_moves_it_to_isr_and_eoi_clears)
{
	struct machine *m = new_machine(NULL);

	enable(m);
	self_ipi(m, 0x41);
	cr_assert(vec_bit(m, LAPIC_IRR, 0x41));
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x41);
	cr_assert(!vec_bit(m, LAPIC_IRR, 0x41));
	cr_assert(vec_bit(m, LAPIC_ISR, 0x41));
	cr_assert(!m->irq.intr);
	cr_assert_eq(rd(m, LAPIC_PPR), 0x40, "PPR follows the in-service class");
	wr(m, LAPIC_EOI, 0);
	cr_assert(!vec_bit(m, LAPIC_ISR, 0x41));
	cr_assert_eq(rd(m, LAPIC_PPR), 0);
	testbed_free(m);
}

Test(lapic, tpr_masks_vectors_of_its_class_and_below)
{
	struct machine *m = new_machine(NULL);

	enable(m);
	wr(m, LAPIC_TPR, 0x40);
	self_ipi(m, 0x45);
	cr_assert(!m->irq.intr, "class 4 is not above TPR class 4");
	cr_assert_eq(rd(m, LAPIC_PPR), 0x40);
	wr(m, LAPIC_TPR, 0x3f);
	cr_assert(m->irq.intr);
	cr_assert_eq(rd(m, LAPIC_PPR), 0x3f, "TPR wins when its class is >=");
	cr_assert_eq(irq_acknowledge(&m->irq), 0x45);
	cr_assert_eq(rd(m, LAPIC_PPR), 0x40, "ISR class above TPR class: 0x40");
	testbed_free(m);
}

Test(lapic, eoi_clears_the_highest_in_service_vector)
{
	struct machine *m = new_machine(NULL);

	enable(m);
	self_ipi(m, 0x40);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x40);
	self_ipi(m, 0x61);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x61, "a higher class nests");
	self_ipi(m, 0x62);
	cr_assert(!m->irq.intr, "same class as the one in service waits");
	wr(m, LAPIC_EOI, 0);
	cr_assert(!vec_bit(m, LAPIC_ISR, 0x61));
	cr_assert(vec_bit(m, LAPIC_ISR, 0x40));
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x62);
	testbed_free(m);
}

Test(lapic, inta_with_nothing_deliverable_gives_the_spurious_vector)
{
	struct machine *m = new_machine(NULL);

	wr(m, LAPIC_SVR, 0x1e0);
	self_ipi(m, 0x50);
	/* The CPU sampled INTR, then the guest raised TPR before INTA. */
	wr(m, LAPIC_TPR, 0xf0);
	cr_assert_eq(m->irq.local_ack(m->irq.local_opaque), 0xef);
	cr_assert(vec_bit(m, LAPIC_IRR, 0x50), "the request stays pending");
	cr_assert(!vec_bit(m, LAPIC_ISR, 0xef), "spurious sets no ISR bit");
	testbed_free(m);
}

Test(lapic, illegal_vector_is_logged_in_esr_after_a_write)
{
	struct machine *m = new_machine(NULL);

	enable(m);
	self_ipi(m, 0x05);
	cr_assert(!m->irq.intr);
	cr_assert_eq(rd(m, LAPIC_ESR), 0, "errors show after an ESR write");
	wr(m, LAPIC_ESR, 0);
	cr_assert_eq(rd(m, LAPIC_ESR), 0x20, "send illegal vector");
	wr(m, LAPIC_ESR, 0);
	cr_assert_eq(rd(m, LAPIC_ESR), 0, "the write cleared it");
	testbed_free(m);
}

Test(lapic, one_shot_timer_expires_at_count_times_divisor_bus_ticks)
{
	struct machine *m = new_machine(NULL);

	enable(m);
	wr(m, LAPIC_TIMER_DCR, 0x0); /* divide by 2 */
	wr(m, LAPIC_LVT_TIMER, 0x30);
	wr(m, LAPIC_TIMER_ICR, 1000); /* 1000 * 2 * 10 ns = 20 us */
	testbed_advance_ns(m, 10000);
	cr_assert_eq(rd(m, LAPIC_TIMER_CCR), 500);
	testbed_advance_ns(m, 9999);
	cr_assert(!vec_bit(m, LAPIC_IRR, 0x30));
	testbed_advance_ns(m, 1);
	cr_assert(vec_bit(m, LAPIC_IRR, 0x30));
	cr_assert_eq(rd(m, LAPIC_TIMER_CCR), 0);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x30);
	wr(m, LAPIC_EOI, 0);
	testbed_advance_ns(m, 100000);
	cr_assert(!m->irq.intr, "one shot: no second interrupt");
	testbed_free(m);
}

Test(lapic, periodic_timer_reloads_every_period)
{
	struct machine *m = new_machine(NULL);

	enable(m);
	wr(m, LAPIC_TIMER_DCR, 0xb); /* divide by 1 */
	wr(m, LAPIC_LVT_TIMER, 0x20031);
	wr(m, LAPIC_TIMER_ICR, 100); /* 1 us */
	for (unsigned k = 1; k <= 5; k++) {
		testbed_advance_ns(m, 999);
		cr_assert(!m->irq.intr, "period %u early", k);
		testbed_advance_ns(m, 1);
		cr_assert(m->irq.intr, "period %u", k);
		cr_assert_eq(irq_acknowledge(&m->irq), 0x31);
		wr(m, LAPIC_EOI, 0);
	}
	testbed_advance_ns(m, 250);
	cr_assert_eq(rd(m, LAPIC_TIMER_CCR), 75);
	testbed_free(m);
}

Test(lapic, divide_configuration_encodings)
{
	/* DCR bits 3,1,0: 000=2 001=4 010=8 011=16 100=32 101=64 110=128
	 * 111=1. */
	static const struct { uint32_t dcr, div; } t[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct machine *m = new_machine(NULL);
		wr(m, LAPIC_TIMER_DCR, t[i].dcr);
		cr_assert_eq(rd(m, LAPIC_TIMER_DCR), t[i].dcr);
		wr(m, LAPIC_TIMER_ICR, 100000);
		testbed_advance_ns(m, 10 * t[i].div * 1000);
		cr_assert_eq(rd(m, LAPIC_TIMER_CCR), 99000, "dcr %#x",
			     t[i].dcr);
		testbed_free(m);
	}
}

Test(lapic, software_disabled_apic_passes_the_8259_through)
{
	struct machine *m = new_machine(NULL);
	cr_assert_not_null(pic_create(m));

	pic_init(m);
	irq_set(&m->irq, 4, true);
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0c);
	testbed_free(m);
}

Test(lapic, lint0_extint_passes_the_8259_vector_when_enabled)
{
	struct machine *m = new_machine(NULL);
	cr_assert_not_null(pic_create(m));

	pic_init(m);
	enable(m);
	wr(m, LAPIC_LVT_LINT0, 0x700);
	irq_set(&m->irq, 1, true);
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x09);
	bus_out(m->bus, 0x20, 0x20, 1);
	wr(m, LAPIC_LVT_LINT0, 0x10700);
	irq_set(&m->irq, 1, false);
	irq_set(&m->irq, 1, true);
	cr_assert(m->irq.ext_intr, "the 8259 requests");
	cr_assert(!m->irq.intr, "masked LINT0 keeps it from the CPU");
	testbed_free(m);
}

Test(lapic, nmi_goes_through_lint1)
{
	struct machine *m = new_machine(NULL);

	nmis = 0;
	irq_set_nmi_handler(&m->irq, count_nmi, NULL);
	irq_nmi(&m->irq);
	cr_assert_eq(nmis, 1, "APIC off: straight to the CPU");
	enable(m);
	irq_nmi(&m->irq);
	cr_assert_eq(nmis, 1, "LINT1 masked");
	wr(m, LAPIC_LVT_LINT1, 0x400);
	irq_nmi(&m->irq);
	cr_assert_eq(nmis, 2);
	wr(m, LAPIC_ICR_LO, 1u << 18 | 0x400); /* NMI to self */
	cr_assert_eq(nmis, 3);
	testbed_free(m);
}

Test(lapic, level_vector_eoi_is_broadcast)
{
	struct lapic *l;
	struct machine *m = new_machine(&l);

	l->eoi_hook = record_eoi;
	eoi_vector = -1;
	enable(m);
	lapic_deliver(l, APIC_DM_FIXED, 0x51, true);
	cr_assert(vec_bit(m, LAPIC_TMR, 0x51));
	cr_assert_eq(irq_acknowledge(&m->irq), 0x51);
	wr(m, LAPIC_EOI, 0);
	cr_assert_eq(eoi_vector, 0x51);
	eoi_vector = -1;
	self_ipi(m, 0x52);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x52);
	wr(m, LAPIC_EOI, 0);
	cr_assert_eq(eoi_vector, -1, "edge vectors send no EOI message");
	testbed_free(m);
}

Test(lapic, apic_base_msr_relocates_and_global_disable_sticks)
{
	struct lapic *l;
	struct machine *m = new_machine(&l);

	cr_assert_eq(lapic_get_base(l), 0xfee00900u);
	lapic_set_base(l, 0xfed00900u);
	cr_assert_eq(bus_mmio_read(m->bus, 0xfed00000u + LAPIC_VER, 4),
		     0x00050014);
	cr_assert_eq(rd(m, LAPIC_VER), 0xffffffffu, "old page is gone");
	lapic_set_base(l, 0xfee00100u);
	cr_assert_eq(lapic_get_base(l), 0xfee00100u);
	cr_assert_eq(rd(m, LAPIC_VER), 0xffffffffu, "disabled: unmapped");
	lapic_set_base(l, 0xfee00900u);
	cr_assert_eq(lapic_get_base(l), 0xfee00100u, "off until reset");
	testbed_reset(m);
	cr_assert_eq(lapic_get_base(l), 0xfee00900u);
	cr_assert_eq(rd(m, LAPIC_VER), 0x00050014);
	testbed_free(m);
}

Test(lapic, logical_flat_and_physical_destinations)
{
	struct lapic *l;
	struct machine *m = new_machine(&l);

	wr(m, LAPIC_ID, 0x03000000);
	wr(m, LAPIC_LDR, 0x04000000);
	cr_assert(lapic_match_dest(l, 3, false));
	cr_assert(!lapic_match_dest(l, 4, false));
	cr_assert(lapic_match_dest(l, 0xff, false));
	cr_assert(lapic_match_dest(l, 0x0c, true), "flat: any common bit");
	cr_assert(!lapic_match_dest(l, 0x03, true));
	wr(m, LAPIC_DFR, 0x0fffffff); /* cluster */
	wr(m, LAPIC_LDR, 0x24000000);
	cr_assert(lapic_match_dest(l, 0x26, true));
	cr_assert(!lapic_match_dest(l, 0x16, true));
	testbed_free(m);
}

Test(lapic, snapshot_round_trip_rearms_the_timer)
{
	struct machine *m = new_machine(NULL);
	char path[] = "/tmp/lucid-lapic-XXXXXX", err[128];
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);

	enable(m);
	wr(m, LAPIC_LVT_TIMER, 0x30);
	wr(m, LAPIC_TIMER_ICR, 500); /* div 2: 10 us */
	testbed_advance_ns(m, 4000);
	cr_assert_eq(state_save_file(&m->state, path, err, sizeof(err)), 0, "%s",
		     err);
	wr(m, LAPIC_TIMER_ICR, 0);
	cr_assert_eq(state_load_file(&m->state, path, err, sizeof(err)), 0, "%s",
		     err);
	unlink(path);
	cr_assert_eq(rd(m, LAPIC_TIMER_CCR), 300);
	testbed_advance_ns(m, 5999);
	cr_assert(!m->irq.intr);
	testbed_advance_ns(m, 1);
	cr_assert(m->irq.intr);
	testbed_free(m);
}
