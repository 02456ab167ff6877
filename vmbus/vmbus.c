/* vmbus/vmbus.c: the VMBus control plane (channel messages) and channels.
 *
 * Every guest message is handled inside its HvPostMessage, and replies go
 * into the SynIC queue for SINT2 right away; a sender that needs n reply
 * slots checks for room first and otherwise answers
 * HV_STATUS_INSUFFICIENT_BUFFERS (Linux retries). Messages shorter than
 * their layout, for unknown channels or of unknown types are dropped
 * (logged at debug), never trusted.
 */
#include "vmbus/vmbus.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/state.h"
#include "core/util.h"
#include "vmbus/gpa.h"
#include "vmbus/hv.h"

static const uint32_t vmbus_versions[] = {
	VMBUS_VERSION_WIN10, VMBUS_VERSION_WIN8_1, VMBUS_VERSION_WIN8,
};

static void vmbus_post_load(void *opaque);

static const struct state_field vmbus_fields[] = {
	STATE_FIELD(struct vmbus, version),
	STATE_FIELD(struct vmbus, target_vcpu),
	STATE_FIELD(struct vmbus, monitor),
	STATE_FIELD(struct vmbus, int_page),
	STATE_FIELD(struct vmbus, cs),
	STATE_FIELD(struct vmbus, gpadl),
	STATE_FIELD(struct vmbus, pfn_used),
	STATE_FIELD(struct vmbus, pfn_pool),
	STATE_END,
};

struct vmbus *vmbus_create(struct hv *hv, struct mem *mem, struct log *log,
			   struct state *state)
{
	struct vmbus *vb = xcalloc(1, sizeof(*vb));

	vb->hv = hv;
	vb->mem = mem;
	vb->log = log;
	hv->post_message = vmbus_post_message;
	hv->signal_event = vmbus_signal_event;
	hv->msg_opaque = vb;
	if (state)
		state_add_hooked(state, "vmbus", vmbus_fields, vb, NULL,
				 vmbus_post_load, vb);
	return vb;
}

void vmbus_destroy(void *opaque)
{
	free(opaque);
}

struct vmbus_channel *vmbus_add_channel(struct vmbus *vb,
					const uint8_t type[16],
					const uint8_t instance[16],
					const struct vmbus_dev_ops *ops,
					void *opaque)
{
	if (vb->nch == VMBUS_MAX_CHANNELS)
		return NULL;
	struct vmbus_channel *ch = &vb->ch[vb->nch];
	memset(ch, 0, sizeof(*ch));
	ch->vb = vb;
	ch->idx = vb->nch++;
	ch->relid = ch->idx + 1;
	memcpy(ch->type, type, 16);
	memcpy(ch->instance, instance, 16);
	ch->ops = ops;
	ch->opaque = opaque;
	return ch;
}

bool vmbus_channel_open(const struct vmbus_channel *ch)
{
	return ch->vb->cs[ch->idx].open;
}

static struct vmbus_channel *vmbus_chan_by_relid(struct vmbus *vb,
						 uint32_t relid)
{
	if (relid < 1 || relid > vb->nch)
		return NULL;
	return &vb->ch[relid - 1];
}

/* --- host -> guest --------------------------------------------------- */

static void vmbus_send(struct vmbus *vb, const uint8_t *msg, uint32_t size)
{
	if (synic_post(vb->hv, VMBUS_SINT, VMBUS_HVMSG_TYPE, msg, size))
		log_warn(vb->log, VMBUS, "message %u lost: SynIC queue full",
			 get_le32(msg));
}

static void vmbus_send_u32s(struct vmbus *vb, uint32_t type, uint32_t size,
			    const uint32_t *v, unsigned n)
{
	uint8_t m[32] = { 0 };

	put_le32(m, type);
	for (unsigned i = 0; i < n; i++)
		put_le32(m + 8 + 4 * i, v[i]);
	vmbus_send(vb, m, size);
}

void vmbus_channel_signal(struct vmbus_channel *ch)
{
	if (!synic_signal_event(ch->vb->hv, VMBUS_SINT, ch->relid))
		log_debug(ch->vb->log, VMBUS, "relid %u: no event page",
			  ch->relid);
}

