/* NE2000 (DP8390): PROM, remote DMA, transmit, the receive ring, overflow,
 * interrupts, address filters, and the PCI RTL8029, all through the ports
 * as a driver would; frames come and go through the network hub with a
 * test backend in place of slirp. Expected values follow the DP8390
 * datasheet and the NE2000's memory map (RAM at pages 0x40-0x7F). */
#include "tests/unit/testbed.h"

#include "core/net.h"
#include "devices/i440fx.h"
#include "devices/ne2000.h"
#include "devices/piix.h"

#define IO 0x300
#define IRQ 3

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

struct capture {
	unsigned n;
	size_t len[8];
	uint8_t frame[8][1514];
};

static void cap_send(void *opaque, const uint8_t *frame, size_t len)
{
	struct capture *c = opaque;
	if (c->n < 8) {
		c->len[c->n] = len;
		memcpy(c->frame[c->n], frame, len);
	}
	c->n++;
}

struct fx {
	struct machine *m;
	struct net *net;
	struct capture *cap;
	uint16_t io;
};

static void outb(struct fx *f, unsigned reg, uint8_t v)
{
	bus_out(f->m->bus, (uint16_t)(f->io + reg), v, 1);
}

static uint8_t inb(struct fx *f, unsigned reg)
{
	return (uint8_t)bus_in(f->m->bus, (uint16_t)(f->io + reg), 1);
}

static struct fx setup(void)
{
	struct fx f = { .io = IO };
	char err[128];

	f.m = testbed_new(10000);
	f.net = net_create(f.m);
	f.cap = calloc(1, sizeof(*f.cap));
	net_set_backend(f.net, &(struct net_backend){ .opaque = f.cap,
						     .send = cap_send });
	cr_assert_not_null(ne2000_isa_create(f.m, f.net, IO, IRQ, MAC, err,
					     sizeof(err)), "%s", err);
	testbed_reset(f.m);
	return f;
}

static void teardown(struct fx *f)
{
	testbed_free(f->m);
	free(f->cap);
}

/* What Linux's NS8390_init does: TX buffer at 0x40, ring 0x46-0x80,
 * BNRY = stop - 1, CURR = start, word mode, broadcasts accepted. */
static void driver_init(struct fx *f, uint8_t imr)
{
	outb(f, DP_CR, 0x21);
	outb(f, DP_DCR, 0x49);
	outb(f, DP_RBCR0, 0);
	outb(f, DP_RBCR1, 0);
	outb(f, DP_RCR, RCR_AB);
	outb(f, DP_TCR, 0x02);
	outb(f, DP_TPSR, 0x40);
	outb(f, DP_PSTART, 0x46);
	outb(f, DP_BNRY, 0x7f);
	outb(f, DP_PSTOP, 0x80);
	outb(f, DP_ISR, 0xff);
	outb(f, DP_IMR, imr);
	outb(f, DP_CR, 0x61); /* page 1 */
	for (int i = 0; i < 6; i++)
		outb(f, 1 + i, MAC[i]);
	outb(f, DP_CURR, 0x46);
	outb(f, DP_CR, 0x22);
	outb(f, DP_TCR, 0);
}

static void dma_setup(struct fx *f, uint16_t addr, uint16_t count, uint8_t cmd)
{
	outb(f, DP_RBCR0, (uint8_t)count);
	outb(f, DP_RBCR1, (uint8_t)(count >> 8));
	outb(f, DP_RSAR0, (uint8_t)addr);
	outb(f, DP_RSAR1, (uint8_t)(addr >> 8));
	outb(f, DP_CR, cmd);
}

static void dma_read(struct fx *f, uint16_t addr, uint8_t *buf, uint16_t n)
{
	outb(f, DP_DCR, 0x48); /* byte mode */
	dma_setup(f, addr, n, 0x0a);
	for (unsigned i = 0; i < n; i++)
		buf[i] = inb(f, NE2000_DATA);
	outb(f, DP_ISR, ISR_RDC);
	outb(f, DP_DCR, 0x49);
}

