/* tests/unit/test_vga.c: the VGA register file, planar memory and
 * rendering, driven through ports and the 0xA0000 window. Expected values
 * come from the IBM VGA register description (FreeVGA), worked by hand. */
#include <stdlib.h>

#include "vga_test.h"

static struct machine *m;
static struct vga *v;
static uint32_t *fb;

static void setup(void)
{
	char err[160];

	m = testbed_new(100000);
	v = vga_create(m, NULL, NULL, err, sizeof(err));
	cr_assert_not_null(v, "%s", err);
	fb = calloc((size_t)VGA_FB_MAX_W * VGA_FB_MAX_H, sizeof(*fb));
}

static void teardown(void)
{
	free(fb);
	testbed_free(m);
}

TestSuite(vga, .init = setup, .fini = teardown);

/* Planar 16-colour access to the 64 KiB window at 0xA0000. */
static void planar(void)
{
	vt_seq(m, 2, 0x0f);
	vt_seq(m, 4, 0x06);
	vt_gc(m, 5, 0x00);
	vt_gc(m, 6, 0x05);
	vt_gc(m, 1, 0x00);
	vt_gc(m, 3, 0x00);
	vt_gc(m, 8, 0xff);
}

static uint8_t plane_at(unsigned plane, uint32_t pa)
{
	vt_gc(m, 4, (uint8_t)plane);
	return vt_rd(m, pa);
}

Test(vga, misc_output_moves_crtc_between_mono_and_colour_ports)
{
	vt_out(m, 0x3c2, 0x67);
	cr_assert_eq(vt_in(m, 0x3cc), 0x67);
	vt_crtc(m, 0x0e, 0x12);
	cr_assert_eq(vt_in(m, 0x3d5), 0x12);
	cr_assert_eq(vt_in(m, 0x3b5), 0xff, "mono CRTC must not decode");
	vt_out(m, 0x3c2, 0x66);
	vt_out(m, 0x3b4, 0x0e);
	cr_assert_eq(vt_in(m, 0x3b5), 0x12);
	cr_assert_eq(vt_in(m, 0x3d4), 0xff);
}

Test(vga, index_ports_read_back_and_registers_keep_defined_bits)
{
	vt_seq(m, 2, 0xff);
	cr_assert_eq(vt_in(m, 0x3c4), 0x02);
	cr_assert_eq(vt_in(m, 0x3c5), 0x0f);
	vt_seq(m, 4, 0xff);
	cr_assert_eq(vt_in(m, 0x3c5), 0x0e);
	vt_gc(m, 5, 0xff);
	cr_assert_eq(vt_in(m, 0x3ce), 0x05);
	cr_assert_eq(vt_in(m, 0x3cf), 0x7b);
	vt_gc(m, 3, 0xff);
	cr_assert_eq(vt_in(m, 0x3cf), 0x1f);
	/* A word write is index then data. */
	bus_out(m->bus, 0x3ce, 0x0a08, 2);
	cr_assert_eq(vt_in(m, 0x3cf), 0x0a);
}

Test(vga, crtc_protect_bit_locks_cr00_to_cr07_but_not_line_compare_bit8)
{
	vt_crtc(m, 0x11, 0x00);
	vt_crtc(m, 0x01, 0x4f);
	vt_crtc(m, 0x07, 0x00);
	vt_crtc(m, 0x11, 0x80);
	vt_crtc(m, 0x01, 0x27);
	vt_out(m, 0x3d4, 0x01);
	cr_assert_eq(vt_in(m, 0x3d5), 0x4f);
	vt_crtc(m, 0x07, 0xff);
	vt_out(m, 0x3d4, 0x07);
	cr_assert_eq(vt_in(m, 0x3d5), 0x10);
	vt_crtc(m, 0x12, 0x8f); /* above CR07: not protected */
	cr_assert_eq(vt_in(m, 0x3d5), 0x8f);
}

Test(vga, attribute_flipflop_alternates_and_input_status_read_resets_it)
{
	vt_out(m, 0x3c2, 0x67);
	vt_in(m, 0x3da);
	vt_out(m, 0x3c0, 0x01);
	vt_out(m, 0x3c0, 0xff);
	vt_out(m, 0x3c0, 0x21); /* index again, PAS set */
	cr_assert_eq(vt_in(m, 0x3c0), 0x21);
	cr_assert_eq(vt_in(m, 0x3c1), 0x3f, "palette entries are 6 bits");
	/* Leave it expecting data, then reset it with a status read. */
	vt_out(m, 0x3c0, 0x02);
	vt_in(m, 0x3da);
	vt_out(m, 0x3c0, 0x33);
	cr_assert_eq(vt_in(m, 0x3c0), 0x33, "written as an index");
	/* Mono mode: the reset port is 0x3BA. */
	vt_out(m, 0x3c2, 0x66);
	vt_in(m, 0x3ba);
	vt_out(m, 0x3c0, 0x25);
	cr_assert_eq(vt_in(m, 0x3c0), 0x25);
}

