/* devices/dp8390.c: the DP8390 NIC core (see dp8390.h). */
#include "devices/dp8390.h"

#include <string.h>

#include "core/machine.h"

/* 10 Mbit/s: 800 ns a byte on the wire. */
#define DP_NS_PER_BYTE 800u
/* Preamble + SFD, FCS, inter-frame gap. */
#define DP_WIRE_OVERHEAD (8u + 4u + 12u)
/* Tally counters stop here (datasheet: they saturate at 192). */
#define DP_CNTR_MAX 192u

const struct state_field dp8390_fields[] = {
	STATE_FIELD(struct dp8390, cr),
	STATE_FIELD(struct dp8390, isr),
	STATE_FIELD(struct dp8390, imr),
	STATE_FIELD(struct dp8390, dcr),
	STATE_FIELD(struct dp8390, tcr),
	STATE_FIELD(struct dp8390, rcr),
	STATE_FIELD(struct dp8390, tsr),
	STATE_FIELD(struct dp8390, rsr),
	STATE_FIELD(struct dp8390, pstart),
	STATE_FIELD(struct dp8390, pstop),
	STATE_FIELD(struct dp8390, bnry),
	STATE_FIELD(struct dp8390, curr),
	STATE_FIELD(struct dp8390, tpsr),
	STATE_FIELD(struct dp8390, tbcr),
	STATE_FIELD(struct dp8390, rsar),
	STATE_FIELD(struct dp8390, rbcr),
	STATE_FIELD(struct dp8390, crda),
	STATE_FIELD(struct dp8390, par),
	STATE_FIELD(struct dp8390, mar),
	STATE_FIELD(struct dp8390, cntr),
	STATE_FIELD(struct dp8390, tx_due),
	STATE_FIELD(struct dp8390, prom),
	STATE_FIELD(struct dp8390, ram),
	STATE_END
};

/* --- CRCs ---------------------------------------------------------------- */

uint32_t dp8390_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

/* The hash circuit shifts the address in LSB first through a CRC register
 * kept MSB first, and taps its top six bits. */
unsigned dp8390_hash(const uint8_t addr[6])
{
	uint32_t crc = 0xffffffffu;

	for (int i = 0; i < 6; i++) {
		uint8_t byte = addr[i];
		for (int b = 0; b < 8; b++, byte >>= 1) {
			uint32_t fb = ((crc >> 31) ^ byte) & 1u;
			crc = (crc << 1) ^ (fb ? 0x04c11db7u : 0);
		}
	}
	return crc >> 26;
}

/* --- board memory and interrupts ---------------------------------------- */

static uint8_t mem_read(const struct dp8390 *d, uint16_t addr)
{
	if (addr < DP_PROM_SIZE)
		return d->prom[addr];
	if (addr >= DP_RAM_START && addr < DP_RAM_START + DP_RAM_SIZE)
		return d->ram[addr - DP_RAM_START];
	return 0xff;
}

static void mem_write(struct dp8390 *d, uint16_t addr, uint8_t val)
{
	if (addr >= DP_RAM_START && addr < DP_RAM_START + DP_RAM_SIZE)
		d->ram[addr - DP_RAM_START] = val;
}

/* INT follows ISR & IMR; RST is status only and never interrupts. */
static void update_irq(struct dp8390 *d)
{
	d->set_irq(d->opaque, (d->isr & d->imr & 0x7f) != 0);
}

static void count_missed(struct dp8390 *d)
{
	d->rsr |= RSR_MPA;
	if (d->cntr[2] < DP_CNTR_MAX && ++d->cntr[2] & 0x80)
		d->isr |= ISR_CNT;
}

/* --- receive ------------------------------------------------------------- */

static uint8_t next_page(const struct dp8390 *d, uint8_t page)
{
	page++;
	return page == d->pstop ? d->pstart : page;
}

static unsigned pages_for(size_t len)
{
	/* header + frame + FCS, in 256-byte pages */
	return (unsigned)((4 + len + 4 + 255) / 256);
}

/* The chip aborts a frame when the local DMA would open the page BNRY
 * points to: true if the n pages from CURR on avoid it. */
static bool ring_has_room(const struct dp8390 *d, unsigned n)
{
	uint8_t page = d->curr;

	for (unsigned i = 0; i < n; i++) {
		if (page == d->bnry)
			return false;
		page = next_page(d, page);
	}
	return true;
}

static bool rx_running(const struct dp8390 *d)
{
	return (d->cr & (CR_STP | CR_STA)) == CR_STA &&
	       !(d->tcr & TCR_LB_MASK);
}

bool dp8390_can_receive(const struct dp8390 *d, size_t len)
{
	if (!rx_running(d))
		return true; /* it will be dropped, waiting would not help */
	if (d->isr & ISR_OVW)
		return false;
	return len > DP_FRAME_MAX || ring_has_room(d, pages_for(len));
}

