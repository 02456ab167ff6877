/* vmbus/rndis.c: RNDIS over NVSP, the device side of netvsc.
 *
 * Every message starts {u32 type, u32 msg_len}; requests then carry a
 * request id the reply echoes. Linux asks: INITIALIZE; QUERY of the
 * maximum frame size, the permanent MAC (required), the friendly name,
 * the offload capabilities (required; an all-zero NDIS_OFFLOAD says
 * "none", so Linux checksums and segments itself), the link status;
 * SET of the offload parameters (must succeed) and the packet filter;
 * KEEPALIVE now and then; HALT on removal. Query offsets count from the
 * request id (after the 8-byte header), as do a data packet's.
 */
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "vmbus/gpa.h"
#include "vmbus/netvsp.h"

enum {
	RNDIS_MSG_PACKET = 1,
	RNDIS_MSG_INIT = 2,
	RNDIS_MSG_HALT = 3,
	RNDIS_MSG_QUERY = 4,
	RNDIS_MSG_SET = 5,
	RNDIS_MSG_RESET = 6,
	RNDIS_MSG_KEEPALIVE = 8,
};
#define RNDIS_COMPLETION 0x80000000u

#define RNDIS_STATUS_SUCCESS 0
#define RNDIS_STATUS_NOT_SUPPORTED 0xc00000bbu
#define RNDIS_STATUS_INVALID_DATA 0xc0010015u

#define OID_GEN_SUPPORTED_LIST 0x00010101u
#define OID_GEN_HARDWARE_STATUS 0x00010102u
#define OID_GEN_MEDIA_SUPPORTED 0x00010103u
#define OID_GEN_MEDIA_IN_USE 0x00010104u
#define OID_GEN_MAXIMUM_FRAME_SIZE 0x00010106u
#define OID_GEN_LINK_SPEED 0x00010107u
#define OID_GEN_CURRENT_PACKET_FILTER 0x0001010eu
#define OID_GEN_MAXIMUM_TOTAL_SIZE 0x00010111u
#define OID_GEN_MAC_OPTIONS 0x00010113u
#define OID_GEN_MEDIA_CONNECT_STATUS 0x00010114u
#define OID_GEN_MAXIMUM_SEND_PACKETS 0x00010115u
#define OID_802_3_PERMANENT_ADDRESS 0x01010101u
#define OID_802_3_CURRENT_ADDRESS 0x01010102u
#define OID_802_3_MULTICAST_LIST 0x01010103u
#define OID_802_3_MAXIMUM_LIST_SIZE 0x01010104u
#define OID_TCP_OFFLOAD_PARAMETERS 0xfc01020cu
#define OID_TCP_OFFLOAD_HW_CAPS 0xfc01020du

#define NDIS_PACKET_DIRECTED 0x01
#define NDIS_PACKET_MULTICAST 0x02
#define NDIS_PACKET_ALL_MULTICAST 0x04
#define NDIS_PACKET_BROADCAST 0x08
#define NDIS_PACKET_PROMISCUOUS 0x20

/* NDIS_OFFLOAD up to its 6.0 end (Linux's minimum), all capabilities 0. */
#define NDIS_OFFLOAD_SIZE_6_0 112
#define NDIS_OBJECT_TYPE_OFFLOAD 0xa7

#define RNDIS_HDR 8
#define RNDIS_PACKET_HDR (RNDIS_HDR + 36)
#define RNDIS_LINK_SPEED 10000000u /* 1 Gbit/s in 100 bit/s units */

static const uint32_t supported_oids[] = {
	OID_GEN_SUPPORTED_LIST,        OID_GEN_HARDWARE_STATUS,
	OID_GEN_MEDIA_SUPPORTED,       OID_GEN_MEDIA_IN_USE,
	OID_GEN_MAXIMUM_FRAME_SIZE,    OID_GEN_LINK_SPEED,
	OID_GEN_CURRENT_PACKET_FILTER, OID_GEN_MAXIMUM_TOTAL_SIZE,
	OID_GEN_MAC_OPTIONS,           OID_GEN_MEDIA_CONNECT_STATUS,
	OID_GEN_MAXIMUM_SEND_PACKETS,  OID_802_3_PERMANENT_ADDRESS,
	OID_802_3_CURRENT_ADDRESS,     OID_802_3_MAXIMUM_LIST_SIZE,
	OID_TCP_OFFLOAD_HW_CAPS,
};

/* A reply: header, then the body. Control replies may use the reserve. */
static void rndis_reply(struct netvsp *nv, uint32_t type, const uint8_t *body,
			uint32_t len, bool *signal)
{
	uint8_t hdr[RNDIS_HDR];

	put_le32(hdr, type | RNDIS_COMPLETION);
	put_le32(hdr + 4, RNDIS_HDR + len);
	struct ring_iov iov[2] = { { hdr, sizeof(hdr) }, { body, len } };
	if (!netvsp_rx_put(nv, iov, 2, true, signal))
		log_debug(nv->log, VMBUS,
			  "netvsp: RNDIS reply %#x dropped (no receive section)",
			  type);
}

