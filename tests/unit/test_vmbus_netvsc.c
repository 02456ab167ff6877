/* hv_netvsc against netvsp, packet by packet as Linux sends them: NVSP
 * negotiation and buffers, RNDIS init/query/set through page buffers and
 * send sections, a frame each way through the machine's network hub,
 * receive sections held back until the guest frees them, and malformed
 * messages (bad GPADLs, overflowing lengths, unknown types, a corrupt
 * ring). */
#include "tests/unit/vmbus_guest.h"

#include "core/net.h"
#include "vmbus/netvsp.h"

#define RX_BUF 0x40000u /* 32 pages: 75 receive sections */
#define RX_PAGES 32u
#define RX_SECTIONS (RX_PAGES * 4096 / NETVSP_RX_SECTION)
#define TX_BUF 0x60000u /* 16 pages: 10 send sections */
#define TX_PAGES 16u
#define MSG_PAGE 0x30000u /* RNDIS control messages (page buffers) */
#define FRAME_PAGE 0x31000u

static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* What the host side of the hub received. */
static uint8_t wire[2048];
static size_t wire_len;
static unsigned wire_count;

static void wire_send(void *opaque, const uint8_t *frame, size_t len)
{
	memcpy(wire, frame, len);
	wire_len = len;
	wire_count++;
}

static const struct net_backend wire_be = { .send = wire_send };

static struct vguest *nv_new(void)
{
	struct vguest *g = vg_new(0);
	char err[256];

	g->m->cfg.nic[0] = "netvsc";
	g->m->cfg.net = "none";
	cr_assert_eq(pc_build_net(g->m, err, sizeof(err)), 0, "%s", err);
	net_set_backend(g->m->net, &wire_be);
	wire_len = 0;
	wire_count = 0;
	vg_open_first(g);
	return g;
}

/* A whole packet from the host->guest ring, descriptor included. */
static int nv_take(struct vguest *g, uint8_t *pkt, uint16_t *type,
		   uint64_t *tid, uint32_t *off)
{
	uint32_t w = vg_rd32(g, G_IN_HDR + RING_HDR_WRITE);
	uint32_t r = vg_rd32(g, G_IN_HDR + RING_HDR_READ);
	uint8_t d[16];

	if (w == r)
		return -1;
	for (unsigned i = 0; i < 16; i++)
		vg_read(g, G_IN_DATA + (r + i) % G_RING_SIZE, d + i, 1);
	uint32_t len = get_le16(d + 4) * 8u;
	cr_assert(len <= 4096 && get_le16(d + 2) * 8u <= len);
	for (uint32_t i = 0; i < len; i++)
		vg_read(g, G_IN_DATA + (r + i) % G_RING_SIZE, pkt + i, 1);
	*type = get_le16(d);
	*tid = get_le64(d + 8);
	*off = get_le16(d + 2) * 8u;
	vg_wr32(g, G_IN_HDR + RING_HDR_READ, (r + len + 8) % G_RING_SIZE);
	return (int)len;
}

/* An NVSP message of up to 4 words, in-band; its transaction id. */
static uint64_t nvsp(struct vguest *g, uint32_t type, uint32_t a, uint32_t b,
		     uint32_t c)
{
	uint8_t m[NVSP_MSG_SIZE] = { 0 };
	put_le32(m, type);
	put_le32(m + 4, a);
	put_le32(m + 8, b);
	put_le32(m + 12, c);
	return vg_send(g, VMPKT_INBAND, NULL, 0, m, sizeof(m));
}

/* The next packet must be the completion of tid: its NVSP message. */
static void completion(struct vguest *g, uint64_t tid, uint8_t *msg)
{
	uint8_t pkt[4096];
	uint16_t type;
	uint64_t t;
	uint32_t off;
	int n = nv_take(g, pkt, &type, &t, &off);

	cr_assert_geq(n, (int)(off + NVSP_MSG_SIZE), "completion there and >= 40 bytes");
	cr_assert_eq(type, VMPKT_COMPLETION);
	cr_assert_eq(t, tid, "transaction id echoed");
	memcpy(msg, pkt + off, NVSP_MSG_SIZE);
}