static void dma_write(struct fx *f, uint16_t addr, const uint8_t *buf,
		      uint16_t n)
{
	outb(f, DP_DCR, 0x48);
	dma_setup(f, addr, n, 0x12);
	for (unsigned i = 0; i < n; i++)
		outb(f, NE2000_DATA, buf[i]);
	outb(f, DP_ISR, ISR_RDC);
	outb(f, DP_DCR, 0x49);
}

static size_t make_frame(uint8_t *p, const uint8_t dst[6], size_t len,
			 uint8_t seed)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, "\x02\x00\x00\x00\x00\x01", 6);
	p[12] = 0x08;
	p[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		p[i] = (uint8_t)(seed + i);
	return len;
}

Test(ne2000, prom_byte_mode_reads_the_mac_doubled_with_ww_signature)
{
	struct fx f = setup();
	uint8_t p[32];

	outb(&f, DP_CR, 0x21);
	dma_read(&f, 0, p, 32);
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(p[2 * i], MAC[i]);
		cr_assert_eq(p[2 * i + 1], MAC[i]);
	}
	cr_assert_eq(p[28], 0x57);
	cr_assert_eq(p[29], 0x57);
	cr_assert_eq(p[30], 0x57);
	cr_assert_eq(p[31], 0x57);
	teardown(&f);
}

Test(ne2000, prom_word_mode_byte_reads_give_one_prom_byte_each)
{
	struct fx f = setup();

	/* ne2k-pci's probe: DCR 0x49, 32 byte reads of the data port. */
	outb(&f, DP_CR, 0x21);
	outb(&f, DP_DCR, 0x49);
	dma_setup(&f, 0, 32, 0x0a);
	for (int i = 0; i < 6; i++)
		cr_assert_eq(inb(&f, NE2000_DATA), MAC[i]);
	/* The next word inputs are PROM 6..: a 16-bit read gets both lanes. */
	cr_assert_eq(bus_in(f.m->bus, IO + NE2000_DATA, 2), 0x0000);
	teardown(&f);
}

Test(ne2000, reset_port_read_stops_the_chip_and_sets_isr_rst)
{
	struct fx f = setup();

	driver_init(&f, 0);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_RST, 0, "START clears RST");
	inb(&f, NE2000_RESET);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_RST, ISR_RST);
	cr_assert_eq(inb(&f, DP_CR) & 0x03, CR_STP);
	/* Writing ISR cannot clear RST. */
	outb(&f, DP_ISR, 0xff);
	cr_assert_eq(inb(&f, DP_ISR), ISR_RST);
	teardown(&f);
}

Test(ne2000, remote_dma_word_writes_read_back_and_complete_with_rdc)
{
	struct fx f = setup();

	driver_init(&f, ISR_RDC);
	dma_setup(&f, 0x4000, 4, 0x12);
	bus_out(f.m->bus, IO + NE2000_DATA, 0x3412, 2);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_RDC, 0);
	bus_out(f.m->bus, IO + NE2000_DATA, 0x7856, 2);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_RDC, ISR_RDC);
	cr_assert_eq(f.m->irq.level[IRQ], 1, "RDC is unmasked");
	outb(&f, DP_ISR, ISR_RDC);
	cr_assert_eq(f.m->irq.level[IRQ], 0);
	/* A dword read moves 4 bytes (ne2k-pci reads the header this way). */
	dma_setup(&f, 0x4000, 4, 0x0a);
	cr_assert_eq(bus_in(f.m->bus, IO + NE2000_DATA, 4), 0x78563412u);
	/* CRDA follows the transfer. */
	cr_assert_eq(inb(&f, DP_RSAR0), 0x04);
	cr_assert_eq(inb(&f, DP_RSAR1), 0x40);
	teardown(&f);
}

Test(ne2000, zero_length_remote_dma_completes_at_once)
{
	struct fx f = setup();

	driver_init(&f, 0);
	dma_setup(&f, 0x4000, 0, 0x0a);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_RDC, ISR_RDC);
	teardown(&f);
}

