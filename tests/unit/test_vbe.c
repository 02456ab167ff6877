/* tests/unit/test_vbe.c: the Bochs dispi interface (0x1CE/0x1CF), the
 * linear framebuffer in BAR0 and the PCI identity of the stdvga, as the
 * SeaBIOS VGA BIOS (vgasrc/bochsvga.c) and a VBE guest drive them. */
#include <stdlib.h>
#include <unistd.h>

#include "vga_test.h"

#define DEVFN PCI_DEVFN(2, 0)
#define LFB 0xe0000000u

static struct machine *m;
static struct pci_bus *pci;
static struct vga *v;
static uint32_t *fb;

static void setup(void)
{
	char err[160];

	m = testbed_new(100000);
	pci = pci_create(m);
	cr_assert_not_null(pci);
	v = vga_create(m, pci, NULL, err, sizeof(err));
	cr_assert_not_null(v, "%s", err);
	fb = calloc((size_t)VGA_FB_MAX_W * VGA_FB_MAX_H, sizeof(*fb));
}

static void teardown(void)
{
	free(fb);
	testbed_free(m);
}

TestSuite(vbe, .init = setup, .fini = teardown);

static void dispi_w(uint16_t idx, uint16_t val)
{
	bus_out(m->bus, 0x1ce, idx, 2);
	bus_out(m->bus, 0x1cf, val, 2);
}

static uint16_t dispi_r(uint16_t idx)
{
	bus_out(m->bus, 0x1ce, idx, 2);
	return (uint16_t)bus_in(m->bus, 0x1cf, 2);
}