/* The next packet must be a transfer-page packet: the RNDIS message in
 * its receive section (returned, with the length); the guest frees it. */
static uint32_t xfer(struct vguest *g, uint8_t *msg)
{
	uint8_t pkt[4096];
	uint16_t type;
	uint64_t tid;
	uint32_t off;
	int n = nv_take(g, pkt, &type, &tid, &off);

	cr_assert_gt(n, 0, "a transfer-page packet");
	cr_assert_eq(type, VMPKT_XFER_PAGES);
	cr_assert_geq(off, 32u, "header with one range");
	cr_assert_eq(get_le16(pkt + 16), NETVSP_RECV_BUF_ID);
	cr_assert_eq(get_le32(pkt + 20), 1, "one range");
	uint32_t len = get_le32(pkt + 24), at = get_le32(pkt + 28);
	cr_assert_eq(get_le32(pkt + off), NVSP_SEND_RNDIS_PKT);
	cr_assert_leq(len, NETVSP_RX_SECTION);
	cr_assert_eq(at % NETVSP_RX_SECTION, 0);
	cr_assert_leq(at + len, RX_PAGES * 4096);
	vg_read(g, RX_BUF + at, msg, len);
	cr_assert_eq(get_le32(msg + 4), len, "msg_len covers the range");
	/* Free the section as send_recv_completions does. */
	uint8_t c[8];
	put_le32(c, NVSP_SEND_RNDIS_PKT_COMPLETE);
	put_le32(c + 4, NVSP_STAT_SUCCESS);
	vg_send_full(g, VMPKT_COMPLETION, 0, tid, NULL, 0, c, sizeof(c));
	return len;
}

static void negotiate(struct vguest *g)
{
	uint8_t r[NVSP_MSG_SIZE];

	completion(g, nvsp(g, NVSP_INIT, 0x60001, 0x60001, 0), r);
	cr_assert_eq(get_le32(r), NVSP_INIT_COMPLETE);
	cr_assert_eq(get_le32(r + 12), NVSP_STAT_FAIL, "6.1 refused");
	completion(g, nvsp(g, NVSP_INIT, 0x40000, 0x40000, 0), r);
	cr_assert_eq(get_le32(r + 12), NVSP_STAT_SUCCESS);
	cr_assert_eq(get_le32(r + 4), 0x40000);
	nvsp(g, NVSP_SEND_NDIS_CONFIG, 1514, 0, 0);
	nvsp(g, NVSP_SEND_NDIS_VER, 6, 1, 0);
	uint16_t type;
	uint64_t tid;
	cr_assert_eq(vg_take(g, r, &type, &tid), -1, "no reply to either");

	cr_assert_eq(vg_gpadl(g, 0xe1e11, 1, RX_BUF, RX_PAGES), 0);
	completion(g, nvsp(g, NVSP_SEND_RECV_BUF, 0xe1e11, NETVSP_RECV_BUF_ID, 0),
		   r);
	cr_assert_eq(get_le32(r), NVSP_SEND_RECV_BUF_COMPLETE);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_SUCCESS);
	cr_assert_eq(get_le32(r + 8), 1, "one section list");
	cr_assert_eq(get_le32(r + 12), 0, "from offset 0");
	cr_assert_eq(get_le32(r + 16), NETVSP_RX_SECTION);
	cr_assert_eq(get_le32(r + 20), RX_SECTIONS);
	cr_assert_eq(get_le32(r + 24), RX_SECTIONS * NETVSP_RX_SECTION);

	cr_assert_eq(vg_gpadl(g, 0xe1e12, 1, TX_BUF, TX_PAGES), 0);
	completion(g, nvsp(g, NVSP_SEND_SEND_BUF, 0xe1e12, 0, 0), r);
	cr_assert_eq(get_le32(r), NVSP_SEND_SEND_BUF_COMPLETE);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_SUCCESS);
	cr_assert_eq(get_le32(r + 8), NETVSP_TX_SECTION);
}

/* SEND_RNDIS_PKT with the message in page buffers (one range per
 * {gpa, len}), as netvsc_send_pkt builds it; any reply comes first, then
 * the completion (of g->next_tid - 1). */