static bool address_match(const struct dp8390 *d, const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (d->rcr & RCR_PRO)
		return true;
	if (!memcmp(dst, bcast, 6))
		return d->rcr & RCR_AB;
	if (dst[0] & 1) {
		unsigned h = dp8390_hash(dst);
		return (d->rcr & RCR_AM) && (d->mar[h >> 3] & (1u << (h & 7)));
	}
	return !memcmp(dst, d->par, 6);
}

/* Store one frame (wire or loopback) into the ring. */
static void receive_frame(struct dp8390 *d, const uint8_t *frame, size_t len)
{
	uint8_t fcs[4];

	if (len > DP_FRAME_MAX) {
		log_debug(&d->m->log, NET, "dp8390: %zu-byte frame dropped (giant)",
			  len);
		return;
	}
	/* Runts (shorter than 64 bytes with the FCS) only with RCR.AR. */
	if (len < 6 || (len < DP_FRAME_MIN && !(d->rcr & RCR_AR)))
		return;
	if (!address_match(d, frame))
		return;
	d->rsr = 0;
	if ((d->rcr & RCR_MON) || (d->isr & ISR_OVW)) {
		/* Monitor mode checks frames but never buffers them; after an
		 * overflow the receiver stays off until the driver's recovery
		 * clears OVW (or STOP/START). */
		count_missed(d);
		update_irq(d);
		return;
	}
	unsigned n = pages_for(len);
	if (!ring_has_room(d, n)) {
		d->isr |= ISR_OVW;
		count_missed(d);
		update_irq(d);
		log_debug(&d->m->log, NET, "dp8390: ring overflow (CURR %02x BNRY %02x)",
			  d->curr, d->bnry);
		return;
	}
	if (d->pstart >= d->pstop || d->curr < d->pstart || d->curr >= d->pstop)
		log_debug(&d->m->log, NET,
			  "dp8390: ring %02x-%02x with CURR %02x: writing anyway",
			  d->pstart, d->pstop, d->curr);

	uint32_t crc = dp8390_crc32(frame, len);
	for (int i = 0; i < 4; i++)
		fcs[i] = (uint8_t)(crc >> (8 * i));
	uint8_t last = d->curr;
	for (unsigned i = 1; i < n; i++)
		last = next_page(d, last);
	uint8_t next = next_page(d, last);
	size_t count = 4 + len + 4;
	uint8_t status = RSR_PRX | ((frame[0] & 1) ? RSR_PHY : 0);
	uint8_t hdr[4] = { status, next, (uint8_t)count,
			   (uint8_t)(count >> 8) };

	/* Header, frame, FCS, following the ring from CURR. */
	uint8_t page = d->curr;
	unsigned off = 0;
	for (size_t i = 0; i < count; i++) {
		uint8_t b = i < 4 ? hdr[i] : i < 4 + len ? frame[i - 4]
							 : fcs[i - 4 - len];
		mem_write(d, (uint16_t)(page << 8 | off), b);
		if (++off == 256) {
			off = 0;
			page = next_page(d, page);
		}
	}
	d->curr = next;
	d->rsr = status;
	d->isr |= ISR_PRX;
	update_irq(d);
}

void dp8390_receive(struct dp8390 *d, const uint8_t *frame, size_t len)
{
	if (!rx_running(d))
		return;
	receive_frame(d, frame, len);
}

/* --- transmit ------------------------------------------------------------ */

static void tx_done(void *opaque)
{
	struct dp8390 *d = opaque;
	uint8_t frame[DP_FRAME_MAX];
	size_t len = d->tbcr;

	d->tx_due = 0;
	d->cr &= (uint8_t)~CR_TXP;
	d->tsr = TSR_PTX;
	d->isr |= ISR_PTX;
	if (len > DP_FRAME_MAX) {
		/* A giant would be dropped by every receiver. */
		log_debug(&d->m->log, NET, "dp8390: %zu-byte frame not sent (giant)",
			  len);
		update_irq(d);
		return;
	}
	for (size_t i = 0; i < len; i++)
		frame[i] = mem_read(d, (uint16_t)((d->tpsr << 8) + i));
	/* Pad short frames as the sender's MAC must. */
	if (len < DP_FRAME_MIN) {
		memset(frame + len, 0, DP_FRAME_MIN - len);
		len = DP_FRAME_MIN;
	}
	if (d->tcr & TCR_LB_MASK) {
		/* Loopback: the frame comes back through our own receiver. */
		if (d->cr & CR_STA)
			receive_frame(d, frame, len);
	} else if (d->transmit) {
		d->transmit(d->opaque, frame, len);
	}
	update_irq(d);
}

