/* devices/dma.c: two Intel 8237A DMA controllers as wired in the PC/AT.
 *
 * Transfers are done synchronously when a device calls dma_transfer: the
 * emulated devices know when they have data, so demand, single and block
 * modes all move what the device offers. On the AT, 16-bit channels
 * address words: the address register is shifted left one bit and page
 * bit 0 is ignored. The address counter wraps inside its 64 KiB (128 KiB)
 * window; the page register never carries.
 */
#include "devices/dma.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "mmu/mem.h"

/* Page register (low nibble of its port) for each channel. */
static const uint8_t dma_page_port[8] = {
	0x7, 0x3, 0x1, 0x2, 0xf, 0xb, 0x9, 0xa
};

static const struct state_field dma_fields[] = {
	STATE_FIELD(struct dma, c),
	STATE_FIELD(struct dma, page),
	STATE_FIELD(struct dma, dreq),
	STATE_FIELD(struct dma, eop),
	STATE_END
};

static void dma_master_clear(struct dma_ctrl *c)
{
	c->command = 0;
	c->status = 0;
	c->request = 0;
	c->temp = 0;
	c->flipflop = 0;
	c->mask = 0xf;
}

static uint8_t dma_reg_read(struct dma *d, unsigned ci, unsigned reg)
{
	struct dma_ctrl *c = &d->c[ci];

	if (reg < 8) {
		const struct dma_chan *ch = &c->ch[reg >> 1];
		uint16_t v = (reg & 1) ? ch->cur_count : ch->cur_addr;
		uint8_t b = (uint8_t)(c->flipflop ? v >> 8 : v);
		c->flipflop ^= 1;
		return b;
	}
	switch (reg) {
	case 8: { /* status: TC bits clear on read */
		unsigned req = (c->request | (d->dreq >> (4 * ci))) & 0xfu;
		uint8_t v = (uint8_t)((c->status & 0xfu) | (req << 4));
		c->status = 0;
		return v;
	}
	case 13:
		return c->temp;
	case 15: /* write-only on the 8237A; later chipsets read the mask */
		return 0xf0 | c->mask;
	default:
		return 0xff;
	}
}

static void dma_reg_write(struct dma *d, unsigned ci, unsigned reg,
			  uint8_t val)
{
	struct dma_ctrl *c = &d->c[ci];
	unsigned n = val & 3u;

	if (reg < 8) {
		struct dma_chan *ch = &c->ch[reg >> 1];
		uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_addr;
		uint16_t *cur = (reg & 1) ? &ch->cur_count : &ch->cur_addr;
		if (c->flipflop)
			*base = (uint16_t)((*base & 0x00ffu) | (val << 8));
		else
			*base = (uint16_t)((*base & 0xff00u) | val);
		*cur = *base;
		c->flipflop ^= 1;
		return;
	}
	switch (reg) {
	case 8:
		c->command = val;
		if (val & 1)
			log_debug(&d->m->log, DMA,
				  "memory-to-memory mode is not supported");
		break;
	case 9:
		if (val & 4)
			c->request |= (uint8_t)(1u << n);
		else
			c->request &= (uint8_t)~(1u << n);
		break;
	case 10:
		if (val & 4)
			c->mask |= (uint8_t)(1u << n);
		else
			c->mask &= (uint8_t)~(1u << n);
		break;
	case 11:
		c->ch[n].mode = val;
		break;
	case 12:
		c->flipflop = 0;
		break;
	case 13:
		dma_master_clear(c);
		break;
	case 14:
		c->mask = 0;
		break;
	case 15:
		c->mask = val & 0xfu;
		break;
	}
}

static uint32_t dma1_read(void *opaque, uint64_t offset, unsigned size)
{
	return dma_reg_read(opaque, 0, (unsigned)offset);
}

static void dma1_write(void *opaque, uint64_t offset, uint32_t val,
		       unsigned size)
{
	dma_reg_write(opaque, 0, (unsigned)offset, (uint8_t)val);
}

/* DMA2 decodes A1-A4 only: an odd port reads as the even one below. */
static uint32_t dma2_read(void *opaque, uint64_t offset, unsigned size)
{
	return dma_reg_read(opaque, 1, (unsigned)offset >> 1);
}

static void dma2_write(void *opaque, uint64_t offset, uint32_t val,
		       unsigned size)
{
	dma_reg_write(opaque, 1, (unsigned)offset >> 1, (uint8_t)val);
}

/* Mapped from 0x81: offset 0 is page port 1. */
static uint32_t dma_page_read(void *opaque, uint64_t offset, unsigned size)
{
	struct dma *d = opaque;
	return d->page[(offset + 1) & 0xfu];
}