static void rndis_pages(struct vguest *g, uint32_t chan, const uint64_t *gpa,
			const uint32_t *len, unsigned n)
{
	uint8_t h[8 + 24 * 4] = { 0 }, m[NVSP_MSG_SIZE] = { 0 };
	uint32_t at = 8;

	put_le32(h + 4, n);
	for (unsigned i = 0; i < n; i++) {
		put_le32(h + at, len[i]);
		put_le32(h + at + 4, (uint32_t)(gpa[i] & 4095));
		put_le64(h + at + 8, gpa[i] >> 12);
		/* A range crossing a page lists the next pfn too. */
		if ((gpa[i] & 4095) + len[i] > 4096) {
			put_le64(h + at + 16, (gpa[i] >> 12) + 1);
			at += 8;
		}
		at += 16;
	}
	put_le32(m, NVSP_SEND_RNDIS_PKT);
	put_le32(m + 4, chan);
	put_le32(m + 8, UINT32_MAX);
	vg_send(g, VMPKT_GPA_DIRECT, h, at, m, sizeof(m));
}

/* An RNDIS control request in one page buffer, as rndis_filter sends
 * them: the reply's message into rep (its length returned) and the
 * completion's status checked. */
static uint32_t control(struct vguest *g, const uint8_t *req, uint32_t len,
			uint8_t *rep)
{
	uint64_t gpa = MSG_PAGE;
	uint8_t r[NVSP_MSG_SIZE];

	vg_write(g, MSG_PAGE, req, len);
	rndis_pages(g, 1, &gpa, &len, 1);
	uint32_t n = xfer(g, rep);
	completion(g, g->next_tid - 1, r);
	cr_assert_eq(get_le32(r), NVSP_SEND_RNDIS_PKT_COMPLETE);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_SUCCESS);
	return n;
}

static void rndis_init_dev(struct vguest *g)
{
	uint8_t req[24] = { 0 }, rep[2048];

	put_le32(req, 2);
	put_le32(req + 4, sizeof(req));
	put_le32(req + 8, 7);
	put_le32(req + 12, 1);
	put_le32(req + 20, 0x4000);
	cr_assert_eq(control(g, req, sizeof(req), rep), 52);
	cr_assert_eq(get_le32(rep), 0x80000002);
	cr_assert_eq(get_le32(rep + 8), 7, "request id");
	cr_assert_eq(get_le32(rep + 12), 0, "success");
	cr_assert_eq(get_le32(rep + 16), 1, "RNDIS 1.0");
	cr_assert_eq(get_le32(rep + 32), 1, "one packet per message");
	cr_assert_eq(get_le32(rep + 40), 3, "8-byte alignment");
}

static uint32_t query(struct vguest *g, uint32_t oid, uint8_t *rep)
{
	uint8_t req[28] = { 0 };

	put_le32(req, 4);
	put_le32(req + 4, sizeof(req));
	put_le32(req + 8, oid ^ 0x55);
	put_le32(req + 12, oid);
	put_le32(req + 20, 20);
	uint32_t n = control(g, req, sizeof(req), rep);
	cr_assert_eq(get_le32(rep), 0x80000004);
	cr_assert_eq(get_le32(rep + 8), oid ^ 0x55);
	cr_assert_eq(get_le32(rep + 20), 16, "info offset");
	cr_assert_eq(n, 24 + get_le32(rep + 16));
	return get_le32(rep + 12);
}

static void set_filter(struct vguest *g, uint32_t filter)
{
	uint8_t req[32] = { 0 }, rep[64];

	put_le32(req, 5);
	put_le32(req + 4, sizeof(req));
	put_le32(req + 8, 99);
	put_le32(req + 12, 0x0001010e);
	put_le32(req + 16, 4);
	put_le32(req + 20, 20);
	put_le32(req + 28, filter);
	cr_assert_eq(control(g, req, sizeof(req), rep), 16);
	cr_assert_eq(get_le32(rep), 0x80000005);
	cr_assert_eq(get_le32(rep + 8), 99);
	cr_assert_eq(get_le32(rep + 12), 0);
}

