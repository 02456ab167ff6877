/* devices/vga.c: the VGA device: creation, reset, state, the legacy memory
 * window, the PCI function (LFB BAR0, VGA BIOS expansion ROM) and the
 * CRTC's timing seen through input status 1.
 *
 * Retrace and display-enable are computed from virtual time and the CRTC
 * values whenever status 1 is read: no per-line events, and polling loops
 * see the same sequence on every run.
 */
#include "devices/vga.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "mmu/mem.h"

/* Mode 3 (80x25, 9x16 cell) as the VGA BIOS programs it: a machine without
 * a VGA BIOS (our own test guests) still has a text screen to dump. */
static const uint8_t mode3_seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_crtc[25] = {
	0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d,
	0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96,
	0xb9, 0xa3, 0xff,
};
static const uint8_t mode3_gc[9] = { 0x00, 0x00, 0x00, 0x00, 0x00,
				     0x10, 0x0e, 0x0f, 0xff };
static const uint8_t mode3_attr[21] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
	0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00,
};

static const struct state_field vga_fields[] = {
	STATE_FIELD(struct vga, misc),
	STATE_FIELD(struct vga, fcr),
	STATE_FIELD(struct vga, enable),
	STATE_FIELD(struct vga, seq_idx),
	STATE_FIELD(struct vga, seq),
	STATE_FIELD(struct vga, crtc_idx),
	STATE_FIELD(struct vga, crtc),
	STATE_FIELD(struct vga, gc_idx),
	STATE_FIELD(struct vga, gc),
	STATE_FIELD(struct vga, attr_idx),
	STATE_FIELD(struct vga, attr_ff),
	STATE_FIELD(struct vga, attr),
	STATE_FIELD(struct vga, pel_mask),
	STATE_FIELD(struct vga, dac_widx),
	STATE_FIELD(struct vga, dac_ridx),
	STATE_FIELD(struct vga, dac_sub),
	STATE_FIELD(struct vga, dac_state),
	STATE_FIELD(struct vga, dac_cache),
	STATE_FIELD(struct vga, dac),
	STATE_FIELD(struct vga, latch),
	STATE_FIELD(struct vga, vbe_idx),
	STATE_FIELD(struct vga, vbe),
	STATE_FIELD_PAGED(struct vga, vram, hash_dirty),
	STATE_END,
};

/* The EGA-compatible 64-colour palette the BIOS loads for text modes:
 * index bits are r g b R G B (secondary, then primary). */