Test(ne2000, transmit_pads_to_60_and_completes_after_the_wire_time)
{
	struct fx f = setup();
	uint8_t fr[42];

	driver_init(&f, ISR_PTX);
	make_frame(fr, (const uint8_t *)"\xff\xff\xff\xff\xff\xff", 42, 1);
	dma_write(&f, 0x4000, fr, 42);
	outb(&f, DP_TBCR0, 42);
	outb(&f, DP_TBCR1, 0);
	outb(&f, DP_CR, 0x26);
	cr_assert_eq(inb(&f, DP_CR) & CR_TXP, CR_TXP);
	/* (8 preamble + 60 + 4 FCS + 12 gap) bytes at 800 ns. */
	testbed_advance_ns(f.m, 67199);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PTX, 0);
	testbed_advance_ns(f.m, 1);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PTX, ISR_PTX);
	cr_assert_eq(inb(&f, DP_TSR) & TSR_PTX, TSR_PTX);
	cr_assert_eq(inb(&f, DP_CR) & CR_TXP, 0);
	cr_assert_eq(f.m->irq.level[IRQ], 1);
	/* The host sees it at the next sync point. */
	cr_assert_eq(f.cap->n, 0);
	net_poll(f.net);
	cr_assert_eq(f.cap->n, 1);
	cr_assert_eq(f.cap->len[0], 60);
	cr_assert_arr_eq(f.cap->frame[0], fr, 42);
	for (int i = 42; i < 60; i++)
		cr_assert_eq(f.cap->frame[0][i], 0);
	teardown(&f);
}

Test(ne2000, oversized_transmit_is_not_sent_but_completes)
{
	struct fx f = setup();

	driver_init(&f, 0);
	outb(&f, DP_TBCR0, (uint8_t)1600);
	outb(&f, DP_TBCR1, 1600 >> 8);
	outb(&f, DP_CR, 0x26);
	testbed_advance_ns(f.m, 2000000);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PTX, ISR_PTX);
	net_poll(f.net);
	cr_assert_eq(f.cap->n, 0);
	teardown(&f);
}

Test(ne2000, transmit_is_ignored_while_stopped)
{
	struct fx f = setup();

	driver_init(&f, 0);
	outb(&f, DP_CR, 0x21);
	outb(&f, DP_TBCR0, 60);
	outb(&f, DP_CR, 0x25);
	testbed_advance_ns(f.m, 1000000);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PTX, 0);
	teardown(&f);
}

Test(ne2000, receive_stores_header_frame_and_fcs_and_advances_curr)
{
	struct fx f = setup();
	uint8_t fr[100], got[112];

	driver_init(&f, ISR_PRX);
	make_frame(fr, MAC, 100, 7);
	cr_assert_eq(net_deliver(f.net, 0, fr, 100), 0);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, ISR_PRX);
	cr_assert_eq(f.m->irq.level[IRQ], 1);
	cr_assert_eq(inb(&f, DP_RSR), RSR_PRX);
	outb(&f, DP_CR, 0x62);
	cr_assert_eq(inb(&f, DP_CURR), 0x47);
	outb(&f, DP_CR, 0x22);
	dma_read(&f, 0x4600, got, 112);
	/* status, next page, count = 4 + 100 + 4 */
	cr_assert_eq(got[0], RSR_PRX);
	cr_assert_eq(got[1], 0x47);
	cr_assert_eq(got[2], 108);
	cr_assert_eq(got[3], 0);
	cr_assert_arr_eq(got + 4, fr, 100);
	/* FCS of the frame, LSB first: CRC-32 as zlib computes it. */
	uint32_t fcs = got[104] | got[105] << 8 | got[106] << 16 |
		       (uint32_t)got[107] << 24;
	cr_assert_eq(fcs, dp8390_crc32(fr, 100));
	teardown(&f);
}

Test(ne2000, fcs_is_the_ethernet_crc32)
{
	uint8_t b[60];
	for (int i = 0; i < 60; i++)
		b[i] = (uint8_t)i;
	cr_assert_eq(dp8390_crc32(b, 60), 0xb0ec7feeu); /* zlib.crc32 */
}

