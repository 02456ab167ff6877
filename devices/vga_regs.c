/* devices/vga_regs.c: the VGA register file at 0x3B0-0x3DF.
 *
 * The CRTC, input status 1 and the feature control write port move
 * between 0x3Bx (mono) and 0x3Dx (colour) with misc output bit 0; the
 * other set does not decode. Reading input status 1 resets the attribute
 * controller's index/data flip-flop, which is how software finds its
 * footing on 0x3C0.
 */
#include "devices/vga.h"

#include <string.h>

#include "core/bus.h"
#include "core/machine.h"

#define VGA_PORT_BASE 0x3b0
#define VGA_NPORTS 0x30

/* Bits each register keeps (the rest read as zero). */
static const uint8_t seq_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e };
static const uint8_t gc_mask[16] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b,
				     0x0f, 0x0f, 0xff };

static bool vga_mono(const struct vga *v)
{
	return !(v->misc & 1);
}

/* Is this 0x3Bx/0x3Dx port the one the current I/O address select uses? */
static bool vga_port_live(const struct vga *v, uint16_t port)
{
	if (port >= 0x3b0 && port < 0x3c0)
		return vga_mono(v);
	if (port >= 0x3d0)
		return !vga_mono(v);
	return true;
}

static void crtc_write(struct vga *v, uint8_t val)
{
	uint8_t i = v->crtc_idx;

	if (i >= sizeof(v->crtc))
		return;
	/* CR11 bit 7 protects CR00-CR07, but not the line compare bit 8 in
	 * CR07: split-screen code relies on that. */
	if ((v->crtc[0x11] & 0x80) && i <= 7) {
		if (i == 7)
			v->crtc[7] = (uint8_t)((v->crtc[7] & ~0x10) | (val & 0x10));
		return;
	}
	v->crtc[i] = val;
}

static void attr_write(struct vga *v, uint8_t val)
{
	if (!v->attr_ff) {
		v->attr_idx = val & 0x3f;
		v->attr_ff = 1;
		return;
	}
	v->attr_ff = 0;
	uint8_t i = v->attr_idx & 0x1f;
	switch (i) {
	case 0x00 ... 0x0f:
		v->attr[i] = val & 0x3f;
		break;
	case 0x10:
		v->attr[i] = val & 0xef;
		break;
	case 0x11:
		v->attr[i] = val;
		break;
	case 0x12:
		v->attr[i] = val & 0x3f;
		break;
	case 0x13:
	case 0x14:
		v->attr[i] = val & 0x0f;
		break;
	default:
		break;
	}
}

static void dac_write(struct vga *v, uint8_t val)
{
	bool wide = vga_vbe_on(v) && (v->vbe[VBE_INDEX_ENABLE] & VBE_8BIT_DAC);

	v->dac_cache[v->dac_sub++] = wide ? val : (val & 0x3f);
	if (v->dac_sub == 3) {
		memcpy(&v->dac[v->dac_widx * 3], v->dac_cache, 3);
		v->dac_widx++;
		v->dac_sub = 0;
	}
}

static uint8_t dac_read(struct vga *v)
{
	uint8_t val = v->dac[v->dac_ridx * 3 + v->dac_sub];

	if (++v->dac_sub == 3) {
		v->dac_sub = 0;
		v->dac_ridx++;
	}
	return val;
}

static uint8_t vga_port_read(struct vga *v, uint16_t port)
{
	if (!vga_port_live(v, port))
		return 0xff;
	switch (port) {
	case 0x3c0:
		return v->attr_idx;
	case 0x3c1:
		return (v->attr_idx & 0x1f) < 0x15 ? v->attr[v->attr_idx & 0x1f]
						   : 0;
	case 0x3c2:
		return 0x00; /* input status 0: no switch sense, no CRT irq */
	case 0x3c3:
		return v->enable;
	case 0x3c4:
		return v->seq_idx;
	case 0x3c5:
		return v->seq[v->seq_idx & 7];
	case 0x3c6:
		return v->pel_mask;
	case 0x3c7:
		return v->dac_state;
	case 0x3c8:
		return v->dac_widx;
	case 0x3c9:
		return dac_read(v);
	case 0x3ca:
		return v->fcr;
	case 0x3cc:
		return v->misc;
	case 0x3ce:
		return v->gc_idx;
	case 0x3cf:
		return v->gc[v->gc_idx & 15];
	case 0x3b4:
	case 0x3d4:
		return v->crtc_idx;
	case 0x3b5:
	case 0x3d5:
		return v->crtc_idx < sizeof(v->crtc) ? v->crtc[v->crtc_idx]
						     : 0xff;
	case 0x3ba:
	case 0x3da:
		v->attr_ff = 0;
		return vga_input_status1(v);
	default:
		log_debug(&v->m->log, VGA, "read of port %#x", port);
		return 0xff;
	}
}