static void bring_up(struct vguest *g)
{
	negotiate(g);
	rndis_init_dev(g);
	set_filter(g, 0x0d); /* directed, all multicast, broadcast */
}

Test(vmbus_netvsc, negotiation_and_rndis_queries)
{
	struct vguest *g = nv_new();
	uint8_t rep[2048];

	negotiate(g);
	rndis_init_dev(g);
	cr_assert_eq(query(g, 0x01010101, rep), 0);
	cr_assert_eq(get_le32(rep + 16), 6);
	cr_assert_eq(memcmp(rep + 24, our_mac, 6), 0, "the MAC");
	cr_assert_eq(query(g, 0x00010106, rep), 0);
	cr_assert_eq(get_le32(rep + 24), 1500, "max frame size");
	cr_assert_eq(query(g, 0x00010114, rep), 0);
	cr_assert_eq(get_le32(rep + 24), 0, "connected");
	cr_assert_eq(query(g, 0xfc01020d, rep), 0);
	cr_assert_eq(get_le32(rep + 16), 112, "NDIS_OFFLOAD 6.0");
	cr_assert_eq(rep[24], 0xa7);
	cr_assert_eq(get_le16(rep + 26), 112);
	for (unsigned i = 4; i < 112; i++)
		cr_assert_eq(rep[24 + i], 0, "no offloads");
	cr_assert_eq(query(g, 0x00010116, rep), 0xc00000bb,
		     "friendly name: not supported");
	cr_assert_eq(get_le32(rep + 16), 0);
	set_filter(g, 0x0d);

	/* KEEPALIVE through a send section (index 2), not page buffers. */
	uint8_t ka[12] = { 0 }, r[NVSP_MSG_SIZE];
	put_le32(ka, 8);
	put_le32(ka + 4, sizeof(ka));
	put_le32(ka + 8, 1234);
	vg_write(g, TX_BUF + 2 * NETVSP_TX_SECTION, ka, sizeof(ka));
	uint64_t tid = nvsp(g, NVSP_SEND_RNDIS_PKT, 1, 2, sizeof(ka));
	cr_assert_eq(xfer(g, rep), 16);
	cr_assert_eq(get_le32(rep), 0x80000008);
	cr_assert_eq(get_le32(rep + 8), 1234);
	completion(g, tid, r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_SUCCESS);
	vg_free(g);
}

