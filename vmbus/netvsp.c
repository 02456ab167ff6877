/* vmbus/netvsp.c: the netvsc host, NVSP half (RNDIS is vmbus/rndis.c).
 *
 * Linux's hv_netvsc opens the channel, then: INIT (one version at a time,
 * newest first; 4.0 is the newest accepted, so no RSC or vRSS), NDIS
 * config and version (no reply), SEND_RECV_BUF (one section list of
 * 1728-byte sub-allocations), SEND_SEND_BUF (6144-byte sections). Every
 * RNDIS message then rides in SEND_RNDIS_PKT: guest->host in a send
 * section or in GPA-direct page buffers, completed with status;
 * host->guest copied into a free receive section and announced with a
 * transfer-page packet, which the guest completes to free the section.
 * Like storvsp, the guest's requests run to the end inside its
 * HvSignalEvent; frames from the wire arrive at sync points.
 */
#include "vmbus/netvsp.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/state.h"
#include "core/util.h"
#include "vmbus/gpa.h"
#include "vmbus/vmbus.h"

#define PKT_CAP 8192
/* A completion (an NVSP message) and one control reply's transfer-page
 * packet: what one guest request can need. */
#define XFER_ROOM (RING_DESC + 16 + 16 + RING_TRAILER)
#define REPLY_ROOM (RING_DESC + NVSP_MSG_SIZE + RING_TRAILER + XFER_ROOM)
/* Transaction ids of transfer-page packets: a tag and the section. */
#define RX_TID_TAG 0x6e76737000000000ull

/* f8615163-df3e-46c5-913f-f2d2f965ed0e, in Windows byte order. */
static const uint8_t nic_guid[16] = {
	0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46,
	0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e,
};

static const uint32_t nvsp_versions[] = { NVSP_VERSION_4, 0x30002, 0x2 };

static const struct state_field netvsp_fields[] = {
	STATE_FIELD(struct netvsp, version),
	STATE_FIELD(struct netvsp, ndis_version),
	STATE_FIELD(struct netvsp, rx_gpadl),
	STATE_FIELD(struct netvsp, tx_gpadl),
	STATE_FIELD(struct netvsp, rx_sections),
	STATE_FIELD(struct netvsp, tx_sections),
	STATE_FIELD(struct netvsp, rx_used),
	STATE_FIELD(struct netvsp, rx_next),
	STATE_FIELD(struct netvsp, filter),
	STATE_FIELD(struct netvsp, rndis),
	STATE_FIELD(struct netvsp, broken),
	STATE_FIELD(struct netvsp, rx_id),
	STATE_FIELD(struct netvsp, rx_map),
	STATE_END,
};

/* Copy [off, off+len) of a GPADL'd buffer from or to the guest: 0, or -1
 * if the GPADL is gone, the span leaves it or a page is not RAM. */
static int buf_copy(struct netvsp *nv, uint32_t gpadl, uint64_t off,
		    void *buf, size_t len, bool to_guest)
{
	struct mem *mem = nv->vb->mem;
	uint32_t npfn;
	const uint64_t *pfn = vmbus_gpadl_pfns(nv->vb, gpadl, &npfn);
	uint8_t *b = buf;

	if (!pfn || off > (uint64_t)npfn * GPA_PAGE ||
	    len > (uint64_t)npfn * GPA_PAGE - off)
		return -1;
	while (len) {
		size_t po = off % GPA_PAGE, n = GPA_PAGE - po;
		uint64_t page = pfn[off / GPA_PAGE];
		if (n > len)
			n = len;
		if (page >= MEM_NPAGES)
			return -1;
		uint64_t gpa = page << MEM_PAGE_SHIFT | po;
		if (to_guest ? gpa_write(mem, gpa, b, n) : gpa_read(mem, gpa, b, n))
			return -1;
		b += n, off += n, len -= n;
	}
	return 0;
}

