/* PCI bus core: config mechanism #1, BAR sizing and placement, INTx routing
 * through the PIIX3, all driven through ports 0xCF8/0xCFC. */
#include "tests/unit/testbed.h"

#include "devices/i440fx.h"
#include "devices/pci.h"
#include "devices/piix.h"

#define CFG_ADDR(devfn, off) (0x80000000u | (devfn) << 8 | ((off) & 0xfc))

static uint32_t cfg_in(struct machine *m, unsigned devfn, unsigned off,
		       unsigned size)
{
	bus_out(m->bus, 0xcf8, CFG_ADDR(devfn, off), 4);
	return bus_in(m->bus, (uint16_t)(0xcfc + (off & 3)), size);
}

static void cfg_out(struct machine *m, unsigned devfn, unsigned off,
		    uint32_t val, unsigned size)
{
	bus_out(m->bus, 0xcf8, CFG_ADDR(devfn, off), 4);
	bus_out(m->bus, (uint16_t)(0xcfc + (off & 3)), val, size);
}

/* A toy function: one 32-port I/O BAR, one 4 KiB memory BAR, INTA. */
struct toy {
	struct pci_dev pci;
	unsigned reads;
	uint64_t last_off;
};

static uint32_t toy_read(void *opaque, uint64_t off, unsigned size)
{
	struct toy *t = opaque;
	t->reads++;
	t->last_off = off;
	return 0x5a;
}

static const struct io_ops toy_ops = { .read = toy_read };

static struct toy *toy_add(struct pci_bus *bus, unsigned slot)
{
	struct toy *t = calloc(1, sizeof(*t));
	pci_dev_init(&t->pci, "toy", 0x1234, 0x5678, 1, 0x020000);
	t->pci.config[PCI_INTERRUPT_PIN] = 1;
	pci_register_bar_ops(&t->pci, 0, 32, PCI_BAR_IO, &toy_ops, t, "toy-io");
	pci_register_bar_ops(&t->pci, 1, 4096, PCI_BAR_MEM, &toy_ops, t,
			     "toy-mem");
	cr_assert_eq(pci_add_dev(bus, &t->pci, slot, 0), 0);
	return t;
}

struct fixture {
	struct machine *m;
	struct pci_bus *bus;
};

static struct fixture setup(void)
{
	struct fixture f;
	f.m = testbed_new(10000);
	f.bus = pci_create(f.m);
	cr_assert_not_null(f.bus);
	cr_assert_not_null(i440fx_create(f.m, f.bus));
	cr_assert_not_null(piix3_create(f.m, f.bus));
	testbed_reset(f.m);
	return f;
}

Test(pci, host_bridge_id_reads_at_every_lane_and_width)
{
	struct fixture f = setup();
	cr_assert_eq(cfg_in(f.m, 0, 0, 4), 0x12378086);
	cr_assert_eq(cfg_in(f.m, 0, 0, 2), 0x8086);
	cr_assert_eq(cfg_in(f.m, 0, 2, 2), 0x1237);
	cr_assert_eq(cfg_in(f.m, 0, 0, 1), 0x86);
	cr_assert_eq(cfg_in(f.m, 0, 1, 1), 0x80);
	cr_assert_eq(cfg_in(f.m, 0, 2, 1), 0x37);
	cr_assert_eq(cfg_in(f.m, 0, 3, 1), 0x12);
	/* class: host bridge 06:00:00, revision 2 */
	cr_assert_eq(cfg_in(f.m, 0, 8, 4), 0x06000002);
	/* QEMU's subsystem IDs, which SeaBIOS's qemu_detect() requires */
	cr_assert_eq(cfg_in(f.m, 0, 0x2c, 4), 0x11001af4);
	testbed_free(f.m);
}

Test(pci, absent_function_and_other_bus_read_all_ones)
{
	struct fixture f = setup();
	cr_assert_eq(cfg_in(f.m, PCI_DEVFN(5, 0), 0, 4), 0xffffffffu);
	cr_assert_eq(cfg_in(f.m, PCI_DEVFN(0, 1), 0, 2), 0xffff);
	cr_assert_eq(cfg_in(f.m, PCI_DEVFN(31, 7), 0x3c, 1), 0xff);
	bus_out(f.m->bus, 0xcf8, 0x80010000u, 4); /* bus 1, 00.0 */
	cr_assert_eq(bus_in(f.m->bus, 0xcfc, 4), 0xffffffffu);
	bus_out(f.m->bus, 0xcf8, 0x00000000u, 4); /* enable bit clear */
	cr_assert_eq(bus_in(f.m->bus, 0xcfc, 4), 0xffffffffu);
	testbed_free(f.m);
}

