/* The 8259A pair and ELCR, driven through ports 0x20/0x21, 0xA0/0xA1 and
 * 0x4D0/0x4D1 as a guest would; INTA through core/irq. */
#include "tests/unit/testbed.h"

#include "devices/pic.h"

static struct machine *new_pic_machine(void)
{
	struct machine *m = testbed_new(1000000);
	cr_assert_not_null(pic_create(m));
	return m;
}

/* The PC/AT sequence: master vectors 0x08, slave 0x70 on IR2, 8086 mode,
 * edge-triggered; icw4 lets a test add AEOI or SFNM. Everything unmasked. */
static void pic_init(struct machine *m, uint8_t icw4)
{
	bus_out(m->bus, 0x20, 0x11, 1);
	bus_out(m->bus, 0x21, 0x08, 1);
	bus_out(m->bus, 0x21, 0x04, 1);
	bus_out(m->bus, 0x21, icw4, 1);
	bus_out(m->bus, 0xa0, 0x11, 1);
	bus_out(m->bus, 0xa1, 0x70, 1);
	bus_out(m->bus, 0xa1, 0x02, 1);
	bus_out(m->bus, 0xa1, icw4, 1);
	bus_out(m->bus, 0x21, 0x00, 1);
	bus_out(m->bus, 0xa1, 0x00, 1);
}

static uint8_t read_isr(struct machine *m, uint16_t port)
{
	bus_out(m->bus, port, 0x0b, 1); /* OCW3: read ISR */
	return (uint8_t)bus_in(m->bus, port, 1);
}

static uint8_t read_irr(struct machine *m, uint16_t port)
{
	bus_out(m->bus, port, 0x0a, 1); /* OCW3: read IRR */
	return (uint8_t)bus_in(m->bus, port, 1);
}

/* INTA even when INTR is low, as a CPU that sampled INTR a moment before
 * the request went away does. */
static int raw_ack(struct machine *m)
{
	cr_assert_not_null(m->irq.ack);
	return m->irq.ack(m->irq.ack_opaque);
}

static void eoi(struct machine *m, uint16_t port)
{
	bus_out(m->bus, port, 0x20, 1);
}

Test(pic, init_sequence_then_raised_irq_gives_vector_on_ack)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	cr_assert(!m->irq.intr);
	irq_set(&m->irq, 1, true);
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x09);
	cr_assert_eq(read_isr(m, 0x20), 0x02);
	cr_assert_eq(read_irr(m, 0x20), 0x00, "INTA clears an edge request");
	cr_assert(!m->irq.intr);
	testbed_free(m);
}

Test(pic, reset_state_masks_every_line_until_initialised)
{
	struct machine *m = new_pic_machine();

	cr_assert_eq(bus_in(m->bus, 0x21, 1), 0xff);
	cr_assert_eq(bus_in(m->bus, 0xa1, 1), 0xff);
	irq_set(&m->irq, 1, true);
	cr_assert(!m->irq.intr);
	testbed_free(m);
}

Test(pic, icw1_clears_imr_isr_and_edge_latches)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	bus_out(m->bus, 0x21, 0x5a, 1);
	cr_assert_eq(bus_in(m->bus, 0x21, 1), 0x5a);
	irq_set(&m->irq, 3, true);
	irq_set(&m->irq, 5, true);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0d); /* 3 is masked */
	cr_assert_eq(read_irr(m, 0x20), 0x08);

	pic_init(m, 0x01);
	cr_assert_eq(bus_in(m->bus, 0x21, 1), 0x00);
	cr_assert_eq(read_isr(m, 0x20), 0x00);
	cr_assert_eq(read_irr(m, 0x20), 0x00);
	cr_assert(!m->irq.intr, "a line held high must rise again");
	irq_set(&m->irq, 3, false);
	irq_set(&m->irq, 3, true);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0b);
	testbed_free(m);
}