static void make_frame(uint8_t *f, size_t len, const uint8_t *dst)
{
	static const uint8_t src[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08, f[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(i * 13);
}

Test(vmbus_netvsc, a_frame_each_way)
{
	struct vguest *g = nv_new();
	uint8_t f[600], rep[2048], r[NVSP_MSG_SIZE];

	bring_up(g);
	/* Guest -> wire: RNDIS header in one page buffer, the frame in
	 * another that crosses a page (netvsc_xmit's layout). */
	uint8_t h[44] = { 0 };
	put_le32(h, 1);
	put_le32(h + 4, 44 + sizeof(f));
	put_le32(h + 8, 36);
	put_le32(h + 12, sizeof(f));
	make_frame(f, sizeof(f), (const uint8_t *)"\x52\x55\x0a\x00\x02\x02");
	vg_write(g, MSG_PAGE, h, sizeof(h));
	vg_write(g, FRAME_PAGE + 4000, f, sizeof(f));
	uint64_t gpa[2] = { MSG_PAGE, FRAME_PAGE + 4000 };
	uint32_t len[2] = { sizeof(h), sizeof(f) };
	rndis_pages(g, 0, gpa, len, 2);
	completion(g, g->next_tid - 1, r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_SUCCESS);
	cr_assert_eq(wire_count, 0, "frames leave at sync points");
	net_poll(g->m->net);
	cr_assert_eq(wire_count, 1);
	cr_assert_eq(wire_len, sizeof(f));
	cr_assert_eq(memcmp(wire, f, sizeof(f)), 0, "the frame on the wire");

	/* Wire -> guest: to our MAC, then broadcast; another MAC is not
	 * ours and the filter drops it. */
	make_frame(f, 200, our_mac);
	/* The guest's handler takes the event flag and EOIs. */
	vg_write(g, G_SIEFP + VMBUS_SINT * 256, "\0", 1);
	vg_clear_irq(g);
	net_host_receive(g->m->net, f, 200);
	net_poll(g->m->net);
	cr_assert(vg_irr(g, G_VECTOR), "the guest is interrupted");
	cr_assert_eq(xfer(g, rep), 44 + 200);
	cr_assert_eq(get_le32(rep), 1, "RNDIS data packet");
	cr_assert_eq(get_le32(rep + 8), 36, "data offset");
	cr_assert_eq(get_le32(rep + 12), 200, "data length");
	cr_assert_eq(memcmp(rep + 44, f, 200), 0, "the frame in the section");
	make_frame(f, 60, (const uint8_t *)"\xff\xff\xff\xff\xff\xff");
	net_host_receive(g->m->net, f, 60);
	make_frame(f, 60, (const uint8_t *)"\x52\x54\x00\x12\x34\x99");
	net_host_receive(g->m->net, f, 60);
	net_poll(g->m->net);
	cr_assert_eq(xfer(g, rep), 44 + 60);
	cr_assert_eq(rep[44], 0xff);
	uint16_t type;
	uint64_t tid;
	uint32_t off;
	cr_assert_eq(nv_take(g, rep, &type, &tid, &off), -1, "not ours: dropped");
	vg_free(g);
}

Test(vmbus_netvsc, receive_sections_wait_for_the_guest)
{
	struct vguest *g = nv_new();
	uint8_t f[100], pkt[4096];
	uint16_t type;
	uint64_t tid, first = 0;
	uint32_t off;

	bring_up(g);
	make_frame(f, sizeof(f), our_mac);
	for (unsigned i = 0; i < RX_SECTIONS; i++)
		net_host_receive(g->m->net, f, sizeof(f));
	net_poll(g->m->net);
	/* All but the control reserve are handed out, none twice. */
	unsigned got = 0;
	uint8_t seen[RX_SECTIONS] = { 0 };
	while (nv_take(g, pkt, &type, &tid, &off) > 0) {
		uint32_t s = get_le32(pkt + 28) / NETVSP_RX_SECTION;
		cr_assert_eq(type, VMPKT_XFER_PAGES);
		cr_assert_eq(seen[s], 0, "section %u in use twice", s);
		seen[s] = 1;
		if (!got++)
			first = tid;
	}
	cr_assert_eq(got, RX_SECTIONS - NETVSP_RX_RESERVE);
	net_poll(g->m->net);
	cr_assert_eq(nv_take(g, pkt, &type, &tid, &off), -1, "held back");
	/* One freed: one more frame goes. */
	uint8_t c[8];
	put_le32(c, NVSP_SEND_RNDIS_PKT_COMPLETE);
	put_le32(c + 4, NVSP_STAT_SUCCESS);
	vg_send_full(g, VMPKT_COMPLETION, 0, first, NULL, 0, c, sizeof(c));
	/* A second completion of the same packet changes nothing. */
	vg_send_full(g, VMPKT_COMPLETION, 0, first, NULL, 0, c, sizeof(c));
	net_poll(g->m->net);
	cr_assert_gt(nv_take(g, pkt, &type, &tid, &off), 0);
	net_poll(g->m->net);
	cr_assert_eq(nv_take(g, pkt, &type, &tid, &off), -1);
	vg_free(g);
}

Test(vmbus_netvsc, malformed_messages_fail_cleanly)
{
	struct vguest *g = nv_new();
	uint8_t r[NVSP_MSG_SIZE], rep[2048];
	uint16_t type;
	uint64_t tid;
	uint32_t off;

	/* Buffers before INIT, and a GPADL that does not exist. */
	completion(g, nvsp(g, NVSP_SEND_RECV_BUF, 0xe1e11, 0xcafe, 0), r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_FAIL);
	negotiate(g);
	completion(g, nvsp(g, NVSP_SEND_SEND_BUF, 0xbad, 0, 0), r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_FAIL);
	completion(g, nvsp(g, NVSP_SEND_SEND_BUF, 0xe1e12, 0, 0), r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_SUCCESS, "the good one again");
	/* An unknown NVSP message: no reply, nothing breaks. */
	nvsp(g, 0x7777, 1, 2, 3);
	cr_assert_eq(nv_take(g, rep, &type, &tid, &off), -1);
	rndis_init_dev(g);

	/* Send section out of range, and a size beyond a section. */
	completion(g, nvsp(g, NVSP_SEND_RNDIS_PKT, 1, 10, 12), r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_FAIL);
	completion(g, nvsp(g, NVSP_SEND_RNDIS_PKT, 1, 0, NETVSP_TX_SECTION + 1), r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_FAIL);
	/* msg_len beyond the bytes sent, and below the header. */
	uint8_t m[16] = { 0 };
	put_le32(m, 4);
	put_le32(m + 4, 0x7ffffff0);
	vg_write(g, TX_BUF, m, sizeof(m));
	completion(g, nvsp(g, NVSP_SEND_RNDIS_PKT, 1, 0, sizeof(m)), r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_FAIL);
	put_le32(m + 4, 4);
	vg_write(g, TX_BUF, m, sizeof(m));
	completion(g, nvsp(g, NVSP_SEND_RNDIS_PKT, 1, 0, sizeof(m)), r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_FAIL);
	/* A page buffer outside RAM, and one whose range overflows. */
	uint64_t gpa = 0xfff00000ull;
	uint32_t len = 64;
	rndis_pages(g, 1, &gpa, &len, 1);
	completion(g, g->next_tid - 1, r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_FAIL);
	gpa = MSG_PAGE + 4000;
	len = 0xfffff000u;
	rndis_pages(g, 1, &gpa, &len, 1);
	completion(g, g->next_tid - 1, r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_FAIL);
	/* A data packet whose offset and length point past its end: no
	 * frame leaves. */
	uint8_t d[44 + 60] = { 0 };
	put_le32(d, 1);
	put_le32(d + 4, sizeof(d));
	put_le32(d + 8, 0xfffffff0u);
	put_le32(d + 12, 60);
	vg_write(g, TX_BUF + NETVSP_TX_SECTION, d, sizeof(d));
	completion(g, nvsp(g, NVSP_SEND_RNDIS_PKT, 0, 1, sizeof(d)), r);
	put_le32(d + 8, 36);
	put_le32(d + 12, 0x80000000u);
	vg_write(g, TX_BUF + NETVSP_TX_SECTION, d, sizeof(d));
	completion(g, nvsp(g, NVSP_SEND_RNDIS_PKT, 0, 1, sizeof(d)), r);
	net_poll(g->m->net);
	cr_assert_eq(wire_count, 0);
	/* A stray transfer completion is ignored. */
	vg_send_full(g, VMPKT_COMPLETION, 0, 0x1234, NULL, 0, m, 8);
	/* Still alive: a query answers. */
	cr_assert_eq(query(g, 0x01010101, rep), 0);

	/* A corrupt ring stops the channel without touching anything. */
	vg_wr32(g, G_OUT_HDR + RING_HDR_WRITE, 0xfffffff8u);
	cr_assert_eq(vg_hypercall(g, 0x1005d, VMBUS_CHAN_CONN_BASE + 1, 0), 0);
	cr_assert_eq(nv_take(g, rep, &type, &tid, &off), -1);
	vg_free(g);
}

Test(vmbus_netvsc, needs_hyperv)
{
	struct machine *m = testbed_new(100000);
	char err[256];

	m->cfg.nic[0] = "netvsc";
	m->cfg.net = "none";
	cr_assert_eq(pc_build_net(m, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "--nic netvsc needs --enlighten hyperv");
	testbed_free(m);
}

Test(vmbus_netvsc, two_nics_two_channels)
{
	struct vguest *g = vg_new(0);
	uint8_t m[8] = { 0 }, o[2][240], r[240];
	char err[256];

	g->m->cfg.nic[0] = "netvsc";
	g->m->cfg.nic[1] = "netvsc";
	g->m->cfg.mac[1] = "52:54:00:aa:bb:cc";
	g->m->cfg.net = "none";
	cr_assert_eq(pc_build_net(g->m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(net_nic_count(g->m->net), 2);
	vg_setup_synic(g);
	vg_connect(g);
	put_le32(m, VMBUS_MSG_REQUESTOFFERS);
	cr_assert_eq(vg_post(g, m, 8), 0);
	for (unsigned i = 0; i < 2; i++) {
		cr_assert_eq(vg_recv(g, o[i]), VMBUS_OFFER_SIZE);
		cr_assert_eq(get_le32(o[i]), VMBUS_MSG_OFFERCHANNEL);
		cr_assert_eq(memcmp(o[i] + 8, "\x63\x51\x61\xf8\x3e\xdf\xc5\x46", 8), 0,
			     "the network class");
		cr_assert_eq(get_le32(o[i] + 184), i + 1, "relid");
	}
	cr_assert_neq(memcmp(o[0] + 24, o[1] + 24, 16), 0, "distinct instances");
	cr_assert_eq(vg_recv(g, r), 8, "all offers delivered");
	vg_free(g);
}

/* A snapshot taken with a frame in a receive section the guest has not
 * freed, loaded into a fresh machine: the NIC carries on where it was. */
Test(vmbus_netvsc, a_snapshot_keeps_the_nic_going)
{
	struct vguest *g = nv_new();
	uint8_t f[100], pkt[4096];
	uint16_t type;
	uint64_t tid;
	uint32_t off;
	char err[256];

	bring_up(g);
	make_frame(f, sizeof(f), our_mac);
	net_host_receive(g->m->net, f, sizeof(f));
	net_poll(g->m->net);
	cr_assert_gt(nv_take(g, pkt, &type, &tid, &off), 0);
	FILE *fp = tmpfile();
	cr_assert_not_null(fp);
	cr_assert_eq(state_write(&g->m->state, fp, err, sizeof(err)), 0, "%s", err);
	rewind(fp);

	struct vguest *h = vg_new(0);
	h->m->cfg.nic[0] = "netvsc";
	h->m->cfg.net = "none";
	cr_assert_eq(pc_build_net(h->m, err, sizeof(err)), 0, "%s", err);
	net_set_backend(h->m->net, &wire_be);
	cr_assert_eq(state_read(&h->m->state, fp, err, sizeof(err)), 0, "%s", err);
	fclose(fp);
	vg_free(g);

	/* The section taken before the snapshot is still taken. */
	for (unsigned i = 0; i < RX_SECTIONS; i++)
		net_host_receive(h->m->net, f, sizeof(f));
	net_poll(h->m->net);
	unsigned got = 0;
	uint64_t t;
	while (nv_take(h, pkt, &type, &t, &off) > 0)
		got++;
	cr_assert_eq(got, RX_SECTIONS - NETVSP_RX_RESERVE - 1);
	/* Its completion frees it; the send buffer still works. */
	uint8_t c[8], r[NVSP_MSG_SIZE];
	put_le32(c, NVSP_SEND_RNDIS_PKT_COMPLETE);
	put_le32(c + 4, NVSP_STAT_SUCCESS);
	vg_send_full(h, VMPKT_COMPLETION, 0, tid, NULL, 0, c, sizeof(c));
	net_poll(h->m->net);
	cr_assert_gt(nv_take(h, pkt, &type, &t, &off), 0, "one more frame");
	uint8_t d[44 + 60] = { 0 };
	put_le32(d, 1);
	put_le32(d + 4, sizeof(d));
	put_le32(d + 8, 36);
	put_le32(d + 12, 60);
	make_frame(d + 44, 60, (const uint8_t *)"\xff\xff\xff\xff\xff\xff");
	vg_write(h, TX_BUF + 3 * NETVSP_TX_SECTION, d, sizeof(d));
	wire_count = 0;
	completion(h, nvsp(h, NVSP_SEND_RNDIS_PKT, 0, 3, sizeof(d)), r);
	cr_assert_eq(get_le32(r + 4), NVSP_STAT_SUCCESS);
	net_poll(h->m->net);
	cr_assert_eq(wire_count, 1);
	cr_assert_eq(memcmp(wire, d + 44, 60), 0);
	vg_free(h);
}