Test(pci, only_dword_writes_to_cf8_latch_the_address)
{
	struct fixture f = setup();
	bus_out(f.m->bus, 0xcf8, CFG_ADDR(PCI_DEVFN(1, 0), 0), 4);
	cr_assert_eq(bus_in(f.m->bus, 0xcf8, 4), CFG_ADDR(PCI_DEVFN(1, 0), 0));
	bus_out(f.m->bus, 0xcf8, 0x0000, 2);
	bus_out(f.m->bus, 0xcfa, 0x0000, 2);
	cr_assert_eq(bus_in(f.m->bus, 0xcf8, 4), CFG_ADDR(PCI_DEVFN(1, 0), 0));
	cr_assert_eq(bus_in(f.m->bus, 0xcfc, 4), 0x70008086); /* PIIX3 */
	testbed_free(f.m);
}

Test(pci, writes_respect_read_only_bits)
{
	struct fixture f = setup();
	cfg_out(f.m, 0, 0, 0xffffffffu, 4);       /* IDs are read-only */
	cr_assert_eq(cfg_in(f.m, 0, 0, 4), 0x12378086);
	cfg_out(f.m, 0, 0x3c, 0x0b, 1);          /* interrupt line is R/W */
	cr_assert_eq(cfg_in(f.m, 0, 0x3c, 1), 0x0b);
	cfg_out(f.m, 0, 0x08, 0xff, 1);          /* revision is read-only */
	cr_assert_eq(cfg_in(f.m, 0, 0x08, 1), 0x02);
	/* status error bits are write-1-to-clear, never set by a write */
	cfg_out(f.m, 0, PCI_STATUS, 0xffff, 2);
	cr_assert_eq(cfg_in(f.m, 0, PCI_STATUS, 2), 0);
	testbed_free(f.m);
}

Test(pci, function_zero_of_a_multifunction_slot_says_so)
{
	struct fixture f = setup();
	cr_assert_not_null(piix_ide_create(f.m, f.bus));
	cr_assert_eq(cfg_in(f.m, PCI_DEVFN(1, 0), 0x0e, 1), 0x80);
	cr_assert_eq(cfg_in(f.m, PCI_DEVFN(1, 1), 0x0e, 1), 0x00);
	cr_assert_eq(cfg_in(f.m, 0, 0x0e, 1), 0x00);
	testbed_free(f.m);
}

Test(pci, bar_sizing_reads_back_the_size_mask_and_type_bits)
{
	struct fixture f = setup();
	unsigned df = PCI_DEVFN(3, 0);
	struct toy *t = toy_add(f.bus, 3);
	cr_assert_eq(cfg_in(f.m, df, 0x10, 4), 0x00000001); /* I/O BAR */
	cfg_out(f.m, df, 0x10, 0xffffffffu, 4);
	cr_assert_eq(cfg_in(f.m, df, 0x10, 4), 0xffffffe1); /* 32 ports */
	cfg_out(f.m, df, 0x14, 0xffffffffu, 4);
	cr_assert_eq(cfg_in(f.m, df, 0x14, 4), 0xfffff000); /* 4 KiB memory */
	cfg_out(f.m, df, 0x18, 0xffffffffu, 4);
	cr_assert_eq(cfg_in(f.m, df, 0x18, 4), 0);          /* no BAR2 */
	cfg_out(f.m, df, 0x30, 0xfffff800u, 4);
	cr_assert_eq(cfg_in(f.m, df, 0x30, 4), 0);          /* no ROM */
	testbed_free(f.m);
	free(t);
}

Test(pci, moving_an_io_bar_remaps_the_ports)
{
	struct fixture f = setup();
	unsigned df = PCI_DEVFN(3, 0);
	struct toy *t = toy_add(f.bus, 3);

	cfg_out(f.m, df, 0x10, 0xc000, 4);
	cr_assert_eq(bus_in(f.m->bus, 0xc004, 1), 0xff, "decode still off");
	cfg_out(f.m, df, PCI_COMMAND, PCI_COMMAND_IO, 2);
	cr_assert_eq(bus_in(f.m->bus, 0xc004, 1), 0x5a);
	cr_assert_eq(t->last_off, 4);
	cfg_out(f.m, df, 0x10, 0xc100, 4);
	cr_assert_eq(bus_in(f.m->bus, 0xc004, 1), 0xff, "old place is empty");
	cr_assert_eq(bus_in(f.m->bus, 0xc11f, 1), 0x5a);
	cr_assert_eq(t->last_off, 0x1f);
	cfg_out(f.m, df, PCI_COMMAND, 0, 2);
	cr_assert_eq(bus_in(f.m->bus, 0xc11f, 1), 0xff, "decode off unmaps");
	testbed_free(f.m);
	free(t);
}

