/* devices/vga_render.c: the picture, as the CRTC, the sequencer and the
 * attribute controller would scan it out, into a host XRGB8888 frame.
 *
 * One output row at a time: the CRTC's memory address for that scan line
 * (start address, line compare split, offset, byte/word/doubleword
 * addressing and the CGA row-scan substitutions of CR17 bits 0-1), then a
 * character clock at a time through the shift mode (text, 16-colour
 * planar, CGA interleaved, 256-colour), panning, and the palettes.
 * Sizes are native: mode 13h is 320x200, text 80x25 with a 9x16 cell is
 * 720x400. A frame is only re-rendered when VRAM, a register or the blink
 * phase changed, and only rows that differ are written.
 */
#include "devices/vga.h"

#include <string.h>

#include "core/machine.h"

uint32_t vga_dac_rgb(const struct vga *v, uint8_t idx)
{
	const uint8_t *c = &v->dac[(idx & v->pel_mask) * 3];

	if (vga_vbe_on(v) && (v->vbe[VBE_INDEX_ENABLE] & VBE_8BIT_DAC))
		return (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
	/* 6-bit components to 8 bits: replicate the top bits. */
	uint32_t r = (c[0] & 0x3fu) << 2 | (c[0] & 0x3fu) >> 4;
	uint32_t g = (c[1] & 0x3fu) << 2 | (c[1] & 0x3fu) >> 4;
	uint32_t b = (c[2] & 0x3fu) << 2 | (c[2] & 0x3fu) >> 4;
	return r << 16 | g << 8 | b;
}

/* The 16 attribute palette entries, through AR10 bit 7 / AR14 colour
 * select, to the DAC. */
void vga_attr_palette(const struct vga *v, uint32_t pal[16])
{
	for (unsigned i = 0; i < 16; i++) {
		uint8_t p = v->attr[i] & 0x3f;
		if (v->attr[0x10] & 0x80)
			p = (uint8_t)((p & 0x0f) | (v->attr[0x14] & 3) << 4);
		p |= (uint8_t)((v->attr[0x14] & 0x0c) << 4);
		pal[i] = vga_dac_rgb(v, p);
	}
}

struct geom {
	unsigned w, h;
	unsigned cols;     /* character clocks shown per line */
	unsigned char_w;   /* pixels per character clock */
	unsigned vstep;    /* scan lines per output row */
	unsigned dbl;      /* CR09 bit 7 scan doubling */
	unsigned cell;     /* scan lines per character row */
	bool graphics;
};

static void vga_geom(const struct vga *v, struct geom *g)
{
	struct vga_timing t;
	unsigned dup = 1;

	vga_timing(v, &t);
	g->graphics = v->gc[6] & 1;
	g->cols = t.hde;
	if (!g->graphics)
		g->char_w = (v->seq[1] & 1) ? 8 : 9;
	else
		g->char_w = (v->gc[5] & 0x40) ? 4 : 8;
	while (g->cols * g->char_w > VGA_FB_MAX_W)
		g->cols--;
	g->cell = (v->crtc[9] & 0x1fu) + 1;
	g->dbl = (v->crtc[9] & 0x80) ? 2 : 1;
	/* A graphics mode whose row scan changes no address bit repeats each
	 * row cell times (mode 13h's 400 lines are 200 rows). */
	if (g->graphics && (v->crtc[0x17] & 3) == 3)
		dup = g->cell;
	g->vstep = g->dbl * dup;
	g->w = g->cols * g->char_w;
	g->h = t.vde / g->vstep;
	if (g->h > VGA_FB_MAX_H)
		g->h = VGA_FB_MAX_H;
	if (!g->h)
		g->h = 1;
}

/* Plane address of memory address counter value ma at row scan rs. */
uint32_t vga_crtc_addr(const struct vga *v, uint32_t ma, unsigned rs)
{
	uint8_t mode = v->crtc[0x17];
	uint32_t a;

	ma &= 0xffff;
	if (v->crtc[0x14] & 0x40)
		a = ma << 2 | ((ma >> 14) & 3);
	else if (!(mode & 0x40))
		a = ma << 1 | ((ma >> ((mode & 0x20) ? 15 : 13)) & 1);
	else
		a = ma;
	if (!(mode & 1))
		a = (a & ~0x2000u) | (rs & 1u) << 13;
	if (!(mode & 2))
		a = (a & ~0x4000u) | (rs & 2u) << 13;
	return a & 0xffff;
}

static uint64_t frame_number(const struct vga *v)
{
	uint64_t f = vga_frame_ns(v);

	return f ? clock_now(&v->m->clock) / f : 0;
}

/* Character blink (16 frames on, 16 off) and cursor blink (8/8). */
static unsigned blink_phase(const struct vga *v)
{
	if (vga_vbe_on(v) || (v->gc[6] & 1))
		return 0;
	return (unsigned)(frame_number(v) >> 3) & 3;
}

static void text_line(const struct vga *v, const struct geom *g,
		      uint32_t ma, unsigned rs, unsigned phase, uint8_t *px)
{
	uint8_t s3 = v->seq[3];
	unsigned map_a = (s3 >> 3 & 4) | (s3 >> 2 & 3);
	unsigned map_b = (s3 >> 2 & 4) | (s3 & 3);
	uint32_t font_a = (map_a & 3) << 14 | (map_a & 4) << 11;
	uint32_t font_b = (map_b & 3) << 14 | (map_b & 4) << 11;
	uint32_t cursor = (uint32_t)(v->crtc[0xe] << 8 | v->crtc[0xf]);
	unsigned cs = v->crtc[0xa] & 0x1f, ce = v->crtc[0xb] & 0x1f;
	bool cursor_on = !(v->crtc[0xa] & 0x20) && !(phase & 1);
	bool blink_off = phase & 2;
	bool blink = v->attr[0x10] & 0x08;
	bool ninth = v->attr[0x10] & 0x04;

	for (unsigned c = 0; c <= g->cols; c++) {
		uint32_t a = vga_crtc_addr(v, ma + c, rs);
		uint8_t ch = vga_plane_get(v, 0, a);
		uint8_t at = vga_plane_get(v, 1, a);
		uint32_t font = (at & 0x08) ? font_a : font_b;
		uint8_t bits = vga_plane_get(v, 2, font + ch * 32u + (rs & 31));
		uint8_t fg = at & 0x0f, bg = at >> 4;

		if (blink) {
			bg &= 7;
			if ((at & 0x80) && blink_off)
				bits = 0;
		}
		bool solid = false; /* underline and cursor span all 9 dots */
		if ((at & 0x77) == 0x01 && rs == (v->crtc[0x14] & 0x1fu))
			solid = true;
		if (cursor_on && ((ma + c) & 0xffff) == cursor && rs >= cs &&
		    rs <= ce)
			solid = true;
		if (solid)
			bits = 0xff;
		uint8_t *o = px + c * g->char_w;
		for (unsigned i = 0; i < 8; i++)
			o[i] = (bits & (0x80 >> i)) ? fg : bg;
		if (g->char_w == 9)
			o[8] = (solid || (ninth && (ch & 0xe0) == 0xc0 &&
					  (bits & 1))) ? fg : bg;
	}
}

static void gfx_line(const struct vga *v, const struct geom *g, uint32_t ma,
		     unsigned rs, uint8_t *px)
{
	uint8_t shift = v->gc[5] & 0x60;

	for (unsigned c = 0; c <= g->cols; c++) {
		uint32_t a = vga_crtc_addr(v, ma + c, rs);
		uint8_t p0 = vga_plane_get(v, 0, a), p1 = vga_plane_get(v, 1, a);
		uint8_t p2 = vga_plane_get(v, 2, a), p3 = vga_plane_get(v, 3, a);
		uint8_t *o = px + c * g->char_w;

		if (shift & 0x40) {
			o[0] = p0;
			o[1] = p1;
			o[2] = p2;
			o[3] = p3;
		} else if (shift & 0x20) {
			/* CGA 4-colour: two bits a pixel, plane 0 then 1. */
			for (unsigned i = 0; i < 4; i++) {
				unsigned sh = 6 - 2 * i;
				o[i] = (uint8_t)((p0 >> sh & 3) | (p2 >> sh & 3) << 2);
				o[i + 4] = (uint8_t)((p1 >> sh & 3) |
						     (p3 >> sh & 3) << 2);
			}
		} else {
			for (unsigned i = 0; i < 8; i++) {
				unsigned sh = 7 - i;
				o[i] = (uint8_t)((p0 >> sh & 1) | (p1 >> sh & 1) << 1 |
						 (p2 >> sh & 1) << 2 |
						 (p3 >> sh & 1) << 3);
			}
		}
	}
}

/* Pixels of pel panning for AR13. */
static unsigned pel_pan(const struct vga *v, const struct geom *g)
{
	unsigned p = v->attr[0x13] & 0x0f;

	if (!g->graphics && g->char_w == 9)
		return p >= 8 ? 0 : p + 1;
	if (g->graphics && (v->gc[5] & 0x40))
		return (p & 7) / 2;
	return p & 7;
}

static void vga_line(const struct vga *v, const struct geom *g, unsigned y,
		     unsigned phase, const uint32_t pal[16], uint32_t *out)
{
	uint8_t px[VGA_FB_MAX_W + 16];
	unsigned s = y * g->vstep, line, pan = pel_pan(v, g);
	unsigned lc = v->crtc[0x18] | (v->crtc[7] & 0x10u) << 4 |
		      (v->crtc[9] & 0x40u) << 3;
	uint32_t start = (uint32_t)(v->crtc[0xc] << 8 | v->crtc[0xd]) +
			 ((v->crtc[8] >> 5) & 3u);
	uint32_t ma;

	if (s > lc) {
		/* Below the split: the address counter restarted at 0. */
		line = (s - lc - 1) / g->dbl;
		start = 0;
		if (v->attr[0x10] & 0x20)
			pan = 0;
	} else {
		line = s / g->dbl + (v->crtc[8] & 0x1fu);
	}
	ma = start + (line / g->cell) * v->crtc[0x13] * 2u;
	if (g->graphics)
		gfx_line(v, g, ma, line % g->cell, px);
	else
		text_line(v, g, ma, line % g->cell, phase, px);
	if (g->graphics && (v->gc[5] & 0x40)) {
		for (unsigned x = 0; x < g->w; x++)
			out[x] = vga_dac_rgb(v, px[x + pan]);
		return;
	}
	for (unsigned x = 0; x < g->w; x++)
		out[x] = pal[px[x + pan] & v->attr[0x12] & 0x0f];
}

static bool any_page_dirty(const struct vga *v)
{
	for (unsigned i = 0; i < sizeof(v->page_dirty) / 8; i++)
		if (v->page_dirty[i])
			return true;
	return false;
}

bool vga_render(struct vga *v, uint32_t *fb, unsigned *w, unsigned *h)
{
	static const uint32_t black[VGA_FB_MAX_W];
	uint32_t line[VGA_FB_MAX_W], pal[16];
	unsigned phase = blink_phase(v);
	bool vbe = vga_vbe_on(v), blank, full;
	struct geom g;

	if (vbe) {
		vga_vbe_size(v, w, h);
		memset(&g, 0, sizeof(g));
	} else {
		vga_geom(v, &g);
		*w = g.w;
		*h = g.h;
	}
	full = *w != v->last_w || *h != v->last_h;
	v->dirty_y0 = v->dirty_y1 = 0;
	if (!full && !v->regs_dirty && phase == v->last_phase &&
	    !any_page_dirty(v))
		return false;
	blank = !vbe && (!(v->attr_idx & 0x20) || (v->seq[1] & 0x20));
	vga_attr_palette(v, pal);

	bool changed = false;
	for (unsigned y = 0; y < *h; y++) {
		const uint32_t *src = line;
		uint32_t *dst = fb + (size_t)y * *w;

		if (blank)
			src = black;
		else if (vbe)
			vga_vbe_line(v, y, line);
		else
			vga_line(v, &g, y, phase, pal, line);
		if (!full && !memcmp(dst, src, *w * sizeof(*dst)))
			continue;
		memcpy(dst, src, *w * sizeof(*dst));
		if (!changed)
			v->dirty_y0 = y;
		v->dirty_y1 = y + 1;
		changed = true;
	}
	v->last_w = *w;
	v->last_h = *h;
	v->last_phase = phase;
	v->regs_dirty = false;
	memset(v->page_dirty, 0, sizeof(v->page_dirty));
	return changed;
}

bool vga_dirty_rows(const struct vga *v, unsigned *y0, unsigned *y1)
{
	*y0 = v->dirty_y0;
	*y1 = v->dirty_y1;
	return v->dirty_y1 > v->dirty_y0;
}
