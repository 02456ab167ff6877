/* PIIX3 IDE function: legacy-mode config and the bus-master registers. */
#include "tests/unit/testbed.h"

#include "devices/pci.h"
#include "devices/piix.h"

#define IDE_DEVFN PCI_DEVFN(1, 1)

static uint32_t cfg_in(struct machine *m, unsigned off, unsigned size)
{
	bus_out(m->bus, 0xcf8, 0x80000000u | IDE_DEVFN << 8 | (off & 0xfc), 4);
	return bus_in(m->bus, (uint16_t)(0xcfc + (off & 3)), size);
}

static void cfg_out(struct machine *m, unsigned off, uint32_t v, unsigned size)
{
	bus_out(m->bus, 0xcf8, 0x80000000u | IDE_DEVFN << 8 | (off & 0xfc), 4);
	bus_out(m->bus, (uint16_t)(0xcfc + (off & 3)), v, size);
}

struct hook_log {
	unsigned calls, channel;
	uint8_t old;
};

static void hook(void *opaque, unsigned channel, uint8_t old)
{
	struct hook_log *h = opaque;
	h->calls++;
	h->channel = channel;
	h->old = old;
}

static struct machine *setup(struct piix_ide **ide)
{
	struct machine *m = testbed_new(10000);
	struct pci_bus *bus = pci_create(m);
	cr_assert_not_null(piix3_create(m, bus));
	*ide = piix_ide_create(m, bus);
	cr_assert_not_null(*ide);
	testbed_reset(m);
	return m;
}

Test(piix, ide_is_a_legacy_mode_bus_master_controller_with_one_bar)
{
	struct piix_ide *ide;
	struct machine *m = setup(&ide);
	cr_assert_eq(cfg_in(m, 0, 4), 0x70108086);
	cr_assert_eq(cfg_in(m, 8, 4) >> 8, 0x010180);
	for (unsigned bar = 0; bar < 4; bar++) {
		cfg_out(m, 0x10 + 4 * bar, 0xffffffffu, 4);
		cr_assert_eq(cfg_in(m, 0x10 + 4 * bar, 4), 0, "BAR%u", bar);
	}
	cfg_out(m, 0x20, 0xffffffffu, 4);
	cr_assert_eq(cfg_in(m, 0x20, 4), 0xfffffff1, "16 I/O ports");
	testbed_free(m);
}

Test(piix, bus_master_registers_decode_at_bar4)
{
	struct piix_ide *ide;
	struct machine *m = setup(&ide);
	struct hook_log h = { 0 };
	piix_ide_set_hook(ide, hook, &h);
	cfg_out(m, 0x20, 0xc040, 4);
	cfg_out(m, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);

	bus_out(m->bus, 0xc048 + 4, 0x12345677, 4); /* secondary PRD */
	cr_assert_eq(bus_in(m->bus, 0xc04c, 4), 0x12345674, "dword aligned");
	bus_out(m->bus, 0xc048, 0x09, 1);            /* start, to memory */
	cr_assert_eq(h.calls, 1);
	cr_assert_eq(h.channel, 1);
	cr_assert_eq(h.old, 0);
	cr_assert_eq(ide->bm[1].cmd, 0x09);
	/* status: interrupt and error are write-1-to-clear */
	ide->bm[0].sts = PIIX_BM_STS_IRQ | PIIX_BM_STS_ERROR | PIIX_BM_STS_ACTIVE;
	bus_out(m->bus, 0xc042, PIIX_BM_STS_IRQ | 0x20, 1);
	cr_assert_eq(bus_in(m->bus, 0xc042, 1),
		     PIIX_BM_STS_ERROR | PIIX_BM_STS_ACTIVE | 0x20);
	testbed_free(m);
}

/* IDETIM (40h primary, 42h secondary) and SIDETIM (44h) are read/write and
 * 0 at reset: firmware sets the decode-enable bit 15 of each IDETIM, and
 * Linux's ata_piix skips a channel whose bit is clear. */
Test(piix, ide_timing_registers_are_writable_and_reset_to_zero)
{
	struct piix_ide *ide;
	struct machine *m = setup(&ide);
	cr_assert_eq(cfg_in(m, 0x40, 4), 0);
	cr_assert_eq(cfg_in(m, 0x44, 1), 0);
	cfg_out(m, 0x40, 0x80008000u, 4);
	cfg_out(m, 0x44, 0x33, 1);
	cr_assert_eq(cfg_in(m, 0x40, 4), 0x80008000u);
	cr_assert_eq(cfg_in(m, 0x44, 1), 0x33);
	testbed_reset(m);
	cr_assert_eq(cfg_in(m, 0x40, 4), 0);
	testbed_free(m);
}

/* Direct kernel boot has no firmware: the board enables both channels as
 * SeaBIOS's PCI setup does. */
Test(piix, firmware_setup_enables_both_ide_channels)
{
	struct piix_ide *ide;
	struct machine *m = setup(&ide);
	piix_ide_firmware_setup(ide);
	cr_assert_eq(cfg_in(m, 0x40, 2) & 0x8000, 0x8000);
	cr_assert_eq(cfg_in(m, 0x42, 2) & 0x8000, 0x8000);
	testbed_free(m);
}