Test(ne2000, receive_wraps_from_pstop_to_pstart)
{
	struct fx f = setup();
	uint8_t fr[600], got[604];

	driver_init(&f, 0);
	outb(&f, DP_BNRY, 0x60);
	outb(&f, DP_CR, 0x62);
	outb(&f, DP_CURR, 0x7f);
	outb(&f, DP_CR, 0x22);
	make_frame(fr, MAC, 600, 3);
	net_deliver(f.net, 0, fr, 600);
	/* 608 bytes: pages 7F, 46, 47; next is 48. */
	outb(&f, DP_CR, 0x62);
	cr_assert_eq(inb(&f, DP_CURR), 0x48);
	outb(&f, DP_CR, 0x22);
	/* Remote DMA wraps at PSTOP too, so the frame reads in one go. */
	dma_read(&f, 0x7f00, got, 604);
	cr_assert_eq(got[1], 0x48);
	cr_assert_eq(got[2] | got[3] << 8, 608);
	cr_assert_arr_eq(got + 4, fr, 600);
	/* Its tail really is at the ring's start. */
	dma_read(&f, 0x4600, got, 4);
	cr_assert_arr_eq(got, fr + 252, 4);
	teardown(&f);
}

Test(ne2000, ring_overflow_sets_ovw_and_receives_nothing_until_cleared)
{
	struct fx f = setup();
	uint8_t big[600], small[60];

	driver_init(&f, ISR_OVW | ISR_PRX);
	outb(&f, DP_BNRY, 0x48);
	make_frame(big, MAC, 600, 1);
	make_frame(small, MAC, 60, 2);
	/* 3 pages from 0x46 would open page 0x48 = BNRY: aborted. */
	net_deliver(f.net, 0, big, 600);
	cr_assert_eq(inb(&f, DP_ISR) & (ISR_OVW | ISR_PRX), ISR_OVW);
	cr_assert_eq(f.m->irq.level[IRQ], 1);
	outb(&f, DP_CR, 0x62);
	cr_assert_eq(inb(&f, DP_CURR), 0x46, "CURR unchanged");
	outb(&f, DP_CR, 0x22);
	/* A frame that would fit is missed too while OVW stands. */
	net_deliver(f.net, 0, small, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, 0);
	cr_assert_eq(inb(&f, DP_CNTR2), 2, "two missed packets");
	cr_assert_eq(inb(&f, DP_CNTR2), 0, "counters clear when read");
	outb(&f, DP_ISR, ISR_OVW);
	net_deliver(f.net, 0, small, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, ISR_PRX);
	teardown(&f);
}

Test(ne2000, hub_holds_frames_back_while_the_ring_is_full)
{
	struct fx f = setup();
	uint8_t fr[600];

	driver_init(&f, 0);
	outb(&f, DP_BNRY, 0x4b);
	make_frame(fr, MAC, 600, 1);
	net_host_receive(f.net, fr, 600); /* pages 46-48 */
	net_host_receive(f.net, fr, 600); /* 49-4B: would hit BNRY */
	net_poll(f.net);
	outb(&f, DP_CR, 0x62);
	cr_assert_eq(inb(&f, DP_CURR), 0x49);
	outb(&f, DP_CR, 0x22);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_OVW, 0, "held, not overflowed");
	outb(&f, DP_BNRY, 0x48); /* the driver took the first frame */
	net_poll(f.net);
	outb(&f, DP_CR, 0x62);
	cr_assert_eq(inb(&f, DP_CURR), 0x4c);
	teardown(&f);
}