static void tx_start(struct dp8390 *d)
{
	uint64_t bytes = (d->tbcr < DP_FRAME_MIN ? DP_FRAME_MIN : d->tbcr) +
			 DP_WIRE_OVERHEAD;

	d->tx_due = clock_now(&d->m->clock) + bytes * DP_NS_PER_BYTE;
	event_schedule(&d->tx_event, d->tx_due);
}

/* --- remote DMA ---------------------------------------------------------- */

/* Advance the remote address (wrapping at PSTOP, as the chip does so ring
 * reads need no care) and the count; RDC when the count runs out. */
static void dma_step(struct dp8390 *d, unsigned n)
{
	d->crda = (uint16_t)(d->crda + n);
	if (d->pstop && d->crda == (uint16_t)(d->pstop << 8))
		d->crda = (uint16_t)(d->pstart << 8);
	if (!d->rbcr)
		return;
	if (d->rbcr <= n) {
		d->rbcr = 0;
		d->isr |= ISR_RDC;
		update_irq(d);
	} else {
		d->rbcr = (uint16_t)(d->rbcr - n);
	}
}

static unsigned dma_width(const struct dp8390 *d)
{
	return (d->dcr & DCR_WTS) ? 2 : 1;
}

uint32_t dp8390_data_read(struct dp8390 *d, unsigned size)
{
	uint32_t v = 0;
	unsigned w = dma_width(d);

	for (unsigned got = 0; got < size; got += w) {
		if (w == 2)
			d->crda &= (uint16_t)~1u;
		uint32_t x = mem_read(d, d->crda);
		if (w == 2)
			x |= (uint32_t)mem_read(d, (uint16_t)(d->crda + 1)) << 8;
		v |= x << (8 * got);
		dma_step(d, w);
	}
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void dp8390_data_write(struct dp8390 *d, uint32_t val, unsigned size)
{
	unsigned w = dma_width(d);

	for (unsigned put = 0; put < size; put += w) {
		if (w == 2)
			d->crda &= (uint16_t)~1u;
		mem_write(d, d->crda, (uint8_t)(val >> (8 * put)));
		if (w == 2)
			mem_write(d, (uint16_t)(d->crda + 1),
				  (uint8_t)(val >> (8 * put + 8)));
		dma_step(d, w);
	}
}

/* --- registers ----------------------------------------------------------- */

static void write_cr(struct dp8390 *d, uint8_t val)
{
	uint8_t rd = val & CR_RD_MASK;

	if (val & CR_STP) {
		d->isr |= ISR_RST;
	} else if (val & CR_STA) {
		d->isr &= (uint8_t)~ISR_RST;
	}
	/* TXP can be set but not cleared by the host; a write with neither
	 * STA nor STP (a bare page select) leaves the run state alone. */
	bool txp = (val & CR_TXP) && !(d->cr & CR_TXP);
	uint8_t keep = CR_TXP;
	if (!(val & (CR_STP | CR_STA)))
		keep |= CR_STP | CR_STA;
	d->cr = (uint8_t)((val & ~keep) | (d->cr & keep));
	if (val & CR_STP)
		d->cr &= (uint8_t)~CR_STA;
	if (txp && (d->cr & CR_STA)) {
		d->cr |= CR_TXP;
		tx_start(d);
	}
	if (rd == CR_RD_SEND) {
		/* Send Packet: a remote read of the frame at BNRY, its
		 * length from the ring header. */
		uint16_t a = (uint16_t)(d->bnry << 8);
		d->rsar = d->crda = a;
		d->rbcr = (uint16_t)(mem_read(d, (uint16_t)(a + 2)) |
				     mem_read(d, (uint16_t)(a + 3)) << 8);
	} else if (rd == CR_RD_READ || rd == CR_RD_WRITE) {
		d->crda = d->rsar;
		/* A zero-length transfer completes at once. */
		if (!d->rbcr)
			d->isr |= ISR_RDC;
	}
	update_irq(d);
}

static uint8_t read_page0(struct dp8390 *d, unsigned reg)
{
	uint8_t v;

	switch (reg) {
	case DP_BNRY: return d->bnry;
	case DP_TSR: return d->tsr;
	case DP_ISR: return d->isr;
	case DP_RSAR0: return (uint8_t)d->crda;
	case DP_RSAR1: return (uint8_t)(d->crda >> 8);
	case DP_RBCR0: return d->rtl8029 ? 0x50 : 0xff; /* RTL8029 ID 'P' */
	case DP_RBCR1: return d->rtl8029 ? 0x43 : 0xff; /* 'C' */
	case DP_RSR: return d->rsr;
	case DP_CNTR0: case DP_CNTR1: case DP_CNTR2:
		/* The tally counters clear when read. */
		v = d->cntr[reg - DP_CNTR0];
		d->cntr[reg - DP_CNTR0] = 0;
		return v;
	default:
		return 0; /* CLDA, NCR, FIFO: nothing worth modelling */
	}
}

static uint8_t read_page2(struct dp8390 *d, unsigned reg)
{
	switch (reg) {
	case DP_PSTART: return d->pstart;
	case DP_PSTOP: return d->pstop;
	case DP_TPSR: return d->tpsr;
	case DP_RCR: return d->rcr | 0xc0;
	case DP_TCR: return d->tcr | 0xe0;
	case DP_DCR: return d->dcr | 0x80;
	case DP_IMR: return d->imr | 0x80;
	default: return 0;
	}
}

uint8_t dp8390_read(struct dp8390 *d, unsigned reg)
{
	reg &= 0x0f;
	if (reg == DP_CR)
		return d->cr;
	switch (d->cr >> CR_PS_SHIFT) {
	case 0:
		return read_page0(d, reg);
	case 1:
		if (reg <= 6)
			return d->par[reg - 1];
		if (reg == DP_CURR)
			return d->curr;
		return d->mar[reg - 8];
	case 2:
		return read_page2(d, reg);
	default:
		return 0; /* RTL8029 configuration page: all defaults */
	}
}

static void write_page0(struct dp8390 *d, unsigned reg, uint8_t val)
{
	switch (reg) {
	case DP_PSTART: d->pstart = val; break;
	case DP_PSTOP: d->pstop = val; break;
	case DP_BNRY: d->bnry = val; break;
	case DP_TPSR: d->tpsr = val; break;
	case DP_TBCR0: d->tbcr = (uint16_t)((d->tbcr & 0xff00) | val); break;
	case DP_TBCR1: d->tbcr = (uint16_t)((d->tbcr & 0xff) | val << 8); break;
	case DP_ISR:
		/* Write 1 to clear; RST is status only. */
		d->isr &= (uint8_t)~(val & 0x7f);
		update_irq(d);
		break;
	case DP_RSAR0:
		d->rsar = (uint16_t)((d->rsar & 0xff00) | val);
		d->crda = d->rsar;
		break;
	case DP_RSAR1:
		d->rsar = (uint16_t)((d->rsar & 0xff) | val << 8);
		d->crda = d->rsar;
		break;
	case DP_RBCR0: d->rbcr = (uint16_t)((d->rbcr & 0xff00) | val); break;
	case DP_RBCR1: d->rbcr = (uint16_t)((d->rbcr & 0xff) | val << 8); break;
	case DP_RCR: d->rcr = val & 0x3f; break;
	case DP_TCR: d->tcr = val & 0x1f; break;
	case DP_DCR: d->dcr = val & 0x7f; break;
	case DP_IMR:
		d->imr = val & 0x7f;
		update_irq(d);
		break;
	}
}

void dp8390_write(struct dp8390 *d, unsigned reg, uint8_t val)
{
	reg &= 0x0f;
	if (reg == DP_CR) {
		write_cr(d, val);
		return;
	}
	switch (d->cr >> CR_PS_SHIFT) {
	case 0:
		write_page0(d, reg, val);
		break;
	case 1:
		if (reg <= 6)
			d->par[reg - 1] = val;
		else if (reg == DP_CURR)
			d->curr = val;
		else
			d->mar[reg - 8] = val;
		break;
	default:
		/* Page 2 (diagnostic address writes) and the RTL8029's
		 * page 3 (full duplex, LEDs): nothing to change here. */
		log_debug(&d->m->log, NET, "dp8390: page %u write %02x <- %02x ignored",
			  d->cr >> CR_PS_SHIFT, reg, val);
		break;
	}
}

/* --- life cycle ---------------------------------------------------------- */

void dp8390_init(struct dp8390 *d, struct machine *m, const uint8_t mac[6],
		 const char *name)
{
	d->m = m;
	/* The PROM sits on the low byte lane of a 16-bit board, so every
	 * byte appears twice; 14/15 = 'W' 'W' marks a word-wide NE2000. */
	uint8_t p[16] = { 0 };
	memcpy(p, mac, 6);
	p[14] = p[15] = 0x57;
	for (int i = 0; i < 16; i++)
		d->prom[2 * i] = d->prom[2 * i + 1] = p[i];
	event_init(&d->tx_event, &m->clock, tx_done, d, name);
}

void dp8390_reset(struct dp8390 *d)
{
	event_cancel(&d->tx_event);
	d->tx_due = 0;
	d->cr = CR_STP | CR_RD_ABORT;
	d->isr = ISR_RST;
	d->imr = 0;
	d->tcr = 0;
	d->rsr = 0;
	d->tsr = 0;
	update_irq(d);
}

void dp8390_post_load(struct dp8390 *d)
{
	event_cancel(&d->tx_event);
	if (d->tx_due)
		event_schedule(&d->tx_event, d->tx_due);
	update_irq(d);
}