static void vmbus_send_offer(struct vmbus *vb, struct vmbus_channel *ch)
{
	uint8_t m[VMBUS_OFFER_SIZE] = { 0 };

	put_le32(m, VMBUS_MSG_OFFERCHANNEL);
	memcpy(m + 8, ch->type, 16);
	memcpy(m + 24, ch->instance, 16);
	put_le16(m + 58, ch->mmio_megabytes);
	put_le32(m + 184, ch->relid);
	m[188] = 0;                    /* monitor id: */
	m[189] = 0;                    /* no monitor page: HvSignalEvent */
	put_le16(m + 190, 1);          /* dedicated interrupt */
	put_le32(m + 192, VMBUS_CHAN_CONN_BASE + ch->relid);
	vmbus_send(vb, m, sizeof(m));
}

void vmbus_rescind(struct vmbus_channel *ch)
{
	struct vmbus_chan_state *cs = &ch->vb->cs[ch->idx];

	if (!cs->offered || cs->rescinded)
		return;
	cs->rescinded = 1;
	vmbus_send_u32s(ch->vb, VMBUS_MSG_RESCIND_OFFER, 12, &ch->relid, 1);
}

/* --- channels ---------------------------------------------------------- */

/* Point ch's ring views at its GPADL (after open, compaction, load). */
static int vmbus_chan_map(struct vmbus_channel *ch)
{
	struct vmbus *vb = ch->vb;
	struct vmbus_chan_state *cs = &vb->cs[ch->idx];
	uint32_t n;
	const uint64_t *pfn = vmbus_gpadl_pfns(vb, cs->ring_gpadl, &n);

	memset(&ch->out, 0, sizeof(ch->out));
	memset(&ch->in, 0, sizeof(ch->in));
	if (!pfn || cs->ring_split >= n ||
	    ring_init(&ch->out, vb->mem, pfn, cs->ring_split) ||
	    ring_init(&ch->in, vb->mem, pfn + cs->ring_split,
		      n - cs->ring_split))
		return -1;
	return 0;
}

static void vmbus_chan_close(struct vmbus_channel *ch)
{
	struct vmbus_chan_state *cs = &ch->vb->cs[ch->idx];

	if (!cs->open)
		return;
	cs->open = 0;
	if (ch->ops && ch->ops->close)
		ch->ops->close(ch->opaque, ch);
	memset(&ch->out, 0, sizeof(ch->out));
	memset(&ch->in, 0, sizeof(ch->in));
}

static void vmbus_remap_all(struct vmbus *vb)
{
	for (unsigned i = 0; i < vb->nch; i++)
		if (vb->cs[i].open && vmbus_chan_map(&vb->ch[i]))
			vmbus_chan_close(&vb->ch[i]);
}

/* Back to "not connected": channels closed, GPADLs gone. */
static void vmbus_disconnect(struct vmbus *vb)
{
	for (unsigned i = 0; i < vb->nch; i++) {
		vmbus_chan_close(&vb->ch[i]);
		memset(&vb->cs[i], 0, sizeof(vb->cs[i]));
	}
	gpadl_reset(vb);
	vb->version = 0;
	vb->target_vcpu = 0;
	vb->monitor[0] = vb->monitor[1] = vb->int_page = 0;
}

void vmbus_reset(void *opaque)
{
	vmbus_disconnect(opaque);
}

static void vmbus_post_load(void *opaque)
{
	struct vmbus *vb = opaque;

	if (vb->pfn_used > VMBUS_PFN_POOL)
		vmbus_disconnect(vb);
	for (unsigned i = 0; i < vb->nch; i++) {
		struct vmbus_channel *ch = &vb->ch[i];
		if (vb->cs[i].open && vmbus_chan_map(ch)) {
			vb->cs[i].open = 0; /* no device call: it reloads too */
			memset(&ch->out, 0, sizeof(ch->out));
			memset(&ch->in, 0, sizeof(ch->in));
		}
	}
}

/* --- guest -> host messages --------------------------------------------- */