static uint32_t gpadl_bytes(struct netvsp *nv, uint32_t gpadl)
{
	uint32_t npfn = 0;

	if (!vmbus_gpadl_pfns(nv->vb, gpadl, &npfn))
		return 0;
	return npfn > UINT32_MAX / GPA_PAGE ? UINT32_MAX : npfn * GPA_PAGE;
}

/* --- receive sections --------------------------------------------------- */

static bool rx_busy(const struct netvsp *nv, uint32_t s)
{
	return nv->rx_map[s / 8] >> (s % 8) & 1;
}

static void rx_mark(struct netvsp *nv, uint32_t s, bool busy)
{
	if (busy)
		nv->rx_map[s / 8] |= (uint8_t)(1u << (s % 8));
	else
		nv->rx_map[s / 8] &= (uint8_t)~(1u << (s % 8));
}

/* Sections data may not take: control replies must not starve. */
static uint32_t rx_reserve(const struct netvsp *nv)
{
	return nv->rx_sections >= 4 * NETVSP_RX_RESERVE ? NETVSP_RX_RESERVE : 0;
}

static bool rx_room(const struct netvsp *nv, bool ctrl)
{
	return nv->rx_used + (ctrl ? 0 : rx_reserve(nv)) < nv->rx_sections &&
	       ring_write_space(&nv->ch->in) >= XFER_ROOM;
}

static int rx_alloc(struct netvsp *nv)
{
	for (uint32_t i = 0; i < nv->rx_sections; i++) {
		uint32_t s = (nv->rx_next + i) % nv->rx_sections;
		if (!rx_busy(nv, s)) {
			rx_mark(nv, s, true);
			nv->rx_used++;
			nv->rx_next = (s + 1) % nv->rx_sections;
			return (int)s;
		}
	}
	return -1;
}

static void rx_free(struct netvsp *nv, uint32_t s)
{
	rx_mark(nv, s, false);
	nv->rx_used--;
}

static void rx_drop_buffer(struct netvsp *nv)
{
	nv->rx_sections = 0;
	nv->rx_used = 0;
	nv->rx_next = 0;
	memset(nv->rx_map, 0, sizeof(nv->rx_map));
}

int netvsp_rx_put(struct netvsp *nv, const struct ring_iov *iov,
		  unsigned niov, bool ctrl, bool *signal)
{
	uint8_t xfer[16], msg[16];
	size_t len = 0;

	for (unsigned i = 0; i < niov; i++)
		len += iov[i].len;
	if (len > NETVSP_RX_SECTION || !vmbus_channel_open(nv->ch) ||
	    nv->broken || !rx_room(nv, ctrl))
		return 0;
	int s = rx_alloc(nv);
	if (s < 0)
		return 0;
	uint64_t off = (uint64_t)s * NETVSP_RX_SECTION, at = off;
	for (unsigned i = 0; i < niov; i++) {
		if (buf_copy(nv, nv->rx_gpadl, at, (void *)iov[i].p, iov[i].len,
			     true)) {
			rx_free(nv, (uint32_t)s);
			return 0;
		}
		at += iov[i].len;
	}
	/* Transfer-page header after the descriptor: set id, sender_owns,
	 * one range {byte_count, byte_offset}; then NVSP SEND_RNDIS_PKT. */
	memset(xfer, 0, sizeof(xfer));
	put_le16(xfer, nv->rx_id);
	put_le32(xfer + 4, 1);
	put_le32(xfer + 8, (uint32_t)len);
	put_le32(xfer + 12, (uint32_t)off);
	memset(msg, 0, sizeof(msg));
	put_le32(msg, NVSP_SEND_RNDIS_PKT);
	put_le32(msg + 4, ctrl ? 1 : 0);
	put_le32(msg + 8, UINT32_MAX);
	struct ring_iov pkt[2] = { { xfer, sizeof(xfer) }, { msg, sizeof(msg) } };
	bool sig = false;
	if (ring_write_packet(&nv->ch->in, VMPKT_XFER_PAGES,
			      VMPKT_FLAG_COMPLETION, RX_TID_TAG | (uint32_t)s,
			      pkt, 2, sizeof(xfer), &sig) != 1) {
		rx_free(nv, (uint32_t)s);
		return 0;
	}
	*signal |= sig;
	return 1;
}

