/* core/net.c: the network hub between NICs and the host (see net.h). */
#include "core/net.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/util.h"
#include "traces/record.h"

struct net_frame {
	uint16_t len;
	uint8_t data[NET_FRAME_MAX];
};

/* A ring of frames: host memory only, never guest state. */
struct net_queue {
	struct net_frame *f;
	unsigned head, count, cap;
};

struct net_nic {
	const struct net_nic_ops *ops;
	void *opaque;
	struct net_queue rxq; /* host -> this NIC */
};

struct net {
	struct machine *m;
	struct net_nic nic[NET_MAX_NICS];
	unsigned nnic;
	struct net_queue txq; /* all NICs -> host */
	uint8_t txq_nic[NET_QUEUE_LEN];
	struct net_backend be;
	bool have_be;
	uint64_t dropped;
};

static void queue_init(struct net_queue *q)
{
	q->cap = NET_QUEUE_LEN;
	q->f = xcalloc(q->cap, sizeof(*q->f));
}

/* Slot for a new frame, or NULL when full. */
static struct net_frame *queue_push(struct net_queue *q, unsigned *slot)
{
	if (q->count == q->cap)
		return NULL;
	unsigned i = (q->head + q->count++) % q->cap;
	if (slot)
		*slot = i;
	return &q->f[i];
}

static struct net_frame *queue_peek(struct net_queue *q, unsigned *slot)
{
	if (!q->count)
		return NULL;
	if (slot)
		*slot = q->head;
	return &q->f[q->head];
}

static void queue_pop(struct net_queue *q)
{
	q->head = (q->head + 1) % q->cap;
	q->count--;
}

static void net_destroy(void *opaque)
{
	struct net *n = opaque;

	if (n->have_be && n->be.close)
		n->be.close(n->be.opaque);
	for (unsigned i = 0; i < n->nnic; i++)
		free(n->nic[i].rxq.f);
	free(n->txq.f);
	free(n);
}

struct net *net_create(struct machine *m)
{
	struct net *n = xcalloc(1, sizeof(*n));

	n->m = m;
	queue_init(&n->txq);
	/* No reset hook: frames in flight are host state, like a cable. */
	machine_add_device(m, "net", n, NULL, net_destroy);
	return n;
}

void net_set_backend(struct net *n, const struct net_backend *be)
{
	if (n->have_be && n->be.close)
		n->be.close(n->be.opaque);
	n->have_be = be != NULL;
	if (be)
		n->be = *be;
}

int net_attach(struct net *n, const struct net_nic_ops *ops, void *opaque)
{
	if (n->nnic == NET_MAX_NICS)
		return -1;
	struct net_nic *c = &n->nic[n->nnic];
	c->ops = ops;
	c->opaque = opaque;
	queue_init(&c->rxq);
	return (int)n->nnic++;
}

unsigned net_nic_count(const struct net *n)
{
	return n->nnic;
}

void net_transmit(struct net *n, unsigned nic, const uint8_t *frame,
		  size_t len)
{
	unsigned slot;
	struct net_frame *f;

	/* Without a host side (--net none, replay) the cable is unplugged. */
	if (!n->have_be || !n->be.send || len > NET_FRAME_MAX)
		return;
	f = queue_push(&n->txq, &slot);
	if (!f) {
		n->dropped++;
		log_debug(&n->m->log, NET, "net: transmit queue full, frame dropped");
		return;
	}
	f->len = (uint16_t)len;
	memcpy(f->data, frame, len);
	n->txq_nic[slot] = (uint8_t)nic;
}

void net_host_receive(struct net *n, const uint8_t *frame, size_t len)
{
	if (len < 14 || len > NET_FRAME_MAX) {
		log_debug(&n->m->log, NET, "net: %zu-byte frame from the host dropped",
			  len);
		return;
	}
	for (unsigned i = 0; i < n->nnic; i++) {
		struct net_frame *f = queue_push(&n->nic[i].rxq, NULL);
		if (!f) {
			n->dropped++;
			continue;
		}
		/* The sender's MAC pads short frames; slirp leaves that to us. */
		memcpy(f->data, frame, len);
		if (len < NET_FRAME_MIN)
			memset(f->data + len, 0, NET_FRAME_MIN - len);
		f->len = (uint16_t)(len < NET_FRAME_MIN ? NET_FRAME_MIN : len);
	}
}

void net_poll(struct net *n)
{
	struct net_frame *f;
	unsigned slot;

	while ((f = queue_peek(&n->txq, &slot))) {
		n->be.send(n->be.opaque, f->data, f->len);
		queue_pop(&n->txq);
	}
	if (n->have_be && n->be.poll)
		n->be.poll(n->be.opaque);
	for (unsigned i = 0; i < n->nnic; i++) {
		struct net_nic *c = &n->nic[i];
		while ((f = queue_peek(&c->rxq, NULL)) &&
		       c->ops->can_receive(c->opaque, f->len)) {
			if (n->m->record)
				record_input(n->m->record, n->m, TRACE_REC_NET,
					     (uint8_t)i, f->data, f->len);
			c->ops->receive(c->opaque, f->data, f->len);
			queue_pop(&c->rxq);
		}
	}
}

int net_deliver(struct net *n, unsigned nic, const uint8_t *frame,
		size_t len)
{
	if (nic >= n->nnic || len > NET_FRAME_MAX)
		return -1;
	n->nic[nic].ops->receive(n->nic[nic].opaque, frame, len);
	return 0;
}

int net_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned v = 0;
		for (int j = 0; j < 2; j++, s++) {
			if (!isxdigit((unsigned char)*s))
				return -1;
			v = v * 16 + (unsigned)(isdigit((unsigned char)*s)
						? *s - '0'
						: tolower((unsigned char)*s) - 'a' + 10);
		}
		mac[i] = (uint8_t)v;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}
