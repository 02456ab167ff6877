/* devices/vga_vbe.c: the Bochs VBE "dispi" interface and the LFB.
 *
 * What the SeaBIOS VGA BIOS (vgabios-stdvga.bin, bochsvga.c) drives: the
 * ID handshake (0xB0C0..0xB0C5), GETCAPS for the maximum mode, resolution
 * and depth, ENABLE with LFB/NOCLEARMEM/8BIT_DAC, a 64 KiB bank for the
 * 0xA0000 window, the virtual width/height and display offsets. The whole
 * VRAM is the linear framebuffer in BAR0 (it finds it there, as with QEMU's
 * `-vga std`).
 */
#include "devices/vga.h"

#include <string.h>

#include "core/bus.h"
#include "core/machine.h"

bool vga_vbe_on(const struct vga *v)
{
	return v->vbe[VBE_INDEX_ENABLE] & VBE_ENABLED;
}

unsigned vga_vbe_bpp(const struct vga *v)
{
	return v->vbe[VBE_INDEX_BPP];
}

static unsigned vbe_bytes_pp(const struct vga *v)
{
	return (v->vbe[VBE_INDEX_BPP] + 7u) / 8;
}

/* Bytes per scan line of the virtual screen. */
static uint32_t vbe_line_bytes(const struct vga *v)
{
	uint32_t vw = v->vbe[VBE_INDEX_VIRT_WIDTH];

	return vga_vbe_bpp(v) == 4 ? vw / 2 : vw * vbe_bytes_pp(v);
}

static uint32_t vbe_start(const struct vga *v)
{
	uint32_t x = v->vbe[VBE_INDEX_X_OFFSET];
	uint32_t off = vga_vbe_bpp(v) == 4 ? x / 2 : x * vbe_bytes_pp(v);

	return v->vbe[VBE_INDEX_Y_OFFSET] * vbe_line_bytes(v) + off;
}

uint32_t vga_vbe_bank_offset(const struct vga *v)
{
	return vga_vbe_on(v) ? (uint32_t)v->vbe[VBE_INDEX_BANK] << 16 : 0;
}

void vga_vbe_reset(struct vga *v)
{
	memset(v->vbe, 0, sizeof(v->vbe));
	v->vbe_idx = 0;
	v->vbe[VBE_INDEX_ID] = VBE_ID0;
	v->vbe[VBE_INDEX_BPP] = 8;
	v->vbe[VBE_INDEX_XRES] = 640;
	v->vbe[VBE_INDEX_YRES] = 480;
}

static bool bpp_valid(uint16_t bpp)
{
	return bpp == 4 || bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 ||
	       bpp == 32;
}

/* The virtual height is whatever VRAM holds at the virtual width. */
static void vbe_set_virt_width(struct vga *v, uint16_t vw)
{
	uint16_t old = v->vbe[VBE_INDEX_VIRT_WIDTH];
	uint32_t line, h;

	v->vbe[VBE_INDEX_VIRT_WIDTH] = vw;
	line = vbe_line_bytes(v);
	h = line ? VGA_VRAM_SIZE / line : 0;
	if (!line || h < v->vbe[VBE_INDEX_YRES]) {
		v->vbe[VBE_INDEX_VIRT_WIDTH] = old; /* does not fit: refused */
		return;
	}
	v->vbe[VBE_INDEX_VIRT_HEIGHT] = (uint16_t)(h > 0xffff ? 0xffff : h);
}

static void vbe_enable(struct vga *v, uint16_t val)
{
	uint16_t old = v->vbe[VBE_INDEX_ENABLE];

	if ((val & VBE_ENABLED) && !(old & VBE_ENABLED)) {
		v->vbe[VBE_INDEX_ENABLE] = val;
		v->vbe[VBE_INDEX_X_OFFSET] = 0;
		v->vbe[VBE_INDEX_Y_OFFSET] = 0;
		vbe_set_virt_width(v, v->vbe[VBE_INDEX_XRES]);
		if (v->vbe[VBE_INDEX_VIRT_WIDTH] != v->vbe[VBE_INDEX_XRES]) {
			/* The mode does not fit in VRAM: stay off. */
			v->vbe[VBE_INDEX_ENABLE] = old;
			log_debug(&v->m->log, VGA, "dispi: %ux%ux%u does not fit",
				  v->vbe[VBE_INDEX_XRES], v->vbe[VBE_INDEX_YRES],
				  v->vbe[VBE_INDEX_BPP]);
			return;
		}
		if (!(val & VBE_NOCLEARMEM)) {
			uint64_t n = (uint64_t)vbe_line_bytes(v) *
				     v->vbe[VBE_INDEX_YRES];
			memset(v->vram, 0, n);
			memset(v->page_dirty, 0xff, sizeof(v->page_dirty));
			memset(v->hash_dirty, 0xff, sizeof(v->hash_dirty));
	memset(v->hash_dirty, 0xff, sizeof(v->hash_dirty));
		}
	} else if (!(val & VBE_ENABLED)) {
		v->vbe[VBE_INDEX_BANK] = 0;
	}
	v->vbe[VBE_INDEX_ENABLE] = val;
}

