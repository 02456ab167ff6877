/* core/irq.h: interrupt request lines.
 *
 * Devices raise and lower numbered lines; the interrupt controllers listen:
 * the PIC installs itself as the sink (lines 0-15) and the IOAPIC adds itself
 * as a second listener (lines 0-23). The CPU backend never sees lines, only
 * "an interrupt is pending" (intr) and a vector at acknowledge time.
 *
 * The chain to the CPU: without a local APIC the 8259's INTR output (ext_*)
 * is the CPU's INTR. With one, the LAPIC installs itself as the local
 * controller: it sees the 8259's output on LINT0, drives intr from its IRR
 * versus PPR (or the 8259 passed through for ExtINT), and answers INTA,
 * asking the 8259 for an ExtINT vector. NMI goes the same way: irq_nmi()
 * reaches LINT1 when a LAPIC is there, else the CPU's NMI pin directly.
 */
#ifndef LUCID_CORE_IRQ_H
#define LUCID_CORE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_NLINES 24
#define IRQ_MAX_LISTENERS 4

typedef void (*irq_sink_fn)(void *opaque, unsigned line, bool level);

struct irq_listener {
	irq_sink_fn fn;
	void *opaque;
};

struct irq {
	uint8_t level[IRQ_NLINES];
	irq_sink_fn sink;
	void *sink_opaque;
	/* Further listeners (the IOAPIC), told after the sink. */
	struct irq_listener listener[IRQ_MAX_LISTENERS];
	unsigned nlisteners;
	/* CPU side: asserted while the controller has a deliverable request. */
	bool intr;
	/* The 8259's INTR output and INTA (returns the vector). */
	bool ext_intr;
	int (*ack)(void *opaque);
	void *ack_opaque;
	/* The local APIC, when present: owns intr and INTA (see above). */
	void (*local_ext)(void *opaque, bool asserted); /* 8259 INTR changed */
	void (*local_nmi)(void *opaque);                /* LINT1 pulsed */
	int (*local_ack)(void *opaque);
	void *local_opaque;
	/* Told when intr is asserted (the interpreter then looks at its
	 * events after the current instruction), installed by the backend. */
	void (*kick)(void *opaque);
	void *kick_opaque;
	/* The CPU's NMI pin, installed by the backend. */
	void (*nmi)(void *opaque);
	void *nmi_opaque;
};

void irq_init(struct irq *q);
void irq_set_sink(struct irq *q, irq_sink_fn fn, void *opaque);
void irq_set_kick(struct irq *q, void (*fn)(void *opaque), void *opaque);
void irq_set(struct irq *q, unsigned line, bool level);
static inline bool irq_level(const struct irq *q, unsigned line)
{
	return line < IRQ_NLINES && q->level[line];
}
/* Edge-triggered convenience: raise then lower. */
void irq_pulse(struct irq *q, unsigned line);

/* Another listener for every line (0 or -1 when the table is full);
 * remove it again with irq_remove_listener. */
int irq_add_listener(struct irq *q, irq_sink_fn fn, void *opaque);
void irq_remove_listener(struct irq *q, void *opaque);

/* 8259 side: its INTR output and its INTA. Without a local APIC these are
 * the CPU's INTR and INTA. */
void irq_set_intr(struct irq *q, bool asserted);
void irq_set_ack(struct irq *q, int (*ack)(void *opaque), void *opaque);
/* The 8259's INTA cycle (a LAPIC doing ExtINT calls it): -1 if no 8259. */
int irq_ext_acknowledge(struct irq *q);

/* Local APIC side: take over the CPU's INTR/INTA (all NULL to let go), and
 * drive the CPU's INTR. */
void irq_set_local(struct irq *q, void (*ext)(void *opaque, bool asserted),
		   void (*nmi)(void *opaque), int (*ack)(void *opaque),
		   void *opaque);
void irq_set_cpu_intr(struct irq *q, bool asserted);

/* NMI: a board source (LINT1 through a LAPIC, else the CPU's pin). */
void irq_nmi(struct irq *q);
/* The CPU's NMI pin itself (a LAPIC delivering NMI). */
void irq_cpu_nmi(struct irq *q);
/* Backend side: how to raise NMI on the CPU. */
void irq_set_nmi_handler(struct irq *q, void (*fn)(void *opaque),
			 void *opaque);

/* CPU side: -1 if nothing is pending or no controller answered. */
int irq_acknowledge(struct irq *q);

#endif