Test(vga, dac_indexes_autoincrement_every_three_components)
{
	vt_out(m, 0x3c8, 5);
	for (uint8_t i = 0; i < 6; i++)
		vt_out(m, 0x3c9, (uint8_t)(0x41 + i));
	cr_assert_eq(vt_in(m, 0x3c8), 7);
	cr_assert_eq(vt_in(m, 0x3c7) & 3, 0, "write mode");
	vt_out(m, 0x3c7, 5);
	cr_assert_eq(vt_in(m, 0x3c7) & 3, 3, "read mode");
	for (uint8_t i = 0; i < 6; i++)
		cr_assert_eq(vt_in(m, 0x3c9), (0x41 + i) & 0x3f);
	vt_out(m, 0x3c6, 0x0f);
	cr_assert_eq(vt_in(m, 0x3c6), 0x0f);
}

Test(vga, write_mode0_set_reset_and_bit_mask_merge_with_latches)
{
	planar();
	vt_wr(m, 0xa0000, 0xa5);
	for (unsigned p = 0; p < 4; p++)
		cr_assert_eq(plane_at(p, 0xa0000), 0xa5);
	/* Set/reset colour 5 on every plane, bit mask 0xF0: the high nibble
	 * from set/reset, the low nibble from the latches (0xA5). */
	vt_gc(m, 0, 0x05);
	vt_gc(m, 1, 0x0f);
	vt_gc(m, 8, 0xf0);
	vt_rd(m, 0xa0000);
	vt_wr(m, 0xa0000, 0x00);
	cr_assert_eq(plane_at(0, 0xa0000), 0xf5);
	cr_assert_eq(plane_at(1, 0xa0000), 0x05);
	cr_assert_eq(plane_at(2, 0xa0000), 0xf5);
	cr_assert_eq(plane_at(3, 0xa0000), 0x05);
}

Test(vga, write_mode0_rotates_and_applies_logical_ops)
{
	planar();
	vt_rd(m, 0xa0010);
	vt_gc(m, 3, 0x18 | 1); /* XOR, rotate right 1 */
	vt_wr(m, 0xa0010, 0x03);
	cr_assert_eq(plane_at(0, 0xa0010), 0x81);
	vt_wr(m, 0xa0010, 0x03); /* latches still 0x81 from that read */
	cr_assert_eq(plane_at(3, 0xa0010), 0x00);
	vt_gc(m, 3, 0x00);
	vt_wr(m, 0xa0011, 0x3c);
	vt_rd(m, 0xa0011);
	vt_gc(m, 3, 0x08); /* AND */
	vt_wr(m, 0xa0011, 0x0f);
	cr_assert_eq(plane_at(1, 0xa0011), 0x0c);
	vt_rd(m, 0xa0011);
	vt_gc(m, 3, 0x10); /* OR */
	vt_wr(m, 0xa0011, 0xc0);
	cr_assert_eq(plane_at(2, 0xa0011), 0xcc);
}

Test(vga, write_mode1_copies_the_latches)
{
	planar();
	for (unsigned p = 0; p < 4; p++) {
		vt_seq(m, 2, (uint8_t)(1u << p));
		vt_wr(m, 0xa0100, (uint8_t)(0x11 * (p + 1)));
	}
	vt_seq(m, 2, 0x0f);
	vt_gc(m, 5, 0x01);
	vt_rd(m, 0xa0100);
	vt_wr(m, 0xa0200, 0x00);
	vt_gc(m, 5, 0x00);
	for (unsigned p = 0; p < 4; p++)
		cr_assert_eq(plane_at(p, 0xa0200), 0x11 * (p + 1));
}

Test(vga, write_mode2_spreads_colour_bits_under_the_bit_mask)
{
	planar();
	vt_gc(m, 5, 0x02);
	vt_gc(m, 8, 0x0f);
	vt_rd(m, 0xa0300);
	vt_wr(m, 0xa0300, 0x09);
	vt_gc(m, 5, 0x00);
	cr_assert_eq(plane_at(0, 0xa0300), 0x0f);
	cr_assert_eq(plane_at(1, 0xa0300), 0x00);
	cr_assert_eq(plane_at(2, 0xa0300), 0x00);
	cr_assert_eq(plane_at(3, 0xa0300), 0x0f);
}

