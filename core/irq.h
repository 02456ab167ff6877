/* core/irq.h: interrupt request lines.
 *
 * Devices raise and lower numbered lines; the interrupt controller (the PIC,
 * later the IOAPIC) installs itself as the sink. The CPU backend never sees
 * lines, only "an interrupt is pending" and a vector at acknowledge time.
 */
#ifndef LUCID_CORE_IRQ_H
#define LUCID_CORE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_NLINES 24

typedef void (*irq_sink_fn)(void *opaque, unsigned line, bool level);

struct irq {
	uint8_t level[IRQ_NLINES];
	irq_sink_fn sink;
	void *sink_opaque;
	/* CPU side: asserted while the controller has a deliverable request. */
	bool intr;
	int (*ack)(void *opaque); /* returns the vector, called at INTA */
	void *ack_opaque;
};

void irq_init(struct irq *q);
void irq_set_sink(struct irq *q, irq_sink_fn fn, void *opaque);
void irq_set(struct irq *q, unsigned line, bool level);
static inline bool irq_level(const struct irq *q, unsigned line)
{
	return line < IRQ_NLINES && q->level[line];
}
/* Edge-triggered convenience: raise then lower. */
void irq_pulse(struct irq *q, unsigned line);

/* Controller side: drive the CPU's INTR input and provide the vector. */
void irq_set_intr(struct irq *q, bool asserted);
void irq_set_ack(struct irq *q, int (*ack)(void *opaque), void *opaque);
/* CPU side: -1 if nothing is pending or no controller answered. */
int irq_acknowledge(struct irq *q);

#endif
