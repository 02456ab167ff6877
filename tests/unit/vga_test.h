/* tests/unit/vga_test.h: driving the VGA through the bus as a VGA BIOS
 * would (shared by test_vga.c, test_vbe.c and test_screen.c). */
#ifndef LUCID_TESTS_VGA_TEST_H
#define LUCID_TESTS_VGA_TEST_H

#include "devices/vga.h"
#include "testbed.h"

static inline void vt_out(struct machine *m, uint16_t port, uint8_t val)
{
	bus_out(m->bus, port, val, 1);
}

static inline uint8_t vt_in(struct machine *m, uint16_t port)
{
	return (uint8_t)bus_in(m->bus, port, 1);
}

static inline void vt_seq(struct machine *m, uint8_t i, uint8_t val)
{
	vt_out(m, 0x3c4, i);
	vt_out(m, 0x3c5, val);
}

static inline void vt_gc(struct machine *m, uint8_t i, uint8_t val)
{
	vt_out(m, 0x3ce, i);
	vt_out(m, 0x3cf, val);
}

static inline void vt_crtc(struct machine *m, uint8_t i, uint8_t val)
{
	vt_out(m, 0x3d4, i);
	vt_out(m, 0x3d5, val);
}

static inline void vt_attr(struct machine *m, uint8_t i, uint8_t val)
{
	vt_in(m, 0x3da); /* flip-flop to "index" */
	vt_out(m, 0x3c0, i);
	vt_out(m, 0x3c0, val);
	vt_out(m, 0x3c0, 0x20); /* palette address source: screen on */
}

static inline void vt_dac(struct machine *m, uint8_t i, uint8_t r, uint8_t g,
			  uint8_t b)
{
	vt_out(m, 0x3c8, i);
	vt_out(m, 0x3c9, r);
	vt_out(m, 0x3c9, g);
	vt_out(m, 0x3c9, b);
}

/* A standard mode's registers, from the IBM VGA tables. */
struct vt_mode {
	uint8_t misc, seq[5], crtc[25], gc[9], attr[21];
};

static const struct vt_mode vt_mode3 = {
	0x67,
	{ 0x03, 0x00, 0x03, 0x00, 0x02 },
	{ 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d,
	  0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96,
	  0xb9, 0xa3, 0xff },
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x0f, 0xff },
	{ 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
	  0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00 },
};

static const struct vt_mode vt_mode13 = {
	0x63,
	{ 0x03, 0x01, 0x0f, 0x00, 0x0e },
	{ 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00,
	  0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96,
	  0xb9, 0xa3, 0xff },
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff },
	{ 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	  0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00, 0x00 },
};

static inline void vt_set_mode(struct machine *m, const struct vt_mode *md)
{
	vt_out(m, 0x3c2, md->misc);
	for (uint8_t i = 0; i < 5; i++)
		vt_seq(m, i, md->seq[i]);
	vt_crtc(m, 0x11, 0x00); /* unlock CR00-CR07 */
	for (uint8_t i = 0; i < 25; i++)
		vt_crtc(m, i, md->crtc[i]);
	for (uint8_t i = 0; i < 9; i++)
		vt_gc(m, i, md->gc[i]);
	for (uint8_t i = 0; i < 21; i++)
		vt_attr(m, i, md->attr[i]);
}

static inline void vt_wr(struct machine *m, uint32_t pa, uint8_t val)
{
	mem_write8(m->mem, pa, val);
}

static inline uint8_t vt_rd(struct machine *m, uint32_t pa)
{
	return mem_read8(m->mem, pa);
}

/* Load one 8xN glyph into plane 2 the way the BIOS does (font map 0). */
static inline void vt_load_glyph(struct machine *m, uint8_t ch,
				 const uint8_t *rows, unsigned n)
{
	vt_seq(m, 2, 0x04);
	vt_seq(m, 4, 0x06);
	vt_gc(m, 5, 0x00);
	vt_gc(m, 6, 0x04);
	for (unsigned r = 0; r < n; r++)
		vt_wr(m, 0xa0000 + ch * 32u + r, rows[r]);
	vt_seq(m, 2, 0x03);
	vt_seq(m, 4, 0x02);
	vt_gc(m, 5, 0x10);
	vt_gc(m, 6, 0x0e);
}

#endif