Test(vga, write_mode3_uses_rotated_data_as_bit_mask_and_set_reset_colour)
{
	planar();
	vt_gc(m, 5, 0x03);
	vt_gc(m, 0, 0x0c);
	vt_gc(m, 8, 0x3f);
	vt_gc(m, 3, 0x04); /* rotate right 4 */
	vt_rd(m, 0xa0400);
	vt_wr(m, 0xa0400, 0xff);
	vt_gc(m, 5, 0x00);
	cr_assert_eq(plane_at(0, 0xa0400), 0x00);
	cr_assert_eq(plane_at(2, 0xa0400), 0x3f);
	cr_assert_eq(plane_at(3, 0xa0400), 0x3f);
}

Test(vga, read_mode1_compares_colour_over_selected_planes)
{
	static const uint8_t val[4] = { 0xf0, 0xcc, 0xaa, 0x00 };

	planar();
	for (unsigned p = 0; p < 4; p++) {
		vt_seq(m, 2, (uint8_t)(1u << p));
		vt_wr(m, 0xa0040, val[p]);
	}
	vt_seq(m, 2, 0x0f);
	vt_gc(m, 5, 0x08);
	vt_gc(m, 2, 0x03);
	vt_gc(m, 7, 0x0f);
	/* p0 & p1 & ~p2 & ~p3 = 0xF0 & 0xCC & 0x55 & 0xFF */
	cr_assert_eq(vt_rd(m, 0xa0040), 0x40);
	vt_gc(m, 7, 0x03);
	cr_assert_eq(vt_rd(m, 0xa0040), 0xc0);
}

Test(vga, chain4_takes_the_plane_from_the_low_address_bits)
{
	vt_set_mode(m, &vt_mode13);
	vt_wr(m, 0xa0005, 0x77);
	cr_assert_eq(vt_rd(m, 0xa0005), 0x77);
	vt_seq(m, 4, 0x06);
	vt_gc(m, 5, 0x00);
	cr_assert_eq(plane_at(1, 0xa0004), 0x77);
	cr_assert_eq(plane_at(1, 0xa0001), 0x00);
}

Test(vga, mode13h_renders_320x200_through_the_dac)
{
	unsigned w, h;

	vt_set_mode(m, &vt_mode13);
	vt_dac(m, 0, 0, 0, 0);
	vt_dac(m, 0x20, 63, 0, 0);
	vt_wr(m, 0xa0000 + 3 * 320 + 10, 0x20);
	cr_assert(vga_render(v, fb, &w, &h));
	cr_assert_eq(w, 320);
	cr_assert_eq(h, 200);
	cr_assert_eq(fb[3 * 320 + 10], 0xff0000);
	cr_assert_eq(fb[3 * 320 + 11], 0x000000);
	cr_assert_eq(fb[4 * 320 + 10], 0x000000);
	cr_assert_not(vga_render(v, fb, &w, &h), "nothing changed");
	vt_wr(m, 0xa0000 + 199 * 320, 0x20);
	cr_assert(vga_render(v, fb, &w, &h));
	unsigned y0, y1;
	cr_assert(vga_dirty_rows(v, &y0, &y1));
	cr_assert_eq(y0, 199);
	cr_assert_eq(y1, 200);
}

/* Mode X: unchained 256-colour, byte addressing; pixel x of row y lives in
 * plane x & 3 at offset y * 80 + x / 4. */
static void mode_x(void)
{
	vt_set_mode(m, &vt_mode13);
	vt_seq(m, 4, 0x06);
	vt_crtc(m, 0x14, 0x00);
	vt_crtc(m, 0x17, 0xe3);
	vt_dac(m, 0, 0, 0, 0);
	vt_dac(m, 1, 0, 63, 0);
	vt_dac(m, 2, 0, 0, 63);
}

static void mode_x_pixel(unsigned x, unsigned y, uint8_t c)
{
	vt_seq(m, 2, (uint8_t)(1u << (x & 3)));
	vt_wr(m, 0xa0000 + y * 80 + x / 4, c);
}

Test(vga, mode_x_unchained_pixels_render_at_their_plane_positions)
{
	unsigned w, h;

	mode_x();
	mode_x_pixel(10, 3, 1);
	mode_x_pixel(11, 3, 2);
	vga_render(v, fb, &w, &h);
	cr_assert_eq(w, 320);
	cr_assert_eq(h, 200);
	cr_assert_eq(fb[3 * 320 + 10], 0x00ff00);
	cr_assert_eq(fb[3 * 320 + 11], 0x0000ff);
	cr_assert_eq(fb[3 * 320 + 9], 0x000000);
}