static void rndis_init(struct netvsp *nv, const uint8_t *m, bool *signal)
{
	uint8_t b[44] = { 0 };

	memcpy(b, m + 8, 4); /* request id */
	put_le32(b + 4, RNDIS_STATUS_SUCCESS);
	put_le32(b + 8, 1);   /* version 1.0 */
	put_le32(b + 16, 1);  /* flags: connectionless */
	put_le32(b + 20, 0);  /* medium 802.3 */
	put_le32(b + 24, 1);  /* one packet per message: no batching */
	put_le32(b + 28, NETVSP_RX_SECTION);
	put_le32(b + 32, 3);  /* alignment 1 << 3 */
	nv->rndis = NETVSP_RNDIS_ON;
	rndis_reply(nv, RNDIS_MSG_INIT, b, sizeof(b), signal);
}

/* The value of a query into out: its length, or -1 if not supported. */
static int rndis_oid(struct netvsp *nv, uint32_t oid, uint8_t *out)
{
	switch (oid) {
	case OID_GEN_SUPPORTED_LIST:
		for (unsigned i = 0; i < ARRAY_SIZE(supported_oids); i++)
			put_le32(out + 4 * i, supported_oids[i]);
		return 4 * (int)ARRAY_SIZE(supported_oids);
	case OID_GEN_HARDWARE_STATUS: /* ready */
	case OID_GEN_MEDIA_SUPPORTED: /* 802.3 */
	case OID_GEN_MEDIA_IN_USE:
	case OID_GEN_MAC_OPTIONS:
	case OID_GEN_MEDIA_CONNECT_STATUS: /* connected */
		put_le32(out, 0);
		return 4;
	case OID_GEN_MAXIMUM_FRAME_SIZE:
		put_le32(out, NETVSP_MTU);
		return 4;
	case OID_GEN_MAXIMUM_TOTAL_SIZE:
		put_le32(out, NETVSP_MTU + 14);
		return 4;
	case OID_GEN_LINK_SPEED:
		put_le32(out, RNDIS_LINK_SPEED);
		return 4;
	case OID_GEN_CURRENT_PACKET_FILTER:
		put_le32(out, nv->filter);
		return 4;
	case OID_GEN_MAXIMUM_SEND_PACKETS:
		put_le32(out, 1);
		return 4;
	case OID_802_3_MAXIMUM_LIST_SIZE:
		put_le32(out, 32);
		return 4;
	case OID_802_3_PERMANENT_ADDRESS:
	case OID_802_3_CURRENT_ADDRESS:
		memcpy(out, nv->mac, 6);
		return 6;
	case OID_TCP_OFFLOAD_HW_CAPS:
		memset(out, 0, NDIS_OFFLOAD_SIZE_6_0);
		out[0] = NDIS_OBJECT_TYPE_OFFLOAD;
		out[1] = 1; /* revision */
		put_le16(out + 2, NDIS_OFFLOAD_SIZE_6_0);
		return NDIS_OFFLOAD_SIZE_6_0;
	}
	return -1;
}

static void rndis_query(struct netvsp *nv, const uint8_t *m, uint32_t len,
			bool *signal)
{
	uint8_t b[16 + 128];
	uint32_t oid = len >= 16 ? get_le32(m + 12) : 0;

	memset(b, 0, 16);
	memcpy(b, m + 8, 4);
	int n = rndis_oid(nv, oid, b + 16);
	if (n < 0) {
		log_debug(nv->log, VMBUS, "netvsp: OID %#x not supported", oid);
		put_le32(b + 4, RNDIS_STATUS_NOT_SUPPORTED);
		n = 0;
	}
	/* Linux checks the offset even when the status says no. */
	put_le32(b + 8, (uint32_t)n);
	put_le32(b + 12, 16);
	rndis_reply(nv, RNDIS_MSG_QUERY, b, 16 + (uint32_t)n, signal);
}

static void rndis_set(struct netvsp *nv, const uint8_t *m, uint32_t len,
		      bool *signal)
{
	uint8_t b[8];
	uint32_t oid = len >= 16 ? get_le32(m + 12) : 0;
	uint32_t ilen = len >= 20 ? get_le32(m + 16) : 0;
	uint32_t ioff = len >= 24 ? get_le32(m + 20) : 0;
	uint32_t status = RNDIS_STATUS_SUCCESS;

	memcpy(b, m + 8, 4);
	/* The value: [8 + ioff, 8 + ioff + ilen) inside the message. */
	bool in = ioff <= len - RNDIS_HDR && ilen <= len - RNDIS_HDR - ioff;
	const uint8_t *v = m + RNDIS_HDR + (in ? ioff : 0);

	switch (oid) {
	case OID_GEN_CURRENT_PACKET_FILTER:
		if (!in || ilen < 4)
			status = RNDIS_STATUS_INVALID_DATA;
		else
			nv->filter = get_le32(v);
		break;
	case OID_TCP_OFFLOAD_PARAMETERS: /* nothing offloaded to turn on */
	case OID_802_3_MULTICAST_LIST:   /* the filter takes all multicast */
		if (!in)
			status = RNDIS_STATUS_INVALID_DATA;
		break;
	default:
		/* A new MAC (RNDIS config parameter) among others: the
		 * guest keeps the one it has. */
		log_debug(nv->log, VMBUS, "netvsp: set of OID %#x refused", oid);
		status = RNDIS_STATUS_NOT_SUPPORTED;
	}
	put_le32(b + 4, status);
	rndis_reply(nv, RNDIS_MSG_SET, b, sizeof(b), signal);
}