Test(pic, masked_irq_sets_irr_but_not_intr_until_unmasked)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	bus_out(m->bus, 0x21, 0x10, 1);
	irq_pulse(&m->irq, 4);
	cr_assert(!m->irq.intr);
	cr_assert_eq(read_irr(m, 0x20), 0x10);
	bus_out(m->bus, 0x21, 0x00, 1);
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0c);
	testbed_free(m);
}

Test(pic, edge_triggered_pulse_is_latched_and_does_not_refire)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	irq_pulse(&m->irq, 6);
	cr_assert(m->irq.intr, "the edge stays latched after the line drops");
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0e);
	eoi(m, 0x20);
	cr_assert(!m->irq.intr);

	irq_set(&m->irq, 5, true);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0d);
	eoi(m, 0x20);
	cr_assert(!m->irq.intr, "a line held high is one edge, one interrupt");
	testbed_free(m);
}

Test(pic, higher_priority_nests_and_lower_waits_for_eoi)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	irq_pulse(&m->irq, 3);
	irq_pulse(&m->irq, 5);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0b);
	cr_assert(!m->irq.intr, "IRQ5 is below IRQ3 in service");
	irq_pulse(&m->irq, 1);
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x09);
	cr_assert_eq(read_isr(m, 0x20), 0x0a);
	eoi(m, 0x20); /* clears IRQ1, the highest in service */
	cr_assert_eq(read_isr(m, 0x20), 0x08);
	cr_assert(!m->irq.intr);
	eoi(m, 0x20);
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0d);
	testbed_free(m);
}

Test(pic, specific_eoi_clears_only_the_named_level)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	irq_pulse(&m->irq, 4);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0c);
	irq_pulse(&m->irq, 0);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x08);
	bus_out(m->bus, 0x20, 0x64, 1); /* specific EOI, level 4 */
	cr_assert_eq(read_isr(m, 0x20), 0x01);
	testbed_free(m);
}

Test(pic, rotate_on_nonspecific_eoi_makes_serviced_level_lowest)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	irq_pulse(&m->irq, 3);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0b);
	bus_out(m->bus, 0x20, 0xa0, 1); /* rotate on non-specific EOI */
	cr_assert_eq(read_isr(m, 0x20), 0x00);
	/* Priority is now 4,5,6,7,0,1,2,3: IRQ4 beats IRQ1. */
	irq_pulse(&m->irq, 1);
	irq_pulse(&m->irq, 4);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0c);
	eoi(m, 0x20);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x09);
	testbed_free(m);
}

Test(pic, rotate_on_specific_eoi_and_set_priority_command)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	bus_out(m->bus, 0x20, 0xc4, 1); /* set priority: 4 lowest, 5 highest */
	irq_pulse(&m->irq, 3);
	irq_pulse(&m->irq, 6);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0e);
	bus_out(m->bus, 0x20, 0xe6, 1); /* rotate on specific EOI 6 */
	/* Now 7,0,1,...,6: IRQ3 next, and IRQ7 would beat it. */
	irq_pulse(&m->irq, 7);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0f);
	cr_assert_eq(read_isr(m, 0x20), 0x80, "a real IRQ7 sets its ISR bit");
	testbed_free(m);
}

Test(pic, auto_eoi_leaves_isr_clear_and_allows_the_next_request)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x03); /* 8086 mode + AEOI */

	irq_pulse(&m->irq, 1);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x09);
	cr_assert_eq(read_isr(m, 0x20), 0x00);
	irq_pulse(&m->irq, 7);
	cr_assert(m->irq.intr, "nothing in service blocks IRQ7");
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0f);
	testbed_free(m);
}