Test(vga, line_compare_splits_the_screen_to_address_zero)
{
	unsigned w, h;

	mode_x();
	mode_x_pixel(0, 0, 1);  /* memory row 0 */
	mode_x_pixel(0, 10, 2); /* memory row 10 */
	vt_crtc(m, 0x0c, (80 * 10) >> 8);
	vt_crtc(m, 0x0d, (80 * 10) & 0xff);
	/* Split after scan line 99: rows are 2 scan lines, so screen row 50
	 * on shows memory from address 0. */
	vt_crtc(m, 0x18, 99);
	vt_crtc(m, 0x11, 0x00);
	vt_crtc(m, 0x07, 0x0f); /* line compare bit 8 clear */
	vt_crtc(m, 0x09, 0x01); /* bit 9 clear, 2 scan lines a row */
	vga_render(v, fb, &w, &h);
	cr_assert_eq(fb[0], 0x0000ff, "top shows memory row 10");
	cr_assert_eq(fb[50 * 320], 0x00ff00, "split shows memory row 0");
	cr_assert_eq(fb[49 * 320], 0x000000);
}

Test(vga, pel_panning_shifts_256_colour_pixels_by_half_the_value)
{
	unsigned w, h;

	mode_x();
	mode_x_pixel(1, 0, 1);
	vt_attr(m, 0x13, 2);
	vga_render(v, fb, &w, &h);
	cr_assert_eq(fb[0], 0x00ff00);
	cr_assert_eq(fb[1], 0x000000);
}

Test(vga, planar_16_colour_pixels_go_through_the_attribute_palette)
{
	unsigned w, h;

	vt_set_mode(m, &vt_mode13);
	/* Mode 12h style: 640 wide planar, 8 pixels a byte. */
	vt_seq(m, 1, 0x01);
	vt_seq(m, 4, 0x06);
	vt_gc(m, 5, 0x00);
	vt_crtc(m, 0x14, 0x00);
	vt_crtc(m, 0x17, 0xe3);
	vt_crtc(m, 0x09, 0x40);
	vt_attr(m, 0x10, 0x01);
	vt_attr(m, 0x05, 0x3c);
	vt_dac(m, 0x3c, 63, 63, 0);
	vt_dac(m, 0x00, 0, 0, 0);
	vt_seq(m, 2, 0x05); /* colour 5 = planes 0 and 2 */
	vt_wr(m, 0xa0000, 0x40);
	vga_render(v, fb, &w, &h);
	cr_assert_eq(w, 640);
	cr_assert_eq(fb[1], 0xffff00);
	cr_assert_eq(fb[0], 0x000000);
	cr_assert_eq(fb[2], 0x000000);
}

static const uint8_t glyph_a[16] = {
	0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
	0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x00,
};

static void text_mode(void)
{
	vt_set_mode(m, &vt_mode3);
	vt_load_glyph(m, 'A', glyph_a, 16);
	vt_dac(m, 0x01, 0, 0, 42);
	vt_dac(m, 0x3f, 63, 63, 63);
	vt_crtc(m, 0x0a, 0x20); /* cursor off */
}

Test(vga, text_glyph_from_plane2_with_attribute_colours)
{
	unsigned w, h;

	text_mode();
	vt_wr(m, 0xb8000, 'A');
	vt_wr(m, 0xb8001, 0x1f);
	vga_render(v, fb, &w, &h);
	cr_assert_eq(w, 720);
	cr_assert_eq(h, 400);
	/* Row 3 of the glyph is 0x38: dots 2-4 white on blue. */
	cr_assert_eq(fb[3 * 720 + 1], 0x0000aa);
	cr_assert_eq(fb[3 * 720 + 2], 0xffffff);
	cr_assert_eq(fb[3 * 720 + 4], 0xffffff);
	cr_assert_eq(fb[3 * 720 + 5], 0x0000aa);
	/* The 9th dot of a non-line-graphics character is background. */
	cr_assert_eq(fb[7 * 720 + 6], 0xffffff);
	cr_assert_eq(fb[7 * 720 + 7], 0x0000aa);
	cr_assert_eq(fb[7 * 720 + 8], 0x0000aa);
}

