/* core/irq.c: interrupt request lines between devices, the controllers and
 * the CPU. */
#include "core/irq.h"

#include <string.h>

void irq_init(struct irq *q)
{
	memset(q, 0, sizeof(*q));
}

void irq_set_sink(struct irq *q, irq_sink_fn fn, void *opaque)
{
	q->sink = fn;
	q->sink_opaque = opaque;
}

int irq_add_listener(struct irq *q, irq_sink_fn fn, void *opaque)
{
	if (q->nlisteners == IRQ_MAX_LISTENERS)
		return -1;
	q->listener[q->nlisteners++] = (struct irq_listener){ fn, opaque };
	return 0;
}

void irq_remove_listener(struct irq *q, void *opaque)
{
	for (unsigned i = 0; i < q->nlisteners; i++)
		if (q->listener[i].opaque == opaque) {
			memmove(&q->listener[i], &q->listener[i + 1],
				(q->nlisteners - i - 1) * sizeof(q->listener[0]));
			q->nlisteners--;
			return;
		}
}

void irq_set(struct irq *q, unsigned line, bool level)
{
	if (line >= IRQ_NLINES)
		return;
	q->level[line] = level;
	if (q->sink)
		q->sink(q->sink_opaque, line, level);
	for (unsigned i = 0; i < q->nlisteners; i++)
		q->listener[i].fn(q->listener[i].opaque, line, level);
}

void irq_pulse(struct irq *q, unsigned line)
{
	irq_set(q, line, true);
	irq_set(q, line, false);
}

void irq_set_kick(struct irq *q, void (*fn)(void *opaque), void *opaque)
{
	q->kick = fn;
	q->kick_opaque = opaque;
}

/* The CPU's INTR input. */
static void irq_drive_intr(struct irq *q, bool asserted)
{
	q->intr = asserted;
	if (asserted && q->kick)
		q->kick(q->kick_opaque);
}

void irq_set_intr(struct irq *q, bool asserted)
{
	q->ext_intr = asserted;
	if (q->local_ext)
		q->local_ext(q->local_opaque, asserted);
	else
		irq_drive_intr(q, asserted);
}

void irq_set_ack(struct irq *q, int (*ack)(void *opaque), void *opaque)
{
	q->ack = ack;
	q->ack_opaque = opaque;
}

int irq_ext_acknowledge(struct irq *q)
{
	return q->ack ? q->ack(q->ack_opaque) : -1;
}

void irq_set_local(struct irq *q, void (*ext)(void *opaque, bool asserted),
		   void (*nmi)(void *opaque), int (*ack)(void *opaque),
		   void *opaque)
{
	q->local_ext = ext;
	q->local_nmi = nmi;
	q->local_ack = ack;
	q->local_opaque = opaque;
	if (!ext) /* the 8259 drives the CPU again */
		irq_drive_intr(q, q->ext_intr);
}

void irq_set_cpu_intr(struct irq *q, bool asserted)
{
	irq_drive_intr(q, asserted);
}

void irq_set_nmi_handler(struct irq *q, void (*fn)(void *opaque),
			 void *opaque)
{
	q->nmi = fn;
	q->nmi_opaque = opaque;
}

void irq_cpu_nmi(struct irq *q)
{
	if (q->nmi)
		q->nmi(q->nmi_opaque);
}

void irq_nmi(struct irq *q)
{
	if (q->local_nmi)
		q->local_nmi(q->local_opaque);
	else
		irq_cpu_nmi(q);
}

int irq_acknowledge(struct irq *q)
{
	if (!q->intr)
		return -1;
	if (q->local_ack)
		return q->local_ack(q->local_opaque);
	return irq_ext_acknowledge(q);
}
