/* vmbus/vmbus.h: the VMBus control plane and channels, host side.
 *
 * Guest messages arrive through HvPostMessage (hv->post_message) and are
 * answered synchronously through the SynIC message slot of SINT2; guests
 * signal channels with HvSignalEvent on the channel's connection id, the
 * host signals them through the SIEFP event flags (bit = relid). Devices
 * (storvsp, later netvsp) add channels and get open/close/notify calls.
 * Protocol versions offered: 4.0, 3.0 (Win8.1), 2.4 (Win8); all three use
 * dedicated-interrupt channels and event flags, none needs monitor pages.
 */
#ifndef LUCID_VMBUS_VMBUS_H
#define LUCID_VMBUS_VMBUS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmbus/ring.h"

struct hv;
struct mem;
struct log;
struct state;

/* Channel message types (u32 at offset 0 of every control message). */
enum vmbus_msgtype {
	VMBUS_MSG_OFFERCHANNEL = 1,
	VMBUS_MSG_RESCIND_OFFER = 2,
	VMBUS_MSG_REQUESTOFFERS = 3,
	VMBUS_MSG_ALLOFFERS_DELIVERED = 4,
	VMBUS_MSG_OPENCHANNEL = 5,
	VMBUS_MSG_OPENCHANNEL_RESULT = 6,
	VMBUS_MSG_CLOSECHANNEL = 7,
	VMBUS_MSG_GPADL_HEADER = 8,
	VMBUS_MSG_GPADL_BODY = 9,
	VMBUS_MSG_GPADL_CREATED = 10,
	VMBUS_MSG_GPADL_TEARDOWN = 11,
	VMBUS_MSG_GPADL_TORNDOWN = 12,
	VMBUS_MSG_RELID_RELEASED = 13,
	VMBUS_MSG_INITIATE_CONTACT = 14,
	VMBUS_MSG_VERSION_RESPONSE = 15,
	VMBUS_MSG_UNLOAD = 16,
	VMBUS_MSG_UNLOAD_RESPONSE = 17,
};

#define VMBUS_VERSION_WIN8 0x20004u
#define VMBUS_VERSION_WIN8_1 0x30000u
#define VMBUS_VERSION_WIN10 0x40000u
#define VMBUS_MESSAGE_CONN_ID 1   /* versions below 5.0 */
#define VMBUS_MESSAGE_CONN_ID_4 4 /* 5.0 and later (not offered) */
#define VMBUS_SINT 2
#define VMBUS_HVMSG_TYPE 1        /* SynIC message_type of channel messages */
#define VMBUS_CHAN_CONN_BASE 16   /* a channel signals on 16 + relid */
#define VMBUS_OFFER_SIZE 196

#define VMBUS_MAX_CHANNELS 8
#define VMBUS_MAX_GPADLS 64
#define VMBUS_PFN_POOL 8192       /* 32 MiB of GPADL pages in all */
#define VMBUS_GPADL_FAILED 0xc0000001u /* NT STATUS_UNSUCCESSFUL */

struct vmbus_channel;

struct vmbus_dev_ops {
	/* The guest opened the channel (rings valid): 0, or a nonzero
	 * status for OPENCHANNEL_RESULT. */
	uint32_t (*open)(void *opaque, struct vmbus_channel *ch);
	void (*close)(void *opaque, struct vmbus_channel *ch);
	/* The guest signalled: drain ch->out (guest->host). */
	void (*notify)(void *opaque, struct vmbus_channel *ch);
};

/* Guest-visible channel state (in the state table). */
struct vmbus_chan_state {
	uint8_t offered, open, rescinded, pad;
	uint32_t ring_gpadl, ring_split, target_vp, openid;
};

struct vmbus_gpadl {
	uint32_t id, relid;
	uint32_t first, npfn;  /* slice of pfn_pool */
	uint32_t have;         /* pfns received so far */
	uint8_t state;         /* 0 free, 1 assembling, 2 created */
	uint8_t pad[3];
};

struct vmbus_channel {
	struct vmbus *vb;
	unsigned idx;
	uint32_t relid;
	uint8_t type[16], instance[16];
	uint16_t mmio_megabytes;
	const struct vmbus_dev_ops *ops;
	void *opaque;
	/* Host views of the rings while open: out = guest->host (the host
	 * reads it), in = host->guest. Rebuilt from the GPADL on open, pool
	 * compaction and snapshot load. */
	struct ring out, in;
};

struct vmbus {
	struct hv *hv;
	struct mem *mem;
	struct log *log;
	struct vmbus_channel ch[VMBUS_MAX_CHANNELS];
	unsigned nch;

	/* State. */
	uint32_t version;      /* negotiated, 0 = not connected */
	uint32_t target_vcpu;
	uint64_t monitor[2], int_page;
	struct vmbus_chan_state cs[VMBUS_MAX_CHANNELS];
	struct vmbus_gpadl gpadl[VMBUS_MAX_GPADLS];
	uint32_t pfn_used;
	uint64_t pfn_pool[VMBUS_PFN_POOL];
};

/* Installs itself as hv's message and event handler; registers the
 * "vmbus" state section. */
struct vmbus *vmbus_create(struct hv *hv, struct mem *mem, struct log *log,
			   struct state *state);
void vmbus_reset(void *opaque);
void vmbus_destroy(void *opaque);

/* A device's channel (relid = index + 1), offered on REQUESTOFFERS. */
struct vmbus_channel *vmbus_add_channel(struct vmbus *vb,
					const uint8_t type[16],
					const uint8_t instance[16],
					const struct vmbus_dev_ops *ops,
					void *opaque);
bool vmbus_channel_open(const struct vmbus_channel *ch);
/* Tell the guest the host->guest ring has data (event flag relid). */
void vmbus_channel_signal(struct vmbus_channel *ch);
/* Withdraw an offered channel (hot unplug): RESCIND_CHANNELOFFER. */
void vmbus_rescind(struct vmbus_channel *ch);

/* The hv callbacks (exposed for tests and fuzzers). */
uint16_t vmbus_post_message(void *opaque, uint32_t conn_id, uint32_t type,
			    const uint8_t *msg, uint32_t size);
uint16_t vmbus_signal_event(void *opaque, uint32_t conn_id, uint16_t flag);

/* vmbus/gpadl.c: GPADLs, assembled from HEADER + BODY messages into one
 * fixed pool of pfns (deterministic, and all of it in the state table).
 * The pfn list of a created GPADL, or NULL. */
const uint64_t *vmbus_gpadl_pfns(struct vmbus *vb, uint32_t id,
				 uint32_t *npfn);
/* HEADER / BODY: each returns true when the GPADL is complete and
 * *status says whether it is usable (0) or not. */
bool gpadl_header(struct vmbus *vb, const uint8_t *msg, uint32_t size,
		  uint32_t *id, uint32_t *relid, uint32_t *status);
bool gpadl_body(struct vmbus *vb, const uint8_t *msg, uint32_t size,
		uint32_t *id, uint32_t *relid, uint32_t *status);
/* Free one (false if unknown) or all. */
bool gpadl_teardown(struct vmbus *vb, uint32_t id);
void gpadl_reset(struct vmbus *vb);

#endif