static void vmbus_initiate_contact(struct vmbus *vb, const uint8_t *m,
				   uint32_t size)
{
	uint8_t r[16] = { 0 };
	uint32_t want = get_le32(m + 8);
	bool ok = false;

	vmbus_disconnect(vb);
	for (unsigned i = 0; i < ARRAY_SIZE(vmbus_versions); i++)
		ok |= want == vmbus_versions[i];
	if (ok) {
		vb->version = want;
		vb->target_vcpu = get_le32(m + 12);
		vb->int_page = get_le64(m + 16);
		vb->monitor[0] = get_le64(m + 24);
		vb->monitor[1] = get_le64(m + 32);
		log_info(vb->log, VMBUS, "guest connected, version %u.%u",
			 want >> 16, want & 0xffff);
	} else {
		log_debug(vb->log, VMBUS, "version %#x refused", want);
	}
	put_le32(r, VMBUS_MSG_VERSION_RESPONSE);
	r[8] = ok;
	r[9] = 0; /* connection state: ok */
	put_le32(r + 12, VMBUS_MESSAGE_CONN_ID);
	vmbus_send(vb, r, sizeof(r));
}

static void vmbus_request_offers(struct vmbus *vb)
{
	uint8_t m[8] = { 0 };

	for (unsigned i = 0; i < vb->nch; i++) {
		if (vb->cs[i].rescinded)
			continue;
		vb->cs[i].offered = 1;
		vmbus_send_offer(vb, &vb->ch[i]);
	}
	put_le32(m, VMBUS_MSG_ALLOFFERS_DELIVERED);
	vmbus_send(vb, m, sizeof(m));
}

static void vmbus_open_channel(struct vmbus *vb, const uint8_t *m)
{
	uint32_t relid = get_le32(m + 8), openid = get_le32(m + 12);
	struct vmbus_channel *ch = vmbus_chan_by_relid(vb, relid);
	uint32_t status = VMBUS_GPADL_FAILED;

	if (ch && vb->cs[ch->idx].offered && !vb->cs[ch->idx].open) {
		struct vmbus_chan_state *cs = &vb->cs[ch->idx];
		cs->openid = openid;
		cs->ring_gpadl = get_le32(m + 16);
		cs->target_vp = get_le32(m + 20);
		cs->ring_split = get_le32(m + 24);
		if (vmbus_chan_map(ch)) {
			log_warn(vb->log, VMBUS, "relid %u: bad ring GPADL %#x",
				 relid, cs->ring_gpadl);
		} else {
			/* The host reads the guest->host ring: always wanting
			 * interrupts keeps the guest's signalling simple. */
			ring_hdr_set(&ch->out, RING_HDR_IMASK, 0);
			status = ch->ops && ch->ops->open
					 ? ch->ops->open(ch->opaque, ch) : 0;
			cs->open = status == 0;
		}
	}
	uint32_t v[3] = { relid, openid, status };
	vmbus_send_u32s(vb, VMBUS_MSG_OPENCHANNEL_RESULT, 20, v, 3);
}

static void vmbus_gpadl_msg(struct vmbus *vb, uint32_t type,
			    const uint8_t *m, uint32_t size)
{
	uint32_t id = 0, relid = 0, status = 0;
	bool done = type == VMBUS_MSG_GPADL_HEADER
			    ? gpadl_header(vb, m, size, &id, &relid, &status)
			    : gpadl_body(vb, m, size, &id, &relid, &status);
	if (done) {
		uint32_t v[3] = { relid, id, status };
		vmbus_send_u32s(vb, VMBUS_MSG_GPADL_CREATED, 20, v, 3);
	}
}

static void vmbus_gpadl_teardown(struct vmbus *vb, const uint8_t *m)
{
	uint32_t id = get_le32(m + 12);

	/* A ring still in use goes with its channel. */
	for (unsigned i = 0; i < vb->nch; i++)
		if (vb->cs[i].open && vb->cs[i].ring_gpadl == id)
			vmbus_chan_close(&vb->ch[i]);
	if (gpadl_teardown(vb, id))
		vmbus_remap_all(vb);
	/* Answered even if unknown: the guest waits for it. */
	vmbus_send_u32s(vb, VMBUS_MSG_GPADL_TORNDOWN, 12, &id, 1);
}

/* Reply slots a message may need. */
static unsigned vmbus_replies(const struct vmbus *vb, uint32_t type)
{
	switch (type) {
	case VMBUS_MSG_REQUESTOFFERS:
		return vb->nch + 1;
	case VMBUS_MSG_INITIATE_CONTACT: case VMBUS_MSG_OPENCHANNEL:
	case VMBUS_MSG_GPADL_HEADER: case VMBUS_MSG_GPADL_BODY:
	case VMBUS_MSG_GPADL_TEARDOWN: case VMBUS_MSG_UNLOAD:
		return 1;
	}
	return 0;
}