/* The guest is done with a transfer-page packet's section. */
static void rx_complete(struct netvsp *nv, uint64_t tid)
{
	uint64_t s = tid ^ RX_TID_TAG;

	if (s >= nv->rx_sections || !rx_busy(nv, (uint32_t)s)) {
		log_debug(nv->log, VMBUS, "netvsp: stray completion %#llx",
			  (unsigned long long)tid);
		return;
	}
	rx_free(nv, (uint32_t)s);
}

/* --- NVSP ---------------------------------------------------------------- */

static void nvsp_init(struct netvsp *nv, const uint8_t *m, uint8_t *rep)
{
	uint32_t lo = get_le32(m + 4), hi = get_le32(m + 8);

	put_le32(rep, NVSP_INIT_COMPLETE);
	put_le32(rep + 12, NVSP_STAT_FAIL);
	for (unsigned i = 0; i < ARRAY_SIZE(nvsp_versions); i++) {
		uint32_t v = nvsp_versions[i];
		if (v >= lo && v <= hi) {
			nv->version = v;
			put_le32(rep + 4, v);
			put_le32(rep + 12, NVSP_STAT_SUCCESS);
			return;
		}
	}
}

static void nvsp_recv_buf(struct netvsp *nv, const uint8_t *m, uint8_t *rep)
{
	uint32_t gpadl = get_le32(m + 4);
	uint32_t n = gpadl_bytes(nv, gpadl) / NETVSP_RX_SECTION;

	put_le32(rep, NVSP_SEND_RECV_BUF_COMPLETE);
	put_le32(rep + 4, NVSP_STAT_FAIL);
	if (!nv->version || !n) {
		log_debug(nv->log, VMBUS, "netvsp: receive buffer %#x refused",
			  gpadl);
		return;
	}
	if (n > NETVSP_RX_SECTIONS)
		n = NETVSP_RX_SECTIONS;
	rx_drop_buffer(nv);
	nv->rx_gpadl = gpadl;
	nv->rx_id = get_le16(m + 8);
	nv->rx_sections = n;
	/* One section list from offset 0: sub-allocation size and count. */
	put_le32(rep + 4, NVSP_STAT_SUCCESS);
	put_le32(rep + 8, 1);
	put_le32(rep + 12, 0);
	put_le32(rep + 16, NETVSP_RX_SECTION);
	put_le32(rep + 20, n);
	put_le32(rep + 24, n * NETVSP_RX_SECTION);
}

static void nvsp_send_buf(struct netvsp *nv, const uint8_t *m, uint8_t *rep)
{
	uint32_t gpadl = get_le32(m + 4);
	uint32_t n = gpadl_bytes(nv, gpadl) / NETVSP_TX_SECTION;

	put_le32(rep, NVSP_SEND_SEND_BUF_COMPLETE);
	put_le32(rep + 4, NVSP_STAT_FAIL);
	if (!nv->version || !n) {
		log_debug(nv->log, VMBUS, "netvsp: send buffer %#x refused",
			  gpadl);
		return;
	}
	nv->tx_gpadl = gpadl;
	nv->tx_sections = n;
	put_le32(rep + 4, NVSP_STAT_SUCCESS);
	put_le32(rep + 8, NETVSP_TX_SECTION);
}

/* SEND_RNDIS_PKT: gather the message (send section, then page buffers:
 * Linux may put the RNDIS header in a section and the frame in pages)
 * and hand it to RNDIS. An NVSP status. */