/* A data packet from the guest: its frame onto the wire. */
static void rndis_send(struct netvsp *nv, const uint8_t *m, uint32_t len)
{
	if (nv->rndis != NETVSP_RNDIS_ON || len < RNDIS_PACKET_HDR) {
		nv->dropped++;
		return;
	}
	uint32_t off = get_le32(m + 8), n = get_le32(m + 12);
	if (off > len - RNDIS_HDR || n > len - RNDIS_HDR - off || n < 14 ||
	    n > NETVSP_MTU + 14) {
		log_debug(nv->log, VMBUS, "netvsp: bad data packet (%u at %u)",
			  n, off);
		nv->dropped++;
		return;
	}
	nv->tx_frames++;
	if (nv->transmit)
		nv->transmit(nv->tx_opaque, nv->port, m + RNDIS_HDR + off, n);
}

static void rndis_one(struct netvsp *nv, const uint8_t *m, uint32_t len,
		      bool *signal)
{
	uint32_t type = get_le32(m);
	uint8_t b[8] = { 0 };

	if (type == RNDIS_MSG_PACKET) {
		rndis_send(nv, m, len);
		return;
	}
	/* Every request from here on starts with its id. */
	if (len < 12) {
		log_debug(nv->log, VMBUS, "netvsp: RNDIS %#x too short", type);
		return;
	}
	switch (type) {
	case RNDIS_MSG_INIT:
		rndis_init(nv, m, signal);
		break;
	case RNDIS_MSG_HALT:
		nv->rndis = NETVSP_RNDIS_HALTED;
		nv->filter = 0;
		break;
	case RNDIS_MSG_QUERY:
		rndis_query(nv, m, len, signal);
		break;
	case RNDIS_MSG_SET:
		rndis_set(nv, m, len, signal);
		break;
	case RNDIS_MSG_RESET: /* {status, addressing_reset}: no id */
		nv->filter = 0;
		rndis_reply(nv, type, b, sizeof(b), signal);
		break;
	case RNDIS_MSG_KEEPALIVE:
		memcpy(b, m + 8, 4);
		rndis_reply(nv, type, b, sizeof(b), signal);
		break;
	default:
		log_debug(nv->log, VMBUS, "netvsp: RNDIS message %#x ignored",
			  type);
	}
}

uint32_t rndis_handle(struct netvsp *nv, const uint8_t *msg, uint32_t len,
		      bool *signal)
{
	uint32_t off = 0;

	/* Batched messages follow each other; msg_len covers any padding. */
	while (len - off >= RNDIS_HDR) {
		uint32_t n = get_le32(msg + off + 4);
		if (n < RNDIS_HDR || n > len - off) {
			log_debug(nv->log, VMBUS,
				  "netvsp: RNDIS length %u of %u bytes", n,
				  len - off);
			return NVSP_STAT_FAIL;
		}
		rndis_one(nv, msg + off, n, signal);
		off += n;
	}
	return NVSP_STAT_SUCCESS;
}

static bool rndis_filter_takes(const struct netvsp *nv, const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t f = nv->filter;

	if (f & NDIS_PACKET_PROMISCUOUS)
		return true;
	if (!memcmp(dst, bcast, 6))
		return f & NDIS_PACKET_BROADCAST;
	if (dst[0] & 1)
		return f & (NDIS_PACKET_MULTICAST | NDIS_PACKET_ALL_MULTICAST);
	return (f & NDIS_PACKET_DIRECTED) && !memcmp(dst, nv->mac, 6);
}

void rndis_receive(struct netvsp *nv, const uint8_t *frame, size_t len,
		   bool *signal)
{
	uint8_t h[RNDIS_PACKET_HDR] = { 0 };

	if (len < 14 || len > NETVSP_RX_SECTION - RNDIS_PACKET_HDR ||
	    !rndis_filter_takes(nv, frame)) {
		nv->dropped++;
		return;
	}
	put_le32(h, RNDIS_MSG_PACKET);
	put_le32(h + 4, (uint32_t)(RNDIS_PACKET_HDR + len));
	put_le32(h + 8, RNDIS_PACKET_HDR - RNDIS_HDR); /* data offset */
	put_le32(h + 12, (uint32_t)len);
	struct ring_iov iov[2] = { { h, sizeof(h) }, { frame, len } };
	if (netvsp_rx_put(nv, iov, 2, false, signal))
		nv->rx_frames++;
	else
		nv->dropped++;
}