Test(ne2000, interrupts_follow_isr_and_the_imr_mask)
{
	struct fx f = setup();
	uint8_t fr[60];

	driver_init(&f, 0);
	make_frame(fr, MAC, 60, 1);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, ISR_PRX);
	cr_assert_eq(f.m->irq.level[IRQ], 0, "PRX masked");
	outb(&f, DP_IMR, ISR_PRX);
	cr_assert_eq(f.m->irq.level[IRQ], 1, "unmasking raises INT");
	outb(&f, DP_CR, 0xa2); /* page 2 reads IMR back */
	cr_assert_eq(inb(&f, DP_IMR) & 0x7f, ISR_PRX);
	outb(&f, DP_CR, 0x22);
	outb(&f, DP_ISR, ISR_PRX);
	cr_assert_eq(f.m->irq.level[IRQ], 0);
	teardown(&f);
}

Test(ne2000, multicast_is_accepted_only_with_its_hash_bit_and_rcr_am)
{
	struct fx f = setup();
	static const uint8_t g1[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t g2[6] = { 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xff };
	uint8_t fr[60];

	/* Top 6 bits of the Ethernet CRC: 31 and 23 (computed with zlib). */
	cr_assert_eq(dp8390_hash(g1), 31);
	cr_assert_eq(dp8390_hash(g2), 23);
	driver_init(&f, 0);
	outb(&f, DP_CR, 0x62);
	outb(&f, 8 + 3, 0x80); /* MAR3 bit 7 = hash 31 */
	outb(&f, DP_CR, 0x22);
	make_frame(fr, g1, 60, 1);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, 0, "RCR.AM is off");
	outb(&f, DP_RCR, RCR_AB | RCR_AM);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, ISR_PRX);
	cr_assert_eq(inb(&f, DP_RSR), RSR_PRX | RSR_PHY);
	outb(&f, DP_ISR, 0xff);
	make_frame(fr, g2, 60, 1);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, 0, "hash 23 not set");
	teardown(&f);
}

Test(ne2000, broadcast_needs_ab_and_other_unicast_needs_promiscuous)
{
	struct fx f = setup();
	static const uint8_t other[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
	uint8_t fr[60];

	driver_init(&f, 0);
	outb(&f, DP_RCR, 0);
	make_frame(fr, (const uint8_t *)"\xff\xff\xff\xff\xff\xff", 60, 1);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, 0);
	outb(&f, DP_RCR, RCR_AB);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, ISR_PRX);
	outb(&f, DP_ISR, 0xff);
	make_frame(fr, other, 60, 1);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, 0);
	outb(&f, DP_RCR, RCR_PRO);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, ISR_PRX);
	teardown(&f);
}

Test(ne2000, runts_need_rcr_ar_and_giants_are_dropped)
{
	struct fx f = setup();
	uint8_t fr[1600];

	driver_init(&f, 0);
	make_frame(fr, MAC, 40, 1);
	net_deliver(f.net, 0, fr, 40);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, 0);
	outb(&f, DP_RCR, RCR_AB | RCR_AR);
	net_deliver(f.net, 0, fr, 40);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, ISR_PRX);
	outb(&f, DP_ISR, 0xff);
	make_frame(fr, MAC, 1515, 1);
	cr_assert_eq(net_deliver(f.net, 0, fr, 1515), -1);
	/* Only the runt took a page. */
	outb(&f, DP_CR, 0x62);
	cr_assert_eq(inb(&f, DP_CURR), 0x47);
	teardown(&f);
}

Test(ne2000, stopped_or_loopback_receiver_ignores_the_wire)
{
	struct fx f = setup();
	uint8_t fr[60];

	driver_init(&f, 0);
	make_frame(fr, MAC, 60, 1);
	outb(&f, DP_TCR, 0x02);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, 0);
	outb(&f, DP_TCR, 0);
	outb(&f, DP_CR, 0x21);
	net_deliver(f.net, 0, fr, 60);
	cr_assert_eq(inb(&f, DP_ISR) & ISR_PRX, 0);
	teardown(&f);
}

