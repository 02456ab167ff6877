/* vmbus/netvsp.h: the netvsc host: a synthetic NIC on one VMBus channel.
 *
 * NVSP (the channel protocol) sets up two guest buffers: the receive
 * buffer, cut into sections the host fills with RNDIS messages and hands
 * over in transfer-page packets, and the send buffer, whose sections the
 * guest fills. RNDIS (vmbus/rndis.c) rides inside: control messages and
 * data packets. The frame side is two callbacks, so vmbus/ stays free of
 * the machine's network hub (core/pc_net.c connects them).
 */
#ifndef LUCID_VMBUS_NETVSP_H
#define LUCID_VMBUS_NETVSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmbus/ring.h"

struct vmbus;
struct vmbus_channel;
struct state;
struct log;

/* NVSP message types (u32 at offset 0). */
enum nvsp_msg {
	NVSP_INIT = 1,
	NVSP_INIT_COMPLETE = 2,
	NVSP_SEND_NDIS_VER = 100,
	NVSP_SEND_RECV_BUF = 101,
	NVSP_SEND_RECV_BUF_COMPLETE = 102,
	NVSP_REVOKE_RECV_BUF = 103,
	NVSP_SEND_SEND_BUF = 104,
	NVSP_SEND_SEND_BUF_COMPLETE = 105,
	NVSP_REVOKE_SEND_BUF = 106,
	NVSP_SEND_RNDIS_PKT = 107,
	NVSP_SEND_RNDIS_PKT_COMPLETE = 108,
	NVSP_SEND_NDIS_CONFIG = 125,
};

#define NVSP_STAT_SUCCESS 1
#define NVSP_STAT_FAIL 2
#define NVSP_MSG_SIZE 40        /* Linux's struct nvsp_message */
#define NVSP_VERSION_4 0x40000u /* the newest offered: no RSC, no vRSS */
#define NETVSP_RECV_BUF_ID 0xcafe
#define NETVSP_RX_SECTION 1728  /* a frame and its RNDIS header fit */
#define NETVSP_RX_SECTIONS 1024 /* offered at most (4096 pages cover it) */
#define NETVSP_RX_RESERVE 8     /* sections only control replies may use */
#define NETVSP_TX_SECTION 6144
#define NETVSP_MSG_MAX 16384    /* one guest message, gathered */
#define NETVSP_MAX_RANGES 64    /* page buffers in one GPA-direct packet */
#define NETVSP_MTU 1500

struct netvsp {
	struct vmbus *vb;
	struct vmbus_channel *ch;
	struct log *log;
	uint8_t mac[6];
	/* A frame the guest sent (port: the caller's, given at create). */
	void (*transmit)(void *opaque, unsigned port, const uint8_t *frame,
			 size_t len);
	void *tx_opaque;
	unsigned port;
	uint8_t *pkt; /* one guest ring packet (host scratch, not state) */
	uint8_t *msg; /* its RNDIS bytes gathered */
	uint64_t rx_frames, tx_frames, dropped; /* host statistics */

	/* State. */
	uint32_t version;     /* negotiated NVSP version, 0 = none */
	uint32_t ndis_version;
	uint32_t rx_gpadl, tx_gpadl;
	uint32_t rx_sections; /* offered, 0 = no receive buffer */
	uint32_t tx_sections; /* 0 = no send buffer */
	uint32_t rx_used, rx_next;
	uint32_t filter;      /* NDIS packet filter, 0 = receive nothing */
	uint8_t rndis;        /* RNDIS_* state below */
	uint8_t broken;       /* the guest's ring was corrupt: stop reading */
	uint16_t rx_id;       /* the receive buffer's transfer-page set */
	uint8_t rx_map[NETVSP_RX_SECTIONS / 8];
};

enum { NETVSP_RNDIS_OFF = 0, NETVSP_RNDIS_ON = 1, NETVSP_RNDIS_HALTED = 2 };

/* Adds a NIC channel (instance GUID ends in index) to vb. NULL if vb has
 * no channel left. name: its state section ("netvsp0", ...), a string
 * that outlives the device. */
struct netvsp *netvsp_create(struct vmbus *vb, unsigned index,
			     const uint8_t mac[6], struct log *log,
			     struct state *state, const char *name);
void netvsp_reset(void *opaque);
void netvsp_destroy(void *opaque);

/* The wire side (core/net.h's net_nic_ops): would a frame be taken (or
 * knowingly dropped) now; deliver one. */
bool netvsp_can_receive(void *opaque, size_t len);
void netvsp_receive(void *opaque, const uint8_t *frame, size_t len);

/* One guest ring packet (exposed for the fuzzer): handled, its completion
 * queued; *signal says the guest wants an interrupt. */
void netvsp_handle_packet(struct netvsp *nv, const uint8_t *pkt,
			  const struct ring_pkt *p, bool *signal);

/* netvsp.c for rndis.c: an RNDIS message of len bytes (the iov) into a
 * free receive section, as a transfer-page packet. ctrl: a control reply
 * (may use the reserve). 1 sent, 0 dropped (no section or ring room). */
int netvsp_rx_put(struct netvsp *nv, const struct ring_iov *iov,
		  unsigned niov, bool ctrl, bool *signal);

/* vmbus/rndis.c: the RNDIS messages in msg[0..len) (the guest may batch
 * several); replies through netvsp_rx_put. An NVSP status. */
uint32_t rndis_handle(struct netvsp *nv, const uint8_t *msg, uint32_t len,
		      bool *signal);
/* A frame from the wire as an RNDIS data packet, if the filter takes it. */
void rndis_receive(struct netvsp *nv, const uint8_t *frame, size_t len,
		   bool *signal);

#endif