static uint32_t nvsp_rndis(struct netvsp *nv, const uint8_t *pkt,
			   uint32_t have, const struct ring_pkt *p,
			   const uint8_t *m, bool *signal)
{
	uint32_t idx = get_le32(m + 8), size = get_le32(m + 12), len = 0;

	if (idx != UINT32_MAX) {
		if (idx >= nv->tx_sections || size > NETVSP_TX_SECTION ||
		    buf_copy(nv, nv->tx_gpadl, (uint64_t)idx * NETVSP_TX_SECTION,
			     nv->msg, size, false))
			return NVSP_STAT_FAIL;
		len = size;
	}
	if (p->type == VMPKT_GPA_DIRECT) {
		struct ring_range rg[NETVSP_MAX_RANGES];
		uint32_t hdr = p->offset < have ? p->offset : have;
		int n = ring_gpa_ranges(pkt, hdr, rg, NETVSP_MAX_RANGES);
		if (n < 0)
			return NVSP_STAT_FAIL;
		for (int i = 0; i < n; i++) {
			if (rg[i].byte_count > NETVSP_MSG_MAX - len ||
			    ring_range_copy(nv->vb->mem, &rg[i], 0, nv->msg + len,
					    rg[i].byte_count, false))
				return NVSP_STAT_FAIL;
			len += rg[i].byte_count;
		}
	}
	return rndis_handle(nv, nv->msg, len, signal);
}

void netvsp_handle_packet(struct netvsp *nv, const uint8_t *pkt,
			  const struct ring_pkt *p, bool *signal)
{
	uint8_t m[NVSP_MSG_SIZE] = { 0 }, rep[NVSP_MSG_SIZE] = { 0 };
	uint32_t have = p->len < PKT_CAP ? p->len : PKT_CAP;
	uint32_t n = have > p->offset ? have - p->offset : 0;
	bool reply = true;

	if (p->type == VMPKT_COMPLETION) {
		rx_complete(nv, p->trans_id);
		return;
	}
	if ((p->type != VMPKT_INBAND && p->type != VMPKT_GPA_DIRECT) || n < 4) {
		log_debug(nv->log, VMBUS, "netvsp: packet type %u dropped",
			  p->type);
		return;
	}
	/* Shorter messages read as zero-extended. */
	memcpy(m, pkt + p->offset, n < sizeof(m) ? n : sizeof(m));
	switch (get_le32(m)) {
	case NVSP_INIT:
		nvsp_init(nv, m, rep);
		break;
	case NVSP_SEND_NDIS_VER:
		nv->ndis_version = get_le32(m + 4) << 16 | (get_le32(m + 8) & 0xffff);
		reply = false;
		break;
	case NVSP_SEND_NDIS_CONFIG:
		reply = false; /* MTU and capabilities: nothing to offer */
		break;
	case NVSP_SEND_RECV_BUF:
		nvsp_recv_buf(nv, m, rep);
		break;
	case NVSP_REVOKE_RECV_BUF:
		rx_drop_buffer(nv);
		reply = false;
		break;
	case NVSP_SEND_SEND_BUF:
		nvsp_send_buf(nv, m, rep);
		break;
	case NVSP_REVOKE_SEND_BUF:
		nv->tx_sections = 0;
		reply = false;
		break;
	case NVSP_SEND_RNDIS_PKT:
		put_le32(rep, NVSP_SEND_RNDIS_PKT_COMPLETE);
		put_le32(rep + 4, nvsp_rndis(nv, pkt, have, p, m, signal));
		break;
	default:
		log_debug(nv->log, VMBUS, "netvsp: NVSP message %u ignored",
			  get_le32(m));
		reply = false;
	}
	if (!reply || !(p->flags & VMPKT_FLAG_COMPLETION))
		return;
	struct ring_iov iov = { rep, sizeof(rep) };
	bool sig = false;
	if (ring_write_packet(&nv->ch->in, VMPKT_COMPLETION, 0, p->trans_id,
			      &iov, 1, 0, &sig) == 1)
		*signal |= sig;
	else
		log_debug(nv->log, VMBUS, "netvsp: completion lost");
}