Test(ne2000, loopback_transmit_comes_back_through_the_receiver)
{
	struct fx f = setup();
	uint8_t fr[60];

	driver_init(&f, 0);
	outb(&f, DP_TCR, 0x02);
	make_frame(fr, MAC, 60, 9);
	dma_write(&f, 0x4000, fr, 60);
	outb(&f, DP_TBCR0, 60);
	outb(&f, DP_TBCR1, 0);
	outb(&f, DP_CR, 0x26);
	testbed_advance_ns(f.m, 100000);
	cr_assert_eq(inb(&f, DP_ISR) & (ISR_PTX | ISR_PRX), ISR_PTX | ISR_PRX);
	net_poll(f.net);
	cr_assert_eq(f.cap->n, 0, "nothing on the wire");
	teardown(&f);
}

Test(ne2000, misprogrammed_ring_outside_ram_never_crashes)
{
	struct fx f = setup();
	uint8_t fr[1514];

	driver_init(&f, 0);
	outb(&f, DP_CR, 0x21);
	outb(&f, DP_PSTART, 0xf0);
	outb(&f, DP_PSTOP, 0x10); /* stop below start */
	outb(&f, DP_BNRY, 0x05);
	outb(&f, DP_CR, 0x62);
	outb(&f, DP_CURR, 0xfe);
	outb(&f, DP_CR, 0x22);
	make_frame(fr, MAC, 1514, 1);
	for (int i = 0; i < 50; i++)
		net_deliver(f.net, 0, fr, 1514);
	dma_setup(&f, 0xfff0, 64, 0x0a);
	for (int i = 0; i < 64; i++)
		inb(&f, NE2000_DATA);
	teardown(&f);
}

Test(ne2000, pci_rtl8029_has_an_io_bar_of_32_ports_and_inta)
{
	struct machine *m = testbed_new(10000);
	struct pci_bus *bus = pci_create(m);
	struct net *net = net_create(m);
	char err[128];
	unsigned isa = PCI_DEVFN(1, 0), nic = PCI_DEVFN(3, 0);

	cr_assert_not_null(i440fx_create(m, bus));
	cr_assert_not_null(piix3_create(m, bus));
	cr_assert_not_null(ne2000_pci_create(m, net, bus, 3, MAC, err,
					     sizeof(err)));
	testbed_reset(m);
	cr_assert_eq(pci_config_read(bus, nic, 0, 4), 0x802910ecu);
	cr_assert_eq(pci_config_read(bus, nic, 0x08, 4) >> 8, 0x020000u);
	cr_assert_eq(pci_config_read(bus, nic, PCI_INTERRUPT_PIN, 1), 1);
	pci_config_write(bus, nic, PCI_BASE_ADDRESS_0, 0xffffffffu, 4);
	cr_assert_eq(pci_config_read(bus, nic, PCI_BASE_ADDRESS_0, 4),
		     0xffffffe1u);
	pci_config_write(bus, nic, PCI_BASE_ADDRESS_0, 0xc100, 4);
	pci_config_write(bus, nic, PCI_COMMAND, PCI_COMMAND_IO, 2);
	/* Realtek's ID in page 0 registers 0x0A/0x0B: 'P' 'C'. */
	cr_assert_eq(bus_in(m->bus, 0xc10a, 1), 0x50);
	cr_assert_eq(bus_in(m->bus, 0xc10b, 1), 0x43);
	/* Slot 3 INTA is PIRQC (register 0x62): route it to IRQ 11. */
	pci_config_write(bus, isa, 0x62, 11, 1);
	bus_in(m->bus, 0xc11f, 1);
	bus_out(m->bus, 0xc100, 0x22, 1);
	bus_out(m->bus, 0xc10f, ISR_RDC, 1);
	bus_out(m->bus, 0xc10a, 0, 1);
	bus_out(m->bus, 0xc10b, 0, 1);
	bus_out(m->bus, 0xc100, 0x0a, 1); /* zero-length read: RDC */
	cr_assert_eq(m->irq.level[11], 1);
	cr_assert_eq(pci_config_read(bus, nic, PCI_STATUS, 1) & 0x08, 0x08);
	bus_out(m->bus, 0xc107, ISR_RDC, 1);
	cr_assert_eq(m->irq.level[11], 0);
	testbed_free(m);
}