Test(pic, elcr_level_line_refires_after_eoi_while_high)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	bus_out(m->bus, 0x4d1, 0x04, 1); /* IRQ10 level-triggered */
	irq_set(&m->irq, 10, true);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x72);
	eoi(m, 0xa0);
	eoi(m, 0x20);
	cr_assert(m->irq.intr, "still high: requests again");
	cr_assert_eq(irq_acknowledge(&m->irq), 0x72);
	irq_set(&m->irq, 10, false); /* the handler quiets the device */
	eoi(m, 0xa0);
	eoi(m, 0x20);
	cr_assert(!m->irq.intr);
	cr_assert_eq(read_irr(m, 0xa0), 0x00, "level IRR follows the line");
	testbed_free(m);
}

Test(pic, elcr_forces_edge_on_irq_0_1_2_8_13)
{
	struct machine *m = new_pic_machine();

	bus_out(m->bus, 0x4d0, 0xff, 1);
	bus_out(m->bus, 0x4d1, 0xff, 1);
	cr_assert_eq(bus_in(m->bus, 0x4d0, 1), 0xf8);
	cr_assert_eq(bus_in(m->bus, 0x4d1, 1), 0xde);
	cr_assert_eq(bus_in(m->bus, 0x4d0, 2), 0xdef8, "16-bit read of both");
	testbed_free(m);
}

Test(pic, ltim_in_icw1_makes_every_line_level_triggered)
{
	struct machine *m = new_pic_machine();

	bus_out(m->bus, 0x20, 0x19, 1); /* ICW1 with LTIM */
	bus_out(m->bus, 0x21, 0x20, 1);
	bus_out(m->bus, 0x21, 0x04, 1);
	bus_out(m->bus, 0x21, 0x01, 1);
	bus_out(m->bus, 0x21, 0x00, 1);
	irq_pulse(&m->irq, 3);
	cr_assert(!m->irq.intr, "a pulse already gone leaves no request");
	irq_set(&m->irq, 3, true);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x23);
	testbed_free(m);
}

Test(pic, poll_command_returns_level_and_acknowledges)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);
	bus_out(m->bus, 0x21, 0xff, 1); /* polling works with INTR unused */

	bus_out(m->bus, 0x20, 0x0c, 1);
	cr_assert_eq(bus_in(m->bus, 0x20, 1), 0x00, "nothing pending");
	bus_out(m->bus, 0x21, 0x00, 1);
	irq_pulse(&m->irq, 5);
	irq_pulse(&m->irq, 6);
	bus_out(m->bus, 0x20, 0x0c, 1);
	cr_assert_eq(bus_in(m->bus, 0x20, 1), 0x85);
	cr_assert_eq(read_isr(m, 0x20), 0x20, "the poll read was an INTA");
	cr_assert_eq(read_irr(m, 0x20), 0x40);
	testbed_free(m);
}

Test(pic, spurious_master_ack_returns_irq7_without_isr)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	bus_out(m->bus, 0x4d0, 0x08, 1); /* IRQ3 level */
	irq_set(&m->irq, 3, true);
	cr_assert(m->irq.intr);
	irq_set(&m->irq, 3, false); /* gone before INTA */
	cr_assert_eq(raw_ack(m), 0x0f);
	cr_assert_eq(read_isr(m, 0x20), 0x00);
	testbed_free(m);
}

Test(pic, spurious_slave_ack_returns_irq15_and_sets_master_isr2)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	bus_out(m->bus, 0x4d1, 0x08, 1); /* IRQ11 level */
	irq_set(&m->irq, 11, true);
	irq_set(&m->irq, 11, false);
	cr_assert(m->irq.intr, "the master latched the slave's INT");
	cr_assert_eq(irq_acknowledge(&m->irq), 0x77);
	cr_assert_eq(read_isr(m, 0xa0), 0x00);
	cr_assert_eq(read_isr(m, 0x20), 0x04);
	testbed_free(m);
}

