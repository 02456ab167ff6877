/* i440FX host bridge: PAM shadowing of the BIOS area and SMRAM, through
 * PCI config cycles as SeaBIOS does them. */
#include "tests/unit/testbed.h"

#include "devices/i440fx.h"
#include "devices/pci.h"

static void cfg_out8(struct machine *m, unsigned off, uint8_t val)
{
	bus_out(m->bus, 0xcf8, 0x80000000u | (off & 0xfc), 4);
	bus_out(m->bus, (uint16_t)(0xcfc + (off & 3)), val, 1);
}

static uint8_t cfg_in8(struct machine *m, unsigned off)
{
	bus_out(m->bus, 0xcf8, 0x80000000u | (off & 0xfc), 4);
	return (uint8_t)bus_in(m->bus, (uint16_t)(0xcfc + (off & 3)), 1);
}

/* 1 MiB of RAM, a 64 KiB "BIOS" of 0xB1 bytes at 0xF0000 and a 16 KiB
 * "option ROM" of 0xC0 bytes at 0xC0000. */
static struct machine *setup(void)
{
	struct machine *m = testbed_new(10000);
	static uint8_t bios[0x10000], optrom[0x4000];
	memset(bios, 0xb1, sizeof(bios));
	memset(optrom, 0xc0, sizeof(optrom));
	cr_assert_eq(mem_add_rom(m->mem, 0xf0000, bios, sizeof(bios), "bios"), 0);
	cr_assert_eq(mem_add_rom(m->mem, 0xc0000, optrom, sizeof(optrom), "opt"), 0);
	struct pci_bus *bus = pci_create(m);
	cr_assert_not_null(i440fx_create(m, bus));
	testbed_reset(m);
	return m;
}

Test(i440fx, pam_0x30_makes_the_bios_area_read_write_ram)
{
	struct machine *m = setup();
	cr_assert_eq(mem_read8(m->mem, 0xf0000), 0xb1, "ROM at power-on");
	mem_write8(m->mem, 0xf0000, 0x42);
	cr_assert_eq(mem_read8(m->mem, 0xf0000), 0xb1, "ROM ignores writes");
	cfg_out8(m, 0x59, 0x30);
	mem_write8(m->mem, 0xf0000, 0x42);
	mem_write8(m->mem, 0xfffff, 0x43);
	cr_assert_eq(mem_read8(m->mem, 0xf0000), 0x42);
	cr_assert_eq(mem_read8(m->mem, 0xfffff), 0x43);
	testbed_free(m);
}

Test(i440fx, pam_modes_select_read_and_write_targets_independently)
{
	struct machine *m = setup();
	cfg_out8(m, 0x59, 0x30);
	mem_write8(m->mem, 0xf1234, 0x11);
	cfg_out8(m, 0x59, 0x10); /* read RAM, writes go to ROM (dropped) */
	mem_write8(m->mem, 0xf1234, 0x22);
	cr_assert_eq(mem_read8(m->mem, 0xf1234), 0x11);
	cfg_out8(m, 0x59, 0x00); /* everything to ROM */
	cr_assert_eq(mem_read8(m->mem, 0xf1234), 0xb1);
	cfg_out8(m, 0x59, 0x20); /* read ROM, write RAM */
	mem_write8(m->mem, 0xf1234, 0x33);
	cr_assert_eq(mem_read8(m->mem, 0xf1234), 0xb1);
	cfg_out8(m, 0x59, 0x30);
	cr_assert_eq(mem_read8(m->mem, 0xf1234), 0x33);
	cr_assert_eq(cfg_in8(m, 0x59), 0x30);
	testbed_free(m);
}

Test(i440fx, pam1_low_nibble_controls_only_c0000_to_c3fff)
{
	struct machine *m = setup();
	cfg_out8(m, 0x5a, 0x03); /* C0000-C3FFF RW, C4000-C7FFF off */
	mem_write8(m->mem, 0xc0010, 0x55);
	mem_write8(m->mem, 0xc4010, 0x66);
	cr_assert_eq(mem_read8(m->mem, 0xc0010), 0x55);
	cr_assert_neq(mem_read8(m->mem, 0xc4010), 0x66);
	cfg_out8(m, 0x5a, 0x00);
	cr_assert_eq(mem_read8(m->mem, 0xc0010), 0xc0, "option ROM again");
	testbed_free(m);
}

Test(i440fx, seabios_dword_pam_writes_and_reset_restore_rom)
{
	struct machine *m = setup();
	/* make_bios_writable_intel: dwords at 0x58 and 0x5C */
	bus_out(m->bus, 0xcf8, 0x80000058u, 4);
	bus_out(m->bus, 0xcfc, 0x33333000u, 4);
	bus_out(m->bus, 0xcf8, 0x8000005cu, 4);
	bus_out(m->bus, 0xcfc, 0x33333333u, 4);
	mem_write8(m->mem, 0xf0000, 0x99);
	mem_write8(m->mem, 0xc0000, 0x98);
	cr_assert_eq(mem_read8(m->mem, 0xf0000), 0x99);
	cr_assert_eq(mem_read8(m->mem, 0xc0000), 0x98);
	testbed_reset(m);
	cr_assert_eq(cfg_in8(m, 0x59), 0);
	cr_assert_eq(mem_read8(m->mem, 0xf0000), 0xb1);
	cr_assert_eq(mem_read8(m->mem, 0xc0000), 0xc0);
	testbed_free(m);
}

Test(i440fx, smram_d_open_shows_ram_and_d_lck_freezes_it_closed)
{
	struct machine *m = setup();
	cr_assert_eq(cfg_in8(m, 0x72), 0x02);
	cfg_out8(m, 0x72, 0x4a); /* D_OPEN | G_SMRAME */
	mem_write8(m->mem, 0xa0000, 0x77);
	cr_assert_eq(mem_read8(m->mem, 0xa0000), 0x77);
	cfg_out8(m, 0x72, 0x1a); /* close and lock */
	cr_assert_eq(cfg_in8(m, 0x72), 0x1a);
	cfg_out8(m, 0x72, 0x4a); /* cannot reopen while locked */
	cr_assert_eq(cfg_in8(m, 0x72) & 0x40, 0);
	testbed_reset(m);
	cr_assert_eq(cfg_in8(m, 0x72), 0x02);
	cfg_out8(m, 0x72, 0x4a);
	cr_assert_eq(cfg_in8(m, 0x72), 0x4a, "reset clears the lock");
	testbed_free(m);
}