static void dma_page_write(void *opaque, uint64_t offset, uint32_t val,
			   unsigned size)
{
	struct dma *d = opaque;
	d->page[(offset + 1) & 0xfu] = (uint8_t)val;
}

static const struct io_ops dma1_ops = {
	.read = dma1_read,
	.write = dma1_write,
};
static const struct io_ops dma2_ops = {
	.read = dma2_read,
	.write = dma2_write,
};
static const struct io_ops dma_page_ops = {
	.read = dma_page_read,
	.write = dma_page_write,
};

bool dma_ready(const struct dma *d, unsigned chn)
{
	if (chn >= 8)
		return false;
	const struct dma_ctrl *c = &d->c[chn >> 2];
	unsigned n = chn & 3u;
	if ((c->mask & (1u << n)) || (c->command & 4))
		return false;
	if ((c->ch[n].mode & 0xc0u) == DMA_MODE_CASCADE)
		return false;
	/* DMA1 reaches the bus only through DMA2's channel 4. */
	if (chn < 4 && ((d->c[1].mask & 1) || (d->c[1].command & 4)))
		return false;
	return true;
}

size_t dma_transfer(struct dma *d, unsigned chn, void *buf, size_t len,
		    bool to_memory)
{
	if (chn >= 8)
		return 0;
	d->eop &= (uint8_t)~(1u << chn);
	if (!dma_ready(d, chn))
		return 0;

	struct dma_ctrl *c = &d->c[chn >> 2];
	unsigned n = chn & 3u;
	struct dma_chan *ch = &c->ch[n];
	bool wide = chn >= 4;
	size_t unit = wide ? 2 : 1;
	unsigned type = ch->mode & 0x0cu;
	uint32_t page = d->page[dma_page_port[chn]];
	uint8_t *p = buf;
	bool move = (type == DMA_MODE_WRITE && to_memory) ||
		    (type == DMA_MODE_READ && !to_memory);

	if (!move && type != DMA_MODE_VERIFY)
		log_debug(&d->m->log, DMA,
			  "channel %u mode %#x disagrees with the device",
			  chn, ch->mode);
	size_t done = 0;
	while (done + unit <= len) {
		uint32_t pa = wide ? ((page & 0xfeu) << 16) |
				     ((uint32_t)ch->cur_addr << 1) :
				     (page << 16) | ch->cur_addr;
		if (move && type == DMA_MODE_WRITE)
			mem_write(d->m->mem, pa, p + done, unit);
		else if (move)
			mem_read(d->m->mem, pa, p + done, unit);
		done += unit;
		ch->cur_addr = (uint16_t)((ch->mode & DMA_MODE_DECREMENT) ?
					  ch->cur_addr - 1u :
					  ch->cur_addr + 1u);
		if (ch->cur_count-- != 0)
			continue;
		/* Terminal count: the count went from 0 to 0xFFFF. */
		c->status |= (uint8_t)(1u << n);
		c->request &= (uint8_t)~(1u << n);
		d->eop |= (uint8_t)(1u << chn);
		if (!(ch->mode & DMA_MODE_AUTOINIT)) {
			c->mask |= (uint8_t)(1u << n);
			break;
		}
		ch->cur_addr = ch->base_addr;
		ch->cur_count = ch->base_count;
	}
	return done;
}

bool dma_tc(const struct dma *d, unsigned chn)
{
	return chn < 8 && (d->eop & (1u << chn));
}

void dma_set_dreq(struct dma *d, unsigned chn, bool level)
{
	if (chn >= 8)
		return;
	if (level)
		d->dreq |= (uint8_t)(1u << chn);
	else
		d->dreq &= (uint8_t)~(1u << chn);
}

void dma_reset(void *opaque)
{
	struct dma *d = opaque;

	for (unsigned i = 0; i < 2; i++) {
		for (unsigned n = 0; n < 4; n++)
			d->c[i].ch[n] = (struct dma_chan){ 0 };
		dma_master_clear(&d->c[i]);
	}
	for (unsigned i = 0; i < 16; i++)
		d->page[i] = 0;
	d->eop = 0;
}

static void dma_destroy(void *opaque)
{
	free(opaque);
}

struct dma *dma_create(struct machine *m)
{
	struct dma *d = xcalloc(1, sizeof(*d));

	d->m = m;
	bus_map_ports(m->bus, 0x00, 16, &dma1_ops, d, "dma1");
	bus_map_ports(m->bus, 0xc0, 32, &dma2_ops, d, "dma2");
	bus_map_ports(m->bus, 0x81, 15, &dma_page_ops, d, "dma-page");
	dma_reset(d);
	state_add(&m->state, "dma", dma_fields, d);
	machine_add_device(m, "dma", d, dma_reset, dma_destroy);
	return d;
}