static void map_lfb(void)
{
	pci_config_write(pci, DEVFN, PCI_BASE_ADDRESS_0, LFB, 4);
	pci_config_write(pci, DEVFN, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
}

static void set_mode(uint16_t w, uint16_t h, uint16_t bpp, uint16_t flags)
{
	dispi_w(VBE_INDEX_ENABLE, 0);
	dispi_w(VBE_INDEX_BPP, bpp);
	dispi_w(VBE_INDEX_XRES, w);
	dispi_w(VBE_INDEX_YRES, h);
	dispi_w(VBE_INDEX_BANK, 0);
	dispi_w(VBE_INDEX_ENABLE, VBE_ENABLED | flags);
}

Test(vbe, id_handshake_accepts_b0c0_to_b0c5_only)
{
	dispi_w(VBE_INDEX_ID, 0xb0c0);
	cr_assert_eq(dispi_r(VBE_INDEX_ID), 0xb0c0);
	dispi_w(VBE_INDEX_ID, 0xb0c5);
	cr_assert_eq(dispi_r(VBE_INDEX_ID), 0xb0c5);
	dispi_w(VBE_INDEX_ID, 0x1234);
	cr_assert_eq(dispi_r(VBE_INDEX_ID), 0xb0c5);
	cr_assert_eq(dispi_r(VBE_INDEX_VIDEO_MEMORY_64K), 256, "16 MiB");
}

Test(vbe, getcaps_reads_the_maximum_mode)
{
	dispi_w(VBE_INDEX_XRES, 800);
	dispi_w(VBE_INDEX_ENABLE, VBE_GETCAPS);
	cr_assert_eq(dispi_r(VBE_INDEX_XRES), 2560);
	cr_assert_eq(dispi_r(VBE_INDEX_YRES), 1600);
	cr_assert_eq(dispi_r(VBE_INDEX_BPP), 32);
	dispi_w(VBE_INDEX_ENABLE, 0);
	cr_assert_eq(dispi_r(VBE_INDEX_XRES), 800);
}

Test(vbe, invalid_geometry_is_refused)
{
	dispi_w(VBE_INDEX_XRES, 640);
	dispi_w(VBE_INDEX_XRES, 643); /* not a multiple of 8 */
	cr_assert_eq(dispi_r(VBE_INDEX_XRES), 640);
	dispi_w(VBE_INDEX_BPP, 12);
	cr_assert_eq(dispi_r(VBE_INDEX_BPP), 8);
}

Test(vbe, pci_identity_is_qemu_stdvga_with_a_prefetchable_bar0)
{
	cr_assert_eq(pci_config_read(pci, DEVFN, PCI_VENDOR_ID, 2), 0x1234);
	cr_assert_eq(pci_config_read(pci, DEVFN, PCI_DEVICE_ID, 2), 0x1111);
	cr_assert_eq(pci_config_read(pci, DEVFN, PCI_REVISION_ID, 4) >> 8,
		     0x030000);
	pci_config_write(pci, DEVFN, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	cr_assert_eq(pci_config_read(pci, DEVFN, PCI_BASE_ADDRESS_0, 4),
		     0xff000008, "16 MiB, memory, prefetchable");
}

Test(vbe, lfb_write_in_640x480x32_shows_in_the_frame)
{
	unsigned w, h;

	map_lfb();
	set_mode(640, 480, 32, VBE_LFB_ENABLED);
	cr_assert_eq(dispi_r(VBE_INDEX_VIRT_WIDTH), 640);
	bus_mmio_write(m->bus, LFB + (100 * 640 + 200) * 4, 0x00123456, 4);
	cr_assert(vga_render(v, fb, &w, &h));
	cr_assert_eq(w, 640);
	cr_assert_eq(h, 480);
	cr_assert_eq(fb[100 * 640 + 200], 0x123456);
	cr_assert_eq(fb[100 * 640 + 201], 0);
	cr_assert_eq(bus_mmio_read(m->bus, LFB + (100 * 640 + 200) * 4, 4),
		     0x00123456);
}

Test(vbe, 16bpp_and_24bpp_pixels_convert_to_xrgb)
{
	unsigned w, h;

	map_lfb();
	set_mode(320, 200, 16, VBE_LFB_ENABLED);
	bus_mmio_write(m->bus, LFB + 2, 0xf800, 2); /* pure red, x = 1 */
	bus_mmio_write(m->bus, LFB + 4, 0x07e0, 2); /* pure green, x = 2 */
	vga_render(v, fb, &w, &h);
	cr_assert_eq(fb[1], 0xff0000);
	cr_assert_eq(fb[2], 0x00ff00);
	set_mode(320, 200, 24, VBE_LFB_ENABLED);
	bus_mmio_write(m->bus, LFB + 3, 0xff, 1); /* x = 1: blue byte first */
	vga_render(v, fb, &w, &h);
	cr_assert_eq(fb[1], 0x0000ff);
}

Test(vbe, enable_clears_the_framebuffer_unless_noclearmem)
{
	map_lfb();
	set_mode(640, 480, 8, VBE_LFB_ENABLED);
	bus_mmio_write(m->bus, LFB + 10, 0x55, 1);
	set_mode(640, 480, 8, VBE_LFB_ENABLED | VBE_NOCLEARMEM);
	cr_assert_eq(bus_mmio_read(m->bus, LFB + 10, 1), 0x55);
	set_mode(640, 480, 8, VBE_LFB_ENABLED);
	cr_assert_eq(bus_mmio_read(m->bus, LFB + 10, 1), 0x00);
}

Test(vbe, bank_register_moves_the_a0000_window_over_vram)
{
	map_lfb();
	set_mode(800, 600, 8, 0);
	dispi_w(VBE_INDEX_BANK, 2);
	vt_wr(m, 0xa0003, 0x9c);
	cr_assert_eq(bus_mmio_read(m->bus, LFB + 0x20003, 1), 0x9c);
	cr_assert_eq(vt_rd(m, 0xa0003), 0x9c);
	dispi_w(VBE_INDEX_BANK, 0);
	cr_assert_eq(vt_rd(m, 0xa0003), 0x00);
}

Test(vbe, display_offsets_and_8bit_dac_select_what_is_shown)
{
	unsigned w, h;

	map_lfb();
	set_mode(640, 480, 8, VBE_LFB_ENABLED | VBE_8BIT_DAC);
	vt_dac(m, 7, 0x80, 0x40, 0xff); /* 8-bit components kept whole */
	dispi_w(VBE_INDEX_VIRT_WIDTH, 1024);
	cr_assert_eq(dispi_r(VBE_INDEX_VIRT_HEIGHT), 16384);
	dispi_w(VBE_INDEX_Y_OFFSET, 10);
	dispi_w(VBE_INDEX_X_OFFSET, 4);
	bus_mmio_write(m->bus, LFB + 10 * 1024 + 4, 7, 1);
	vga_render(v, fb, &w, &h);
	cr_assert_eq(fb[0], 0x8040ff);
}

Test(vbe, vga_bios_rom_is_the_expansion_rom_bar)
{
	const char *rom = VGA_ROM_DEFAULT;
	char err[200];

	if (access(rom, R_OK))
		cr_skip_test("%s is not installed", rom);
	struct machine *m2 = testbed_new(100000);
	struct pci_bus *pci2 = pci_create(m2);
	cr_assert_not_null(vga_create(m2, pci2, rom, err, sizeof(err)), "%s",
			   err);
	pci_config_write(pci2, DEVFN, PCI_ROM_ADDRESS, 0xfeb00001, 4);
	pci_config_write(pci2, DEVFN, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	cr_assert_eq(bus_mmio_read(m2->bus, 0xfeb00000, 2), 0xaa55);
	testbed_free(m2);
}

Test(vbe, a_missing_vga_bios_is_one_clear_error)
{
	char err[200] = "";
	struct machine *m2 = testbed_new(100000);
	struct pci_bus *pci2 = pci_create(m2);

	cr_assert_null(vga_create(m2, pci2, "/nonexistent/vgabios.bin", err,
				  sizeof(err)));
	cr_assert(strstr(err, "/nonexistent/vgabios.bin"), "%s", err);
	testbed_free(m2);
}