static void dac_default(struct vga *v)
{
	for (unsigned i = 0; i < 64; i++) {
		uint8_t *c = &v->dac[i * 3];
		c[0] = (uint8_t)(((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15);
		c[1] = (uint8_t)(((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15);
		c[2] = (uint8_t)((i & 1) * 0x2a + ((i >> 3) & 1) * 0x15);
	}
}

void vga_reset(void *opaque)
{
	struct vga *v = opaque;

	v->misc = 0x67;
	v->fcr = 0;
	v->enable = 1;
	memset(v->seq, 0, sizeof(v->seq));
	memcpy(v->seq, mode3_seq, sizeof(mode3_seq));
	memset(v->crtc, 0, sizeof(v->crtc));
	memcpy(v->crtc, mode3_crtc, sizeof(mode3_crtc));
	memset(v->gc, 0, sizeof(v->gc));
	memcpy(v->gc, mode3_gc, sizeof(mode3_gc));
	memset(v->attr, 0, sizeof(v->attr));
	memcpy(v->attr, mode3_attr, sizeof(mode3_attr));
	v->seq_idx = v->crtc_idx = v->gc_idx = 0;
	v->attr_idx = 0x20;
	v->attr_ff = 0;
	v->pel_mask = 0xff;
	v->dac_widx = v->dac_ridx = v->dac_sub = v->dac_state = 0;
	memset(v->dac_cache, 0, sizeof(v->dac_cache));
	memset(v->dac, 0, sizeof(v->dac));
	dac_default(v);
	memset(v->latch, 0, sizeof(v->latch));
	memset(v->vram, 0, sizeof(v->vram));
	vga_vbe_reset(v);
	if (v->pci.bus)
		pci_dev_reset(&v->pci);
	v->regs_dirty = true;
	memset(v->page_dirty, 0xff, sizeof(v->page_dirty));
	memset(v->hash_dirty, 0xff, sizeof(v->hash_dirty));
}

void vga_destroy(void *opaque)
{
	struct vga *v = opaque;

	free(v->rom);
	free(v);
}

static void vga_post_load(void *opaque)
{
	struct vga *v = opaque;

	v->regs_dirty = true;
	memset(v->page_dirty, 0xff, sizeof(v->page_dirty));
	memset(v->hash_dirty, 0xff, sizeof(v->hash_dirty));
}

/* --- the memory window ------------------------------------------------- */

static uint32_t window_read(void *opaque, uint64_t offset, unsigned size)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < size; i++)
		val |= (uint32_t)vga_mem_read(opaque, (uint32_t)offset + i)
		       << (8 * i);
	return val;
}

static void window_write(void *opaque, uint64_t offset, uint32_t val,
			 unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		vga_mem_write(opaque, (uint32_t)offset + i,
			      (uint8_t)(val >> (8 * i)));
}

static const struct io_ops window_ops = {
	.read = window_read,
	.write = window_write,
};

/* --- PCI: the expansion ROM ------------------------------------------------ */

static uint32_t rom_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *v = opaque;
	uint32_t val = 0;

	for (unsigned i = 0; i < size; i++) {
		uint64_t o = offset + i;
		uint8_t b = o < v->rom_len ? v->rom[o] : 0xff;
		val |= (uint32_t)b << (8 * i);
	}
	return val;
}

static const struct io_ops rom_ops = { .read = rom_read };

static int vga_load_rom(struct vga *v, const char *path, char *err,
			size_t errlen)
{
	FILE *f = fopen(path, "rb");
	long len;

	if (!f) {
		snprintf(err, errlen, "VGA BIOS %s: %s (install seabios, or use --vga none)",
			 path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 512 ||
	    len > (1 << 20) || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		snprintf(err, errlen, "VGA BIOS %s: not an option ROM image",
			 path);
		return -1;
	}
	v->rom = xcalloc(1, (size_t)len);
	if (fread(v->rom, 1, (size_t)len, f) != (size_t)len ||
	    v->rom[0] != 0x55 || v->rom[1] != 0xaa) {
		fclose(f);
		snprintf(err, errlen, "VGA BIOS %s: not an option ROM image",
			 path);
		return -1;
	}
	fclose(f);
	v->rom_len = (uint32_t)len;
	v->rom_bar_size = 0x800;
	while (v->rom_bar_size < v->rom_len)
		v->rom_bar_size <<= 1;
	return 0;
}

struct vga *vga_create(struct machine *m, struct pci_bus *pci,
		       const char *rom_path, char *err, size_t errlen)
{
	struct vga *v = xcalloc(1, sizeof(*v));

	v->m = m;
	if (pci && rom_path && vga_load_rom(v, rom_path, err, errlen)) {
		vga_destroy(v);
		return NULL;
	}
	if (vga_regs_map(v)) {
		snprintf(err, errlen, "vga: ports 0x3b0-0x3df or 0x1ce are taken");
		vga_destroy(v);
		return NULL;
	}
	/* RAM behind the window is hidden; the i440FX shows it again only
	 * while SMRAM is open. */
	if (mem_add_mmio(m->mem, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, "vga") ||
	    bus_map_mmio(m->bus, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, &window_ops,
			 v, "vga")) {
		snprintf(err, errlen, "vga: the 0xa0000 window is taken");
		vga_destroy(v);
		return NULL;
	}
	if (pci) {
		pci_dev_init(&v->pci, "vga", 0x1234, 0x1111, 0x02, 0x030000);
		v->pci.opaque = v;
		vga_vbe_map(v);
		if (v->rom)
			pci_register_bar_ops(&v->pci, PCI_ROM_BAR,
					     v->rom_bar_size, 0, &rom_ops, v,
					     "vga-rom");
		if (pci_add_dev(pci, &v->pci, 2, 0)) {
			snprintf(err, errlen, "vga: PCI slot 2 is taken");
			vga_destroy(v);
			return NULL;
		}
	}
	vga_reset(v);
	state_add_hooked(&m->state, "vga", vga_fields, v, NULL, vga_post_load,
			 v);
	machine_add_device(m, "vga", v, vga_reset, vga_destroy);
	return v;
}

/* --- timing -------------------------------------------------------------- */

void vga_timing(const struct vga *v, struct vga_timing *t)
{
	const uint8_t *cr = v->crtc;
	unsigned vre;

	t->dotclk = ((v->misc >> 2) & 3) == 1 ? 28322000 : 25175000;
	t->char_dots = (v->seq[1] & 1) ? 8 : 9;
	if (v->seq[1] & 0x08)
		t->char_dots *= 2; /* dot clock / 2 */
	t->htotal = cr[0] + 5u;
	t->hde = cr[1] + 1u;
	t->vtotal = (cr[6] | (cr[7] & 1u) << 8 | (cr[7] & 0x20u) << 4) + 2u;
	t->vde = (cr[0x12] | (cr[7] & 2u) << 7 | (cr[7] & 0x40u) << 3) + 1u;
	t->vrs = cr[0x10] | (cr[7] & 4u) << 6 | (cr[7] & 0x80u) << 2;
	vre = cr[0x11] & 0x0fu;
	t->vrlen = (vre - t->vrs) & 0x0fu;
	if (!t->vrlen)
		t->vrlen = 16;
	/* Nonsense timing (mid-reprogramming, or never set): the standard
	 * 31.5 kHz / 70 Hz frame instead. */
	if (t->htotal < t->hde || t->vtotal < t->vde || t->vtotal < 2 ||
	    t->vrs >= t->vtotal) {
		t->dotclk = 25175000;
		t->char_dots = 8;
		t->htotal = 100;
		t->hde = 80;
		t->vtotal = 449;
		t->vde = 400;
		t->vrs = 412;
		t->vrlen = 2;
	}
}

uint64_t vga_frame_ns(const struct vga *v)
{
	struct vga_timing t;

	vga_timing(v, &t);
	uint64_t dots = (uint64_t)t.htotal * t.char_dots * t.vtotal;
	return dots * 1000000000ull / t.dotclk;
}

uint8_t vga_input_status1(struct vga *v)
{
	struct vga_timing t;
	uint64_t now = clock_now(&v->m->clock), dots, line_dots, pos;
	unsigned line, cclk;
	uint8_t val = 0;

	vga_timing(v, &t);
	/* Dots since power-on, exactly, without overflowing. */
	dots = (now / 1000000000ull) * t.dotclk +
	       (now % 1000000000ull) * t.dotclk / 1000000000ull;
	line_dots = (uint64_t)t.htotal * t.char_dots;
	pos = dots % (line_dots * t.vtotal);
	line = (unsigned)(pos / line_dots);
	cclk = (unsigned)(pos % line_dots / t.char_dots);
	if (line >= t.vrs && line < t.vrs + t.vrlen)
		val |= 0x08;
	if (line >= t.vde || cclk >= t.hde)
		val |= 0x01; /* not in the active display */
	return val;
}

/* --- text screen view ------------------------------------------------------ */

bool vga_text_info(const struct vga *v, struct vga_text_info *ti)
{
	struct vga_timing t;
	unsigned cell, scan, start, cur;

	if (vga_vbe_on(v) || (v->gc[6] & 1))
		return false;
	vga_timing(v, &t);
	cell = (v->crtc[9] & 0x1fu) + 1;
	scan = (v->crtc[9] & 0x80) ? 2 : 1;
	ti->cols = v->crtc[1] + 1u;
	ti->rows = t.vde / (cell * scan);
	if (!ti->rows)
		ti->rows = 1;
	start = (unsigned)(v->crtc[0xc] << 8 | v->crtc[0xd]);
	cur = (unsigned)(v->crtc[0xe] << 8 | v->crtc[0xf]);
	unsigned stride = v->crtc[0x13] * 2u;
	unsigned rel = (cur - start) & 0xffff;
	ti->cursor_row = stride ? rel / stride : 0;
	ti->cursor_col = stride ? rel % stride : rel;
	ti->cursor_visible = !(v->crtc[0xa] & 0x20) &&
			     ti->cursor_row < ti->rows &&
			     ti->cursor_col < ti->cols;
	return true;
}

void vga_text_cell(const struct vga *v, unsigned col, unsigned row,
		   uint8_t *ch, uint8_t *attr)
{
	unsigned start = (unsigned)(v->crtc[0xc] << 8 | v->crtc[0xd]);
	uint32_t ma = start + row * v->crtc[0x13] * 2u + col;
	uint32_t a = vga_crtc_addr(v, ma, 0);

	*ch = vga_plane_get(v, 0, a);
	*attr = vga_plane_get(v, 1, a);
}
