/* The I/O APIC through IOREGSEL/IOWIN (82093AA datasheet), with a recording
 * message sink in place of the local APIC. */
#include "tests/unit/testbed.h"

#include "devices/ioapic.h"
#include "devices/lapic.h"

struct msg {
	uint8_t dest, vector;
	bool logical, level;
	unsigned mode;
};

static struct msg msgs[16];
static unsigned nmsgs;

static void record(void *opaque, uint8_t dest, bool logical, unsigned mode,
		   uint8_t vector, bool level)
{
	(void)opaque;
	if (nmsgs < 16)
		msgs[nmsgs] = (struct msg){ dest, vector, logical, level, mode };
	nmsgs++;
}

static struct machine *new_machine(struct ioapic **iop)
{
	struct machine *m = testbed_new(100000);
	struct ioapic *io = ioapic_create(m);
	cr_assert_not_null(io);
	io->deliver = record;
	nmsgs = 0;
	if (iop)
		*iop = io;
	return m;
}

static uint32_t io_read(struct machine *m, unsigned reg)
{
	bus_mmio_write(m->bus, IOAPIC_BASE, reg, 4);
	return bus_mmio_read(m->bus, IOAPIC_BASE + 0x10, 4);
}

static void io_write(struct machine *m, unsigned reg, uint32_t v)
{
	bus_mmio_write(m->bus, IOAPIC_BASE, reg, 4);
	bus_mmio_write(m->bus, IOAPIC_BASE + 0x10, v, 4);
}

static void redir(struct machine *m, unsigned pin, uint32_t lo, uint8_t dest)
{
	io_write(m, 0x11 + 2 * pin, (uint32_t)dest << 24);
	io_write(m, 0x10 + 2 * pin, lo);
}

Test(ioapic, id_version_and_reset_masks_every_pin)
{
	struct machine *m = new_machine(NULL);

	cr_assert_eq(io_read(m, 0x01), 0x00170011, "24 entries, version 0x11");
	io_write(m, 0x01, 0);
	cr_assert_eq(io_read(m, 0x01), 0x00170011, "version is read-only");
	io_write(m, 0x00, 0x0f000000);
	cr_assert_eq(io_read(m, 0x00), 0x0f000000);
	cr_assert_eq(io_read(m, 0x02), 0x0f000000, "arbitration ID follows");
	for (unsigned pin = 0; pin < 24; pin++)
		cr_assert_eq(io_read(m, 0x10 + 2 * pin), 0x10000, "pin %u", pin);
	testbed_free(m);
}

Test(ioapic, redirection_entry_reads_back_without_status_bits)
{
	struct machine *m = new_machine(NULL);

	/* vector 0x31, lowest priority, logical, active-low, level. */
	redir(m, 4, 0x0000fb31, 0x03);
	cr_assert_eq(io_read(m, 0x18), 0x0000ab31,
		     "delivery status and remote IRR are read-only");
	cr_assert_eq(io_read(m, 0x19), 0x03000000);
	io_write(m, 0x19, 0xffffffff);
	cr_assert_eq(io_read(m, 0x19), 0xff000000, "only the destination");
	testbed_free(m);
}

Test(ioapic, edge_pin_sends_one_message_per_rising_edge)
{
	struct machine *m = new_machine(NULL);

	redir(m, 4, 0x00000834, 0x01); /* logical dest 1, edge */
	irq_set(&m->irq, 4, true);
	irq_set(&m->irq, 4, true);
	irq_set(&m->irq, 4, false);
	cr_assert_eq(nmsgs, 1);
	cr_assert_eq(msgs[0].vector, 0x34);
	cr_assert_eq(msgs[0].dest, 1);
	cr_assert(msgs[0].logical);
	cr_assert(!msgs[0].level);
	cr_assert_eq(msgs[0].mode, APIC_DM_FIXED);
	irq_pulse(&m->irq, 4);
	cr_assert_eq(nmsgs, 2);
	testbed_free(m);
}

Test(ioapic, isa_irq0_arrives_on_pin_2)
{
	struct machine *m = new_machine(NULL);

	redir(m, 0, 0x20, 0);
	redir(m, 2, 0x22, 0);
	irq_pulse(&m->irq, 0);
	cr_assert_eq(nmsgs, 1);
	cr_assert_eq(msgs[0].vector, 0x22);
	irq_pulse(&m->irq, 2); /* the 8259 cascade has no pin */
	cr_assert_eq(nmsgs, 1);
	testbed_free(m);
}

Test(ioapic, masked_pin_drops_edges)
{
	struct machine *m = new_machine(NULL);

	redir(m, 3, 0x10033, 0);
	irq_pulse(&m->irq, 3);
	cr_assert_eq(nmsgs, 0);
	redir(m, 3, 0x00033, 0);
	cr_assert_eq(nmsgs, 0, "a masked edge is lost, not held");
	testbed_free(m);
}

Test(ioapic, level_pin_holds_remote_irr_until_eoi)
{
	struct ioapic *io;
	struct machine *m = new_machine(&io);

	redir(m, 9, 0x8049, 0); /* level, vector 0x49 */
	irq_set(&m->irq, 9, true);
	cr_assert_eq(nmsgs, 1);
	cr_assert(msgs[0].level);
	cr_assert(io_read(m, 0x10 + 18) & 0x4000, "remote IRR set");
	irq_set(&m->irq, 9, true);
	cr_assert_eq(nmsgs, 1, "remote IRR holds the next message");
	ioapic_eoi(io, 0x48);
	cr_assert_eq(nmsgs, 1, "another vector's EOI changes nothing");
	ioapic_eoi(io, 0x49);
	cr_assert_eq(nmsgs, 2, "still asserted: sent again");
	irq_set(&m->irq, 9, false);
	ioapic_eoi(io, 0x49);
	cr_assert_eq(nmsgs, 2);
	cr_assert(!(io_read(m, 0x10 + 18) & 0x4000));
	testbed_free(m);
}

Test(ioapic, unmasking_an_asserted_level_pin_sends_it)
{
	struct machine *m = new_machine(NULL);

	irq_set(&m->irq, 20, true);
	cr_assert_eq(nmsgs, 0);
	redir(m, 20, 0x8060, 0);
	cr_assert_eq(nmsgs, 1);
	cr_assert_eq(msgs[0].vector, 0x60);
	testbed_free(m);
}

Test(ioapic, io_apic_drives_the_local_apic_and_eoi_closes_the_loop)
{
	struct ioapic *io;
	struct machine *m = new_machine(&io);
	struct lapic *l = lapic_create(m);

	/* The board's wiring (core/pc_apic.c), done by hand. */
	io->deliver = NULL;
	bus_mmio_write(m->bus, 0xfee000f0, 0x1ff, 4);
	redir(m, 10, 0x8051, 0);
	irq_set(&m->irq, 10, true);
	lapic_deliver(l, APIC_DM_FIXED, 0x51, true); /* what deliver does */
	cr_assert(m->irq.intr);
	cr_assert_eq(irq_acknowledge(&m->irq), 0x51);
	testbed_free(m);
}