/* Smallest size of each guest message. */
static uint32_t vmbus_min_size(uint32_t type)
{
	switch (type) {
	case VMBUS_MSG_INITIATE_CONTACT: return 40;
	case VMBUS_MSG_OPENCHANNEL: return 28;
	case VMBUS_MSG_CLOSECHANNEL: case VMBUS_MSG_RELID_RELEASED: return 12;
	case VMBUS_MSG_GPADL_TEARDOWN: return 16;
	}
	return 8;
}

uint16_t vmbus_post_message(void *opaque, uint32_t conn_id, uint32_t type,
			    const uint8_t *m, uint32_t size)
{
	struct vmbus *vb = opaque;

	if (size < 8)
		return HV_STATUS_SUCCESS; /* no header: dropped */
	uint32_t mt = get_le32(m);
	/* INITIATE_CONTACT comes on id 1 (< 5.0) or 4 (>= 5.0); the rest
	 * only once connected, on the id we answered. */
	if (mt == VMBUS_MSG_INITIATE_CONTACT) {
		if (conn_id != VMBUS_MESSAGE_CONN_ID &&
		    conn_id != VMBUS_MESSAGE_CONN_ID_4)
			return HV_STATUS_INVALID_CONNECTION_ID;
	} else if (conn_id != VMBUS_MESSAGE_CONN_ID) {
		return HV_STATUS_INVALID_CONNECTION_ID;
	}
	if (synic_queue_room(vb->hv) < vmbus_replies(vb, mt))
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	if (size < vmbus_min_size(mt)) {
		log_debug(vb->log, VMBUS, "message %u: %u bytes, too short", mt,
			  size);
		return HV_STATUS_SUCCESS;
	}
	if (!vb->version && mt != VMBUS_MSG_INITIATE_CONTACT &&
	    mt != VMBUS_MSG_UNLOAD) {
		log_debug(vb->log, VMBUS, "message %u before contact", mt);
		return HV_STATUS_SUCCESS;
	}
	switch (mt) {
	case VMBUS_MSG_INITIATE_CONTACT:
		vmbus_initiate_contact(vb, m, size);
		break;
	case VMBUS_MSG_REQUESTOFFERS:
		vmbus_request_offers(vb);
		break;
	case VMBUS_MSG_OPENCHANNEL:
		vmbus_open_channel(vb, m);
		break;
	case VMBUS_MSG_CLOSECHANNEL: {
		struct vmbus_channel *ch = vmbus_chan_by_relid(vb, get_le32(m + 8));
		if (ch)
			vmbus_chan_close(ch);
		break;
	}
	case VMBUS_MSG_GPADL_HEADER:
	case VMBUS_MSG_GPADL_BODY:
		vmbus_gpadl_msg(vb, mt, m, size);
		break;
	case VMBUS_MSG_GPADL_TEARDOWN:
		vmbus_gpadl_teardown(vb, m);
		break;
	case VMBUS_MSG_RELID_RELEASED: {
		struct vmbus_channel *ch = vmbus_chan_by_relid(vb, get_le32(m + 8));
		if (ch && vb->cs[ch->idx].rescinded) {
			vmbus_chan_close(ch);
			vb->cs[ch->idx].offered = 0;
		}
		break;
	}
	case VMBUS_MSG_UNLOAD: {
		uint8_t r[8] = { 0 };
		vmbus_disconnect(vb);
		put_le32(r, VMBUS_MSG_UNLOAD_RESPONSE);
		vmbus_send(vb, r, sizeof(r));
		break;
	}
	default:
		log_debug(vb->log, VMBUS, "message type %u ignored", mt);
	}
	return HV_STATUS_SUCCESS;
}

uint16_t vmbus_signal_event(void *opaque, uint32_t conn_id, uint16_t flag)
{
	struct vmbus *vb = opaque;
	uint32_t relid = conn_id - VMBUS_CHAN_CONN_BASE;
	struct vmbus_channel *ch =
		conn_id > VMBUS_CHAN_CONN_BASE ? vmbus_chan_by_relid(vb, relid)
					       : NULL;

	if (!ch)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (vb->cs[ch->idx].open && ch->ops && ch->ops->notify)
		ch->ops->notify(ch->opaque, ch);
	return HV_STATUS_SUCCESS;
}