void vga_vbe_write(struct vga *v, uint16_t val)
{
	uint16_t *r = v->vbe;
	bool on = vga_vbe_on(v);

	v->regs_dirty = true;
	switch (v->vbe_idx) {
	case VBE_INDEX_ID:
		if (val >= VBE_ID0 && val <= VBE_ID5)
			r[VBE_INDEX_ID] = val;
		break;
	case VBE_INDEX_XRES:
		/* Geometry is fixed while a mode is on (as Bochs). */
		if (!on && val && val <= VBE_MAX_XRES && !(val & 7))
			r[VBE_INDEX_XRES] = val;
		break;
	case VBE_INDEX_YRES:
		if (!on && val && val <= VBE_MAX_YRES)
			r[VBE_INDEX_YRES] = val;
		break;
	case VBE_INDEX_BPP:
		if (!val)
			val = 8;
		if (!on && bpp_valid(val))
			r[VBE_INDEX_BPP] = val;
		break;
	case VBE_INDEX_ENABLE:
		vbe_enable(v, val);
		break;
	case VBE_INDEX_BANK:
		r[VBE_INDEX_BANK] = val & ((VGA_VRAM_SIZE >> 16) - 1);
		break;
	case VBE_INDEX_VIRT_WIDTH:
		vbe_set_virt_width(v, val);
		break;
	case VBE_INDEX_X_OFFSET:
	case VBE_INDEX_Y_OFFSET:
		r[v->vbe_idx] = val;
		break;
	default:
		log_debug(&v->m->log, VGA, "dispi: write %#x to index %#x", val,
			  v->vbe_idx);
		break;
	}
}

uint16_t vga_vbe_read(struct vga *v)
{
	bool caps = v->vbe[VBE_INDEX_ENABLE] & VBE_GETCAPS;

	switch (v->vbe_idx) {
	case VBE_INDEX_XRES:
		return caps ? VBE_MAX_XRES : v->vbe[VBE_INDEX_XRES];
	case VBE_INDEX_YRES:
		return caps ? VBE_MAX_YRES : v->vbe[VBE_INDEX_YRES];
	case VBE_INDEX_BPP:
		return caps ? VBE_MAX_BPP : v->vbe[VBE_INDEX_BPP];
	case VBE_INDEX_VIDEO_MEMORY_64K:
		return VGA_VRAM_SIZE >> 16;
	default:
		return v->vbe_idx < VBE_NREGS ? v->vbe[v->vbe_idx] : 0;
	}
}

/* --- the linear framebuffer (BAR0) ---------------------------------------- */

static uint32_t lfb_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *v = opaque;
	uint32_t val = 0;

	for (unsigned i = 0; i < size; i++)
		val |= (uint32_t)v->vram[(offset + i) & (VGA_VRAM_SIZE - 1)]
		       << (8 * i);
	return val;
}

static void lfb_write(void *opaque, uint64_t offset, uint32_t val,
		      unsigned size)
{
	struct vga *v = opaque;

	for (unsigned i = 0; i < size; i++) {
		uint32_t a = (uint32_t)(offset + i) & (VGA_VRAM_SIZE - 1);
		v->vram[a] = (uint8_t)(val >> (8 * i));
		vga_mark(v, a);
	}
}

static const struct io_ops lfb_ops = {
	.read = lfb_read,
	.write = lfb_write,
};

void vga_vbe_map(struct vga *v)
{
	pci_register_bar_ops(&v->pci, 0, VGA_VRAM_SIZE, PCI_BAR_PREFETCH,
			     &lfb_ops, v, "vga-lfb");
}

/* --- frames ---------------------------------------------------------------- */

void vga_vbe_size(const struct vga *v, unsigned *w, unsigned *h)
{
	*w = v->vbe[VBE_INDEX_XRES];
	*h = v->vbe[VBE_INDEX_YRES];
}

static uint32_t rgb(unsigned r, unsigned g, unsigned b)
{
	return (uint32_t)r << 16 | (uint32_t)g << 8 | b;
}

void vga_vbe_line(const struct vga *v, unsigned y, uint32_t *out)
{
	unsigned w = v->vbe[VBE_INDEX_XRES], bpp = vga_vbe_bpp(v);
	uint32_t base = vbe_start(v) + y * vbe_line_bytes(v);
	const uint32_t mask = VGA_VRAM_SIZE - 1;
	const uint8_t *m = v->vram;
	uint32_t pal[16];

	if (bpp == 4)
		vga_attr_palette(v, pal);
	for (unsigned x = 0; x < w; x++) {
		uint32_t a, p;

		switch (bpp) {
		case 4: {
			/* Planar: eight pixels per plane byte. */
			uint32_t po = base / 4 + x / 8;
			unsigned bit = 7 - (x & 7), idx = 0;
			for (unsigned pl = 0; pl < 4; pl++)
				idx |= ((vga_plane_get(v, pl, po) >> bit) & 1u)
				       << pl;
			out[x] = pal[idx & v->attr[0x12] & 0x0f];
			break;
		}
		case 8:
			out[x] = vga_dac_rgb(v, m[(base + x) & mask]);
			break;
		case 15:
		case 16:
			a = base + x * 2;
			p = m[a & mask] | (uint32_t)m[(a + 1) & mask] << 8;
			if (bpp == 15)
				out[x] = rgb(((p >> 10) & 31) * 255 / 31,
					     ((p >> 5) & 31) * 255 / 31,
					     (p & 31) * 255 / 31);
			else
				out[x] = rgb(((p >> 11) & 31) * 255 / 31,
					     ((p >> 5) & 63) * 255 / 63,
					     (p & 31) * 255 / 31);
			break;
		case 24:
			a = base + x * 3;
			out[x] = rgb(m[(a + 2) & mask], m[(a + 1) & mask],
				     m[a & mask]);
			break;
		default:
			a = base + x * 4;
			out[x] = rgb(m[(a + 2) & mask], m[(a + 1) & mask],
				     m[a & mask]);
			break;
		}
	}
}