Test(vga, text_cursor_covers_its_scan_lines_and_blinks)
{
	unsigned w, h;

	text_mode();
	vt_wr(m, 0xb8000 + 2 * (80 + 2), ' ');
	vt_wr(m, 0xb8000 + 2 * (80 + 2) + 1, 0x1f);
	vt_crtc(m, 0x0a, 0x0e);
	vt_crtc(m, 0x0b, 0x0f);
	vt_crtc(m, 0x0e, 0x00);
	vt_crtc(m, 0x0f, 80 + 2);
	vga_render(v, fb, &w, &h);
	cr_assert_eq(fb[(16 + 14) * 720 + 18], 0xffffff);
	cr_assert_eq(fb[(16 + 15) * 720 + 26], 0xffffff);
	cr_assert_eq(fb[(16 + 13) * 720 + 18], 0x0000aa);
	/* 8 frames later (70 Hz: 900 x 449 dots at 28.322 MHz) it is off. */
	testbed_advance_ns(m, 8 * 14268060ull + 1000);
	vga_render(v, fb, &w, &h);
	cr_assert_eq(fb[(16 + 14) * 720 + 18], 0x0000aa);
}

Test(vga, text_80x50_uses_an_8_line_cell)
{
	unsigned w, h;
	static const uint8_t g8[8] = { 0xff, 0x81, 0x81, 0x81,
				       0x81, 0x81, 0x81, 0xff };

	text_mode();
	vt_load_glyph(m, 'B', g8, 8);
	vt_seq(m, 1, 0x01); /* 8-dot characters */
	vt_crtc(m, 0x09, 0x47);
	vt_wr(m, 0xb8000 + 160, 'B');
	vt_wr(m, 0xb8000 + 161, 0x1f);
	vga_render(v, fb, &w, &h);
	cr_assert_eq(w, 640);
	cr_assert_eq(h, 400);
	cr_assert_eq(fb[8 * 640 + 0], 0xffffff);
	cr_assert_eq(fb[9 * 640 + 1], 0x0000aa);
	cr_assert_eq(fb[9 * 640 + 7], 0xffffff);
	struct vga_text_info ti;
	cr_assert(vga_text_info(v, &ti));
	cr_assert_eq(ti.cols, 80);
	cr_assert_eq(ti.rows, 50);
}

Test(vga, input_status1_vertical_retrace_repeats_at_the_frame_rate)
{
	/* Mode 3: 100 x 9 dots a line, 449 lines, 28.322 MHz: a frame is
	 * 404100 / 28322000 s = 14268060 ns; retrace lines 412-413. */
	const uint64_t frame = 14268060, step = 2000;
	uint64_t rise[3];
	unsigned n = 0;
	uint8_t prev;

	vt_set_mode(m, &vt_mode3);
	prev = vt_in(m, 0x3da) & 0x08;
	for (uint64_t t = 0; t < 3 * frame + step && n < 3; t += step) {
		uint8_t s = vt_in(m, 0x3da);
		if ((s & 0x08) && !prev)
			rise[n++] = clock_now(&m->clock);
		if (s & 0x08)
			cr_assert(s & 0x01, "retrace is outside the display");
		prev = s & 0x08;
		testbed_advance_ns(m, step);
	}
	cr_assert_eq(n, 3);
	for (unsigned i = 1; i < n; i++) {
		uint64_t d = rise[i] - rise[i - 1];
		cr_assert(d + step >= frame && d <= frame + step,
			  "period %llu ns", (unsigned long long)d);
	}
	/* The first retrace starts at line 412: 412 x 31778 ns. */
	cr_assert(rise[0] >= 412ull * 900 * 1000000000 / 28322000 &&
		  rise[0] <= 412ull * 900 * 1000000000 / 28322000 + step);
}

Test(vga, memory_map_select_decides_which_window_decodes)
{
	vt_set_mode(m, &vt_mode3); /* B8000, 32 KiB */
	vt_wr(m, 0xb8000, 0x41);
	cr_assert_eq(vt_rd(m, 0xb8000), 0x41);
	cr_assert_eq(vt_rd(m, 0xa0000), 0xff);
	cr_assert_eq(vt_rd(m, 0xb0000), 0xff);
	vt_gc(m, 6, 0x0a); /* B0000, 32 KiB */
	cr_assert_eq(vt_rd(m, 0xb0000), 0x41);
	cr_assert_eq(vt_rd(m, 0xb8000), 0xff);
}

Test(vga, state_table_covers_registers_and_vram)
{
	uint64_t h0 = state_hash(&m->state, false);

	vt_set_mode(m, &vt_mode13);
	uint64_t h1 = state_hash(&m->state, false);
	vt_wr(m, 0xa0123, 0x41);
	uint64_t h2 = state_hash(&m->state, false);
	cr_assert_neq(h0, h1);
	cr_assert_neq(h1, h2);
}