static void vga_port_write(struct vga *v, uint16_t port, uint8_t val)
{
	if (!vga_port_live(v, port))
		return;
	v->regs_dirty = true;
	switch (port) {
	case 0x3c0:
		attr_write(v, val);
		break;
	case 0x3c2:
		v->misc = val;
		break;
	case 0x3c3:
		v->enable = val & 1;
		break;
	case 0x3c4:
		v->seq_idx = val & 7;
		break;
	case 0x3c5:
		v->seq[v->seq_idx & 7] = val & seq_mask[v->seq_idx & 7];
		break;
	case 0x3c6:
		v->pel_mask = val;
		break;
	case 0x3c7:
		v->dac_ridx = val;
		v->dac_sub = 0;
		v->dac_state = 3;
		break;
	case 0x3c8:
		v->dac_widx = val;
		v->dac_sub = 0;
		v->dac_state = 0;
		break;
	case 0x3c9:
		dac_write(v, val);
		break;
	case 0x3ce:
		v->gc_idx = val & 15;
		break;
	case 0x3cf:
		v->gc[v->gc_idx & 15] = val & gc_mask[v->gc_idx & 15];
		break;
	case 0x3b4:
	case 0x3d4:
		v->crtc_idx = val;
		break;
	case 0x3b5:
	case 0x3d5:
		crtc_write(v, val);
		break;
	case 0x3ba:
	case 0x3da:
		v->fcr = val & 0x03;
		break;
	default:
		log_debug(&v->m->log, VGA, "write %#x to port %#x", val, port);
		break;
	}
}

/* A word access (out dx, ax to 0x3C4 and the like) is index then data. */
static uint32_t vga_io_read(void *opaque, uint64_t offset, unsigned size)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < size; i++)
		val |= (uint32_t)vga_port_read(opaque, (uint16_t)(VGA_PORT_BASE +
							   offset + i))
		       << (8 * i);
	return val;
}

static void vga_io_write(void *opaque, uint64_t offset, uint32_t val,
			 unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		vga_port_write(opaque, (uint16_t)(VGA_PORT_BASE + offset + i),
			       (uint8_t)(val >> (8 * i)));
}

static const struct io_ops vga_io_ops = {
	.read = vga_io_read,
	.write = vga_io_write,
};

/* dispi: 16-bit index at 0x1CE, data at 0x1CF. The range reaches 0x1D0
 * so that a word access at 0x1CF arrives whole. */
static uint32_t vbe_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *v = opaque;

	if (offset == 0)
		return v->vbe_idx;
	return offset == 1 ? vga_vbe_read(v) : 0xff;
}

static void vbe_io_write(void *opaque, uint64_t offset, uint32_t val,
			 unsigned size)
{
	struct vga *v = opaque;

	if (offset == 0)
		v->vbe_idx = (uint16_t)val;
	else if (offset == 1)
		vga_vbe_write(v, (uint16_t)val);
}

static const struct io_ops vbe_io_ops = {
	.read = vbe_io_read,
	.write = vbe_io_write,
};

int vga_regs_map(struct vga *v)
{
	if (bus_map_ports(v->m->bus, VGA_PORT_BASE, VGA_NPORTS, &vga_io_ops,
			  v, "vga"))
		return -1;
	if (bus_map_ports(v->m->bus, VBE_PORT_INDEX, 3, &vbe_io_ops, v,
			  "vga-dispi")) {
		bus_unmap_ports(v->m->bus, VGA_PORT_BASE);
		return -1;
	}
	return 0;
}
