/* core/irq.c: interrupt request lines between devices and the controller. */
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

void irq_set(struct irq *q, unsigned line, bool level)
{
	if (line >= IRQ_NLINES)
		return;
	q->level[line] = level;
	if (q->sink)
		q->sink(q->sink_opaque, line, level);
}

void irq_pulse(struct irq *q, unsigned line)
{
	irq_set(q, line, true);
	irq_set(q, line, false);
}

void irq_set_intr(struct irq *q, bool asserted)
{
	q->intr = asserted;
}

void irq_set_ack(struct irq *q, int (*ack)(void *opaque), void *opaque)
{
	q->ack = ack;
	q->ack_opaque = opaque;
}

int irq_acknowledge(struct irq *q)
{
	if (!q->intr || !q->ack)
		return -1;
	return q->ack(q->ack_opaque);
}