Test(pci, memory_bar_decodes_in_the_pci_hole)
{
	struct fixture f = setup();
	unsigned df = PCI_DEVFN(3, 0);
	struct toy *t = toy_add(f.bus, 3);

	cfg_out(f.m, df, 0x14, 0xfebf0000u, 4);
	cfg_out(f.m, df, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	cr_assert_eq(mem_read8(f.m->mem, 0xfebf0010u), 0x5a);
	cr_assert_eq(t->last_off, 0x10);
	cfg_out(f.m, df, PCI_COMMAND, 0, 2);
	cr_assert_eq(mem_read8(f.m->mem, 0xfebf0010u), 0xff);
	testbed_free(f.m);
	free(t);
}

Test(pci, slot3_inta_goes_through_pirqc_to_the_routed_isa_irq)
{
	struct fixture f = setup();
	struct toy *t = toy_add(f.bus, 3);
	unsigned isa = PCI_DEVFN(1, 0);

	/* (slot 3 + INTA(0) - 1) & 3 = 2: PIRQC, register 0x62 */
	cfg_out(f.m, isa, 0x60, 10, 1);
	cfg_out(f.m, isa, 0x62, 11, 1);
	pci_set_irq(&t->pci, true);
	cr_assert_eq(f.m->irq.level[11], 1);
	cr_assert_eq(f.m->irq.level[10], 0);
	cr_assert_eq(cfg_in(f.m, PCI_DEVFN(3, 0), PCI_STATUS, 1) & 0x08, 0x08);
	/* Rerouting PIRQC moves the level to the new line. */
	cfg_out(f.m, isa, 0x62, 5, 1);
	cr_assert_eq(f.m->irq.level[11], 0);
	cr_assert_eq(f.m->irq.level[5], 1);
	/* Bit 7 disables the route. */
	cfg_out(f.m, isa, 0x62, 0x85, 1);
	cr_assert_eq(f.m->irq.level[5], 0);
	cfg_out(f.m, isa, 0x62, 11, 1);
	pci_set_irq(&t->pci, false);
	cr_assert_eq(f.m->irq.level[11], 0);
	testbed_free(f.m);
	free(t);
}

Test(pci, devices_sharing_a_line_are_ored)
{
	struct fixture f = setup();
	struct toy *a = toy_add(f.bus, 3); /* PIRQC */
	struct toy *b = toy_add(f.bus, 4); /* PIRQD */
	unsigned isa = PCI_DEVFN(1, 0);

	cfg_out(f.m, isa, 0x62, 11, 1);
	cfg_out(f.m, isa, 0x63, 11, 1);
	pci_set_irq(&a->pci, true);
	pci_set_irq(&b->pci, true);
	pci_set_irq(&a->pci, false);
	cr_assert_eq(f.m->irq.level[11], 1, "b still holds the line");
	/* INTx disable in the command register masks b. */
	cfg_out(f.m, PCI_DEVFN(4, 0), PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
	cr_assert_eq(f.m->irq.level[11], 0);
	testbed_free(f.m);
	free(a);
	free(b);
}

Test(pci, reset_control_register_rcpu_requests_a_reset)
{
	struct fixture f = setup();
	bus_out(f.m->bus, 0xcf9, 0x02, 1);
	cr_assert_eq(bus_in(f.m->bus, 0xcf9, 1), 0x02);
	cr_assert(!f.m->reset_pending);
	bus_out(f.m->bus, 0xcf9, 0x06, 1);
	cr_assert(f.m->reset_pending);
	testbed_free(f.m);
}

Test(pci, reset_restores_power_on_config_and_unmaps_bars)
{
	struct fixture f = setup();
	unsigned df = PCI_DEVFN(3, 0);
	struct toy *t = toy_add(f.bus, 3);

	cfg_out(f.m, df, 0x10, 0xc000, 4);
	cfg_out(f.m, df, PCI_COMMAND, PCI_COMMAND_IO, 2);
	cfg_out(f.m, PCI_DEVFN(1, 0), 0x60, 10, 1);
	pci_dev_reset(&t->pci);
	testbed_reset(f.m);
	cr_assert_eq(cfg_in(f.m, df, 0x10, 4), 1);
	cr_assert_eq(bus_in(f.m->bus, 0xc000, 1), 0xff);
	cr_assert_eq(cfg_in(f.m, PCI_DEVFN(1, 0), 0x60, 4), 0x80808080u);
	testbed_free(f.m);
	free(t);
}

Test(pci, snapshot_load_puts_bars_and_pam_back_where_the_config_says)
{
	struct fixture f = setup();
	unsigned df = PCI_DEVFN(3, 0);
	struct toy *t = toy_add(f.bus, 3);
	char err[128];
	FILE *snap = tmpfile();

	cfg_out(f.m, df, 0x10, 0xc000, 4);
	cfg_out(f.m, df, PCI_COMMAND, PCI_COMMAND_IO, 2);
	cfg_out(f.m, 0, 0x59, 0x30, 1);
	mem_write8(f.m->mem, 0xf0000, 0x42);
	cr_assert_eq(state_write(&f.m->state, snap, err, sizeof(err)), 0, "%s",
		     err);
	cfg_out(f.m, df, 0x10, 0xc100, 4);
	cfg_out(f.m, 0, 0x59, 0x00, 1);
	rewind(snap);
	cr_assert_eq(state_read(&f.m->state, snap, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(bus_in(f.m->bus, 0xc000, 1), 0x5a);
	cr_assert_eq(bus_in(f.m->bus, 0xc100, 1), 0xff);
	cr_assert_eq(mem_read8(f.m->mem, 0xf0000), 0x42);
	fclose(snap);
	testbed_free(f.m);
	free(t);
}
