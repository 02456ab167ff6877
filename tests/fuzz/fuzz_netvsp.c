/* Fuzz target: netvsp (NVSP and RNDIS). The NIC is channel 2, opened on
 * a 10-page ring GPADL the way Linux does, with NVSP negotiated, a
 * receive and a send buffer and RNDIS initialised (so the fuzzer starts
 * where the data path is). The input is a list of records, each one of:
 *   0..2 {u8 kind, u8 offset8, u16 len, len bytes}: a guest ring packet
 *        (in-band, GPA-direct, completion: its transaction id is its first
 *        8 bytes) whose descriptor the harness makes up (fuzz_ring covers
 *        the ring itself), straight to the packet handler;
 *   3    {u8 kind, u8 -, u16 len, len bytes}: a frame from the wire;
 *   4    {u8 kind, u8 page, u16 len, len bytes}: bytes into guest RAM at
 *        0x30000 + page * 512 (page buffers at 0x30000, the send buffer
 *        at 0x40000).
 * Nothing may crash, hang or leave guest RAM. */
#include "tests/fuzz/fuzz_common.h"

#include "vmbus/netvsp.h"

#define N_RELID 2
#define N_RX 0x70000u /* 32 pages */
#define N_TX 0x40000u /* 16 pages */

static void post(struct fhost *h, const uint8_t *m, uint32_t n)
{
	vmbus_post_message(h->vb, VMBUS_MESSAGE_CONN_ID, 1, m, n);
	fhost_drain(h);
}

/* GPADL id over npfn pages from gpa: HEADER, then BODY messages. */
static void gpadl(struct fhost *h, uint32_t id, uint64_t gpa, uint32_t npfn)
{
	uint8_t m[240] = { 0 };
	uint32_t first = npfn < 26 ? npfn : 26, sent = first, no = 0;

	put_le32(m, VMBUS_MSG_GPADL_HEADER);
	put_le32(m + 8, N_RELID);
	put_le32(m + 12, id);
	put_le16(m + 16, (uint16_t)(8 + 8 * npfn));
	put_le16(m + 18, 1);
	put_le32(m + 20, npfn * 4096);
	for (uint32_t i = 0; i < first; i++)
		put_le64(m + 28 + 8 * i, (gpa >> 12) + i);
	post(h, m, 28 + 8 * first);
	while (sent < npfn) {
		uint32_t n = npfn - sent < 28 ? npfn - sent : 28;
		memset(m, 0, sizeof(m));
		put_le32(m, VMBUS_MSG_GPADL_BODY);
		put_le32(m + 8, ++no);
		put_le32(m + 12, id);
		for (uint32_t i = 0; i < n; i++)
			put_le64(m + 16 + 8 * i, (gpa >> 12) + sent + i);
		post(h, m, 16 + 8 * n);
		sent += n;
	}
}

/* An in-band NVSP message straight to the handler. */
static void nvsp(struct netvsp *nv, uint32_t a, uint32_t b, uint32_t c,
		 uint32_t d)
{
	uint8_t pkt[RING_DESC + NVSP_MSG_SIZE] = { 0 };
	struct ring_pkt p = { .type = VMPKT_INBAND,
			      .flags = VMPKT_FLAG_COMPLETION,
			      .offset = RING_DESC,
			      .len = sizeof(pkt),
			      .trans_id = 1 };
	bool sig = false;

	put_le32(pkt + 16, a);
	put_le32(pkt + 20, b);
	put_le32(pkt + 24, c);
	put_le32(pkt + 28, d);
	netvsp_handle_packet(nv, pkt, &p, &sig);
}

/* An RNDIS message through send section 0. */
static void rndis(struct fhost *h, struct netvsp *nv, const uint8_t *m,
		  uint32_t n)
{
	memcpy(h->mem->ram + N_TX, m, n);
	nvsp(nv, NVSP_SEND_RNDIS_PKT, 1, 0, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	struct fhost h;
	uint8_t m[240] = { 0 };

	fhost_init(&h);
	struct netvsp *nv = netvsp_create(h.vb, 0, mac, &h.log, NULL, "netvsp0");
	put_le32(m, VMBUS_MSG_INITIATE_CONTACT);
	put_le32(m + 8, VMBUS_VERSION_WIN10);
	post(&h, m, 40);
	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_REQUESTOFFERS);
	post(&h, m, 8);
	gpadl(&h, 5, F_RING, 10);
	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_OPENCHANNEL);
	put_le32(m + 8, N_RELID);
	put_le32(m + 16, 5);
	put_le32(m + 24, 5);
	post(&h, m, 148);
	gpadl(&h, 6, N_RX, 32);
	gpadl(&h, 7, N_TX, 16);

	nvsp(nv, NVSP_INIT, NVSP_VERSION_4, NVSP_VERSION_4, 0);
	nvsp(nv, NVSP_SEND_RECV_BUF, 6, NETVSP_RECV_BUF_ID, 0);
	nvsp(nv, NVSP_SEND_SEND_BUF, 7, 0, 0);
	uint8_t init[24] = { 2, 0, 0, 0, 24, 0, 0, 0, 1, 0, 0, 0, 1 };
	rndis(&h, nv, init, sizeof(init));
	uint8_t filter[32] = { 5, 0, 0, 0, 32, 0, 0, 0, 2, 0, 0, 0,
			       0x0e, 0x01, 0x01, 0x00, 4, 0, 0, 0,
			       20, 0, 0, 0, 0, 0, 0, 0, 0x2d };
	rndis(&h, nv, filter, sizeof(filter));
	uint8_t *in = h.mem->ram + F_RING + 5 * 4096;
	static uint8_t pkt[RING_DESC + 65536];
	static const uint16_t types[3] = { VMPKT_INBAND, VMPKT_GPA_DIRECT,
					   VMPKT_COMPLETION };
	uint64_t tid = 0x100;
	while (size >= 4) {
		unsigned kind = data[0] % 5, arg = data[1];
		size_t n = get_le16(data + 2);
		data += 4, size -= 4;
		if (n > size)
			n = size;
		if (kind < 3) {
			/* What ring_read_packet guarantees: 16 <= offset <= len. */
			struct ring_pkt p = { .type = types[kind],
					      .flags = VMPKT_FLAG_COMPLETION,
					      .len = (uint32_t)((RING_DESC + n + 7) & ~7u),
					      .trans_id = tid++ };
			p.offset = RING_DESC + 8 * (arg % 32);
			if (p.offset > p.len)
				p.offset = p.len;
			/* A completion names its transfer-page packet. */
			if (kind == 2 && n >= 8)
				p.trans_id = get_le64(data);
			memset(pkt, 0, p.len);
			memcpy(pkt + RING_DESC, data, n);
			/* The guest has read every reply so far. */
			memcpy(in + RING_HDR_READ, in + RING_HDR_WRITE, 4);
			bool sig = false;
			netvsp_handle_packet(nv, pkt, &p, &sig);
		} else if (kind == 3) {
			if (netvsp_can_receive(nv, n))
				netvsp_receive(nv, data, n);
		} else {
			size_t at = 0x30000 + (size_t)arg * 512;
			memcpy(h.mem->ram + at, data, n < 0x50000 - at ? n : 0x50000 - at);
		}
		data += n, size -= n;
	}
	netvsp_destroy(nv);
	fhost_free(&h);
	return 0;
}