Test(pic, cascaded_slave_irq_vectors_through_master_ir2)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	irq_pulse(&m->irq, 14);
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x76);
	cr_assert_eq(read_isr(m, 0xa0), 0x40);
	cr_assert_eq(read_isr(m, 0x20), 0x04);
	/* IRQ3 ranks below IR2 (in service); IRQ1 above. */
	irq_pulse(&m->irq, 3);
	cr_assert(!m->irq.intr);
	irq_pulse(&m->irq, 9);
	cr_assert(!m->irq.intr, "slave requests wait for the master's EOI");
	eoi(m, 0xa0);
	eoi(m, 0x20);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x71);
	eoi(m, 0xa0);
	eoi(m, 0x20);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0b);
	testbed_free(m);
}

Test(pic, second_slave_request_in_auto_eoi_is_not_lost)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x03);

	irq_pulse(&m->irq, 12);
	irq_pulse(&m->irq, 9);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x71);
	cr_assert(m->irq.intr, "the slave's INT is still up");
	cr_assert_eq(irq_acknowledge(&m->irq), 0x74);
	cr_assert(!m->irq.intr);
	testbed_free(m);
}

Test(pic, special_mask_mode_lets_lower_levels_in_while_masked_one_serves)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	irq_pulse(&m->irq, 3);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0b);
	irq_pulse(&m->irq, 6);
	cr_assert(!m->irq.intr);
	bus_out(m->bus, 0x21, 0x08, 1); /* mask the level in service */
	bus_out(m->bus, 0x20, 0x68, 1); /* OCW3: set special mask mode */
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0e);
	bus_out(m->bus, 0x20, 0x48, 1); /* reset special mask mode */
	cr_assert_eq(read_isr(m, 0x20), 0x48);
	testbed_free(m);
}

Test(pic, special_fully_nested_mode_lets_slave_nest_over_itself)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x11); /* 8086 + SFNM */

	irq_pulse(&m->irq, 12);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x74);
	irq_pulse(&m->irq, 9);
	cr_assert(m->irq.intr, "IRQ9 outranks IRQ12 on the slave");
	cr_assert_eq(irq_acknowledge(&m->irq), 0x71);
	irq_pulse(&m->irq, 13);
	cr_assert(!m->irq.intr, "IRQ13 ranks below both in service");
	testbed_free(m);
}

Test(pic, ocw3_selects_irr_or_isr_and_data_port_reads_imr)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	bus_out(m->bus, 0xa1, 0xa5, 1);
	cr_assert_eq(bus_in(m->bus, 0xa1, 1), 0xa5);
	irq_pulse(&m->irq, 1);
	cr_assert_eq(read_irr(m, 0x20), 0x02);
	cr_assert_eq(bus_in(m->bus, 0x20, 1), 0x02, "selection sticks");
	cr_assert_eq(irq_acknowledge(&m->irq), 0x09);
	cr_assert_eq(read_isr(m, 0x20), 0x02);
	cr_assert_eq(bus_in(m->bus, 0x20, 1), 0x02);
	testbed_free(m);
}

Test(pic, machine_reset_restores_power_on_state)
{
	struct machine *m = new_pic_machine();
	pic_init(m, 0x01);

	irq_pulse(&m->irq, 1);
	cr_assert(m->irq.intr);
	bus_out(m->bus, 0x4d0, 0x08, 1);
	testbed_reset(m);
	cr_assert(!m->irq.intr);
	cr_assert_eq(bus_in(m->bus, 0x21, 1), 0xff);
	cr_assert_eq(bus_in(m->bus, 0x4d0, 1), 0x00);
	testbed_free(m);
}

Test(pic, snapshot_round_trip_restores_requests_and_intr)
{
	struct machine *m = new_pic_machine();
	char *buf = NULL, err[128];
	size_t len;
	pic_init(m, 0x01);

	irq_pulse(&m->irq, 4);
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(state_write(&m->state, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0c);
	cr_assert(!m->irq.intr);

	f = fmemopen(buf, len, "rb");
	cr_assert_eq(state_read(&m->state, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	free(buf);
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x0c);
	testbed_free(m);
}
