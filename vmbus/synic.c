/* vmbus/synic.c: the synthetic interrupt controller's host side.
 *
 * Messages: the SIMP page has one 256-byte slot per SINT. A slot is free
 * while its message_type is 0; the host fills payload and size first, then
 * the type, then raises the SINT. If the slot is busy the host sets the
 * slot's message-pending flag and keeps the message queued; the guest,
 * having emptied the slot, sees the flag and writes EOM, which delivers
 * the next one. Event flags: the SIEFP page has 2048 bits per SINT; the
 * host sets one and raises the SINT if it was clear.
 *
 * Nothing here blocks: all work happens inside the guest's MSR write or
 * hypercall, so it lands at a deterministic instruction boundary.
 */
#include <string.h>

#include "core/log.h"
#include "vmbus/gpa.h"
#include "vmbus/hv.h"

#define SLOT_TYPE 0
#define SLOT_SIZE 4
#define SLOT_FLAGS 5
#define SLOT_SENDER 8
#define SLOT_PAYLOAD 16
#define FLAG_PENDING 1

static bool sint_live(const struct hv *hv, unsigned sint)
{
	return (hv->scontrol & 1) && !(hv->sint[sint] & HV_SINT_MASKED);
}

static void sint_raise(struct hv *hv, unsigned sint)
{
	uint64_t v = hv->sint[sint];

	if ((v & HV_SINT_POLLING) || !hv->raise)
		return;
	hv->raise(hv->raise_opaque, (uint8_t)v, v & HV_SINT_AUTO_EOI);
}

/* The host pointer of an enabled SynIC page (SIMP/SIEFP), or NULL. */
static uint8_t *synic_page(struct hv *hv, uint64_t msr)
{
	if (!(msr & 1))
		return NULL;
	return gpa_page(hv->mem, msr >> 12, true);
}

/* Try to place m in its slot: 1 delivered, 0 slot busy (pending flag
 * set), -1 not deliverable now (SynIC off, page unusable, SINT masked). */
static int synic_deliver(struct hv *hv, const struct hv_msg *m)
{
	uint8_t *page = synic_page(hv, hv->simp);

	if (!page || !sint_live(hv, m->sint))
		return -1;
	uint8_t *slot = page + m->sint * HV_MSG_SIZE;
	if (get_le32(slot + SLOT_TYPE)) {
		slot[SLOT_FLAGS] |= FLAG_PENDING;
		mem_mark_dirty(hv->mem, (uint32_t)(hv->simp & ~0xfffull));
		return 0;
	}
	memcpy(slot + SLOT_PAYLOAD, m->payload, m->size);
	memset(slot + SLOT_PAYLOAD + m->size, 0, HV_MSG_PAYLOAD - m->size);
	slot[SLOT_SIZE] = (uint8_t)m->size;
	slot[SLOT_FLAGS] = 0;
	slot[6] = slot[7] = 0;
	put_le64(slot + SLOT_SENDER, 0);
	/* The type last: it is what makes the slot valid to the guest. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	put_le32(slot + SLOT_TYPE, m->type);
	mem_mark_dirty(hv->mem, (uint32_t)(hv->simp & ~0xfffull));
	sint_raise(hv, m->sint);
	return 1;
}

void synic_flush(struct hv *hv)
{
	uint32_t blocked = 0; /* SINTs whose oldest message must wait */
	unsigned keep = 0;

	if (hv->nqueued > HV_MSG_QUEUE) /* a corrupt snapshot */
		hv->nqueued = 0;
	for (unsigned i = 0; i < hv->nqueued; i++) {
		struct hv_msg *m = &hv->queue[i];
		if (m->sint >= HV_NSINT || m->size > HV_MSG_PAYLOAD)
			continue; /* drop: only a corrupt snapshot has these */
		if (!(blocked & (1u << m->sint)) && synic_deliver(hv, m) > 0)
			continue;
		blocked |= 1u << m->sint;
		if (keep != i)
			hv->queue[keep] = *m;
		keep++;
	}
	hv->nqueued = keep;
}

unsigned synic_queue_room(const struct hv *hv)
{
	return hv->nqueued >= HV_MSG_QUEUE ? 0 : HV_MSG_QUEUE - hv->nqueued;
}

uint16_t synic_post(struct hv *hv, unsigned sint, uint32_t type,
		    const void *payload, uint32_t size)
{
	if (sint >= HV_NSINT || size > HV_MSG_PAYLOAD || !type)
		return HV_STATUS_INVALID_PARAMETER;
	if (hv->nqueued >= HV_MSG_QUEUE) {
		log_warn(hv->log, VMBUS, "SINT%u: message queue full", sint);
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	}
	struct hv_msg *m = &hv->queue[hv->nqueued++];
	memset(m, 0, sizeof(*m));
	m->sint = sint;
	m->type = type;
	m->size = size;
	memcpy(m->payload, payload, size);
	synic_flush(hv);
	return HV_STATUS_SUCCESS;
}

bool synic_signal_event(struct hv *hv, unsigned sint, unsigned flag)
{
	uint8_t *page = synic_page(hv, hv->siefp);

	if (!page || sint >= HV_NSINT || flag >= HV_MSG_SIZE * 8 ||
	    !(hv->scontrol & 1))
		return false;
	uint8_t *byte = page + sint * HV_MSG_SIZE + flag / 8;
	uint8_t bit = (uint8_t)(1u << (flag % 8));
	if (*byte & bit)
		return true;
	*byte |= bit;
	mem_mark_dirty(hv->mem, (uint32_t)(hv->siefp & ~0xfffull));
	if (!(hv->sint[sint] & HV_SINT_MASKED))
		sint_raise(hv, sint);
	return true;
}
