/* devices/vga_mem.c: the 0xA0000-0xBFFFF window onto the four planes.
 *
 * Addressing: chain-4 (SR04 bit 3) takes the plane from CPU address bits
 * 0-1 and keeps the address as is, so mode 13h pixel a sits in plane a&3
 * at offset a&~3 (the CRTC's doubleword mode scans exactly those); odd/even
 * (SR04 bit 2 clear for writes, GR05 bit 4 for reads) takes it from bit 0;
 * otherwise the map mask (writes) and read map select (reads) decide.
 * Every read loads the four latches; writes go through the graphics
 * controller's rotate, set/reset, logical op and bit mask (write modes
 * 0-3). With dispi on, the window is a 64 KiB bank of linear VRAM.
 */
#include "devices/vga.h"

#include "core/bus.h"

/* Offset of a window address inside the memory map GR06 selects, or -1
 * if the map does not decode it. */
static int32_t window_offset(const struct vga *v, uint32_t addr)
{
	switch ((v->gc[6] >> 2) & 3) {
	case 0:
		return (int32_t)addr;
	case 1:
		return addr < 0x10000 ? (int32_t)addr : -1;
	case 2:
		return addr >= 0x10000 && addr < 0x18000 ?
			       (int32_t)(addr - 0x10000) : -1;
	default:
		return addr >= 0x18000 ? (int32_t)(addr - 0x18000) : -1;
	}
}

static void load_latches(struct vga *v, uint32_t off)
{
	for (unsigned p = 0; p < 4; p++)
		v->latch[p] = *vga_plane(v, p, off);
}

/* dispi packed modes see linear VRAM through a 64 KiB bank. */
static bool vbe_linear_window(const struct vga *v)
{
	return vga_vbe_on(v) && vga_vbe_bpp(v) != 4;
}

uint8_t vga_mem_read(struct vga *v, uint32_t addr)
{
	uint32_t off, plane;
	int32_t w;

	if (vbe_linear_window(v)) {
		if (addr >= 0x10000)
			return 0xff;
		return v->vram[(vga_vbe_bank_offset(v) + addr) &
			       (VGA_VRAM_SIZE - 1)];
	}
	w = window_offset(v, addr);
	if (w < 0 || !(v->misc & 0x02))
		return 0xff;
	off = (uint32_t)w;
	if (v->seq[4] & 0x08) {
		plane = off & 3;
		off &= ~3u;
	} else if (v->gc[5] & 0x10) {
		plane = (v->gc[4] & 2) | (off & 1);
		off &= ~1u;
	} else {
		plane = v->gc[4] & 3;
	}
	off = vga_vbe_on(v) ? off + vga_vbe_bank_offset(v) : off & 0xffff;
	load_latches(v, off);
	if (!(v->gc[5] & 0x08))
		return v->latch[plane];
	/* Read mode 1: a 1 where every plane the colour don't care register
	 * includes matches the colour compare register. */
	uint8_t diff = 0;
	for (unsigned p = 0; p < 4; p++) {
		if (!(v->gc[7] & (1u << p)))
			continue;
		uint8_t want = (v->gc[2] & (1u << p)) ? 0xff : 0x00;
		diff |= v->latch[p] ^ want;
	}
	return (uint8_t)~diff;
}

static uint8_t ror8(uint8_t val, unsigned n)
{
	n &= 7;
	return n ? (uint8_t)((val >> n) | (val << (8 - n))) : val;
}

static void plane_store(struct vga *v, unsigned p, uint32_t off, uint8_t val)
{
	uint8_t *b = vga_plane(v, p, off);

	if (*b != val) {
		*b = val;
		vga_mark(v, (uint32_t)(b - v->vram));
	}
}

void vga_mem_write(struct vga *v, uint32_t addr, uint8_t val)
{
	uint32_t off;
	uint8_t planes = v->seq[2] & 0x0f;
	int32_t w;

	if (vbe_linear_window(v)) {
		if (addr < 0x10000) {
			uint32_t i = (vga_vbe_bank_offset(v) + addr) &
				     (VGA_VRAM_SIZE - 1);
			v->vram[i] = val;
			vga_mark(v, i);
		}
		return;
	}
	w = window_offset(v, addr);
	if (w < 0 || !(v->misc & 0x02))
		return;
	off = (uint32_t)w;
	if (v->seq[4] & 0x08) {
		/* Chain-4 stores the byte as is, to the one plane. */
		uint32_t p = off & 3;
		off = vga_vbe_on(v) ? (off & ~3u) + vga_vbe_bank_offset(v)
				    : off & 0xfffc;
		if (planes & (1u << p))
			plane_store(v, p, off, val);
		return;
	}
	if (!(v->seq[4] & 0x04)) {
		/* Odd/even: even addresses reach planes 0/2, odd ones 1/3. */
		planes &= (off & 1) ? 0x0a : 0x05;
		off &= ~1u;
	}
	off = vga_vbe_on(v) ? off + vga_vbe_bank_offset(v) : off & 0xffff;

	uint8_t data[4], bitmask = v->gc[8];
	uint8_t sr = v->gc[0], esr = v->gc[1];
	unsigned mode = v->gc[5] & 3;

	switch (mode) {
	case 0:
		val = ror8(val, v->gc[3]);
		for (unsigned p = 0; p < 4; p++)
			data[p] = (esr & (1u << p)) ?
					  ((sr & (1u << p)) ? 0xff : 0x00) : val;
		break;
	case 1:
		/* The latches go back unchanged: a fast planar copy. */
		for (unsigned p = 0; p < 4; p++)
			if (planes & (1u << p))
				plane_store(v, p, off, v->latch[p]);
		return;
	case 2:
		for (unsigned p = 0; p < 4; p++)
			data[p] = (val & (1u << p)) ? 0xff : 0x00;
		break;
	default:
		bitmask &= ror8(val, v->gc[3]);
		for (unsigned p = 0; p < 4; p++)
			data[p] = (sr & (1u << p)) ? 0xff : 0x00;
		break;
	}
	for (unsigned p = 0; p < 4; p++) {
		uint8_t d = data[p], l = v->latch[p];

		if (!(planes & (1u << p)))
			continue;
		switch ((v->gc[3] >> 3) & 3) {
		case 1:
			d &= l;
			break;
		case 2:
			d |= l;
			break;
		case 3:
			d ^= l;
			break;
		default:
			break;
		}
		plane_store(v, p, off, (uint8_t)((d & bitmask) | (l & ~bitmask)));
	}
}