/* The guest signalled: everything there is room to answer. */
static void netvsp_notify(void *opaque, struct vmbus_channel *ch)
{
	struct netvsp *nv = opaque;
	bool signal = false;
	struct ring_pkt p;

	while (!nv->broken) {
		if (ring_write_space(&ch->in) < REPLY_ROOM) {
			/* The guest signals once it has read enough. */
			ring_hdr_set(&ch->in, RING_HDR_PENDING, REPLY_ROOM);
			break;
		}
		int rc = ring_read_packet(&ch->out, nv->pkt, PKT_CAP, &p);
		if (!rc)
			break;
		if (rc < 0) {
			log_warn(nv->log, VMBUS,
				 "netvsp: guest ring corrupt, channel stopped");
			nv->broken = 1;
			break;
		}
		netvsp_handle_packet(nv, nv->pkt, &p, &signal);
		signal |= ring_read_commit(&ch->out, &p);
	}
	if (signal)
		vmbus_channel_signal(ch);
}

/* Everything the guest set up belongs to one open of the channel. */
static void netvsp_clear(struct netvsp *nv)
{
	nv->version = 0;
	nv->ndis_version = 0;
	nv->rx_gpadl = nv->tx_gpadl = 0;
	nv->tx_sections = 0;
	rx_drop_buffer(nv);
	nv->filter = 0;
	nv->rndis = NETVSP_RNDIS_OFF;
	nv->broken = 0;
	nv->rx_id = 0;
}

static uint32_t netvsp_open(void *opaque, struct vmbus_channel *ch)
{
	netvsp_clear(opaque);
	return 0;
}

static void netvsp_close(void *opaque, struct vmbus_channel *ch)
{
	netvsp_clear(opaque);
}

static const struct vmbus_dev_ops netvsp_ops = {
	.open = netvsp_open,
	.close = netvsp_close,
	.notify = netvsp_notify,
};

/* --- the wire ------------------------------------------------------------ */

static bool netvsp_ready(const struct netvsp *nv)
{
	return vmbus_channel_open(nv->ch) && !nv->broken &&
	       nv->rndis == NETVSP_RNDIS_ON && nv->rx_sections && nv->filter;
}

bool netvsp_can_receive(void *opaque, size_t len)
{
	struct netvsp *nv = opaque;

	/* Not receiving: take the frame and drop it, as a NIC would. */
	return !netvsp_ready(nv) || rx_room(nv, false);
}

void netvsp_receive(void *opaque, const uint8_t *frame, size_t len)
{
	struct netvsp *nv = opaque;
	bool signal = false;

	if (!netvsp_ready(nv)) {
		nv->dropped++;
		return;
	}
	rndis_receive(nv, frame, len, &signal);
	if (signal)
		vmbus_channel_signal(nv->ch);
}

/* --- life ---------------------------------------------------------------- */

struct netvsp *netvsp_create(struct vmbus *vb, unsigned index,
			     const uint8_t mac[6], struct log *log,
			     struct state *state, const char *name)
{
	/* This NIC's instance: fixed, so the guest names it the same way
	 * every run; the last byte tells NICs apart. */
	uint8_t instance[16] = {
		0x4c, 0x55, 0x43, 0x49, 0x44, 0x4e, 0x45, 0x54,
		0x56, 0x53, 0x43, 0x00, 0x00, 0x00, 0x00, (uint8_t)index,
	};
	struct netvsp *nv = xcalloc(1, sizeof(*nv));

	nv->vb = vb;
	nv->log = log;
	memcpy(nv->mac, mac, 6);
	nv->ch = vmbus_add_channel(vb, nic_guid, instance, &netvsp_ops, nv);
	if (!nv->ch) {
		free(nv);
		return NULL;
	}
	nv->pkt = xcalloc(1, PKT_CAP);
	nv->msg = xcalloc(1, NETVSP_MSG_MAX);
	if (state)
		state_add(state, name, netvsp_fields, nv);
	return nv;
}

void netvsp_reset(void *opaque)
{
	netvsp_clear(opaque);
}

void netvsp_destroy(void *opaque)
{
	struct netvsp *nv = opaque;

	free(nv->pkt);
	free(nv->msg);
	free(nv);
}
