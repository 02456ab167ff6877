/* devices/pic.c: two cascaded Intel 8259A PICs and the PIIX ELCR.
 *
 * Inputs: IRQ lines 0-15 from core/irq (line 2 is the cascade and is not a
 * device line). Output: the CPU's INTR, asserted while the master has a
 * request that beats everything in service; INTA (pic_ack) resolves the
 * vector and moves the request from IRR to ISR.
 *
 * Edge-triggered lines latch IRR on a rising edge and hold it until INTA
 * even if the line drops (devices may irq_pulse). Level-triggered lines
 * (ELCR bit, or ICW1 LTIM) have IRR follow the line. The master's IR2 input
 * is the slave's INT: latched on its rising edge, and re-latched after each
 * INTA if still asserted, so a slave request that vanishes before INTA
 * gives the slave's spurious IR7 (vector slave base + 7, master ISR2 set),
 * as on the real pair.
 */
#include "devices/pic.h"

#include <stdbool.h>
#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

#define ICW1_IC4 0x01u
#define ICW1_SNGL 0x02u
#define ICW1_LTIM 0x08u
#define ICW1_INIT 0x10u
#define ICW4_UPM 0x01u
#define ICW4_AEOI 0x02u
#define ICW4_SFNM 0x10u
#define OCW3_SEL 0x08u
#define OCW3_RIS 0x01u
#define OCW3_RR 0x02u
#define OCW3_POLL 0x04u
#define OCW3_SMM 0x20u
#define OCW3_ESMM 0x40u

#define CASCADE_IR 2u

/* IRQ 0, 1, 2, 8 and 13 are always edge-triggered on the PIIX. */
static const uint8_t elcr_mask[2] = { 0xf8, 0xde };

static uint8_t chip_level_mask(const struct pic_chip *c, unsigned idx)
{
	return (c->icw1 & ICW1_LTIM) ? 0xff : (uint8_t)(c->elcr & elcr_mask[idx]);
}

/* Level-triggered IRR bits follow their lines. */
static void chip_sync_levels(struct pic_chip *c, unsigned idx)
{
	uint8_t lm = chip_level_mask(c, idx);
	c->irr = (uint8_t)((c->irr & ~lm) | (c->lines & lm));
}

static void chip_input(struct pic_chip *c, unsigned idx, unsigned ir,
		       bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (level) {
		if (!(c->lines & bit))
			c->irr |= bit; /* rising edge */
		c->lines |= bit;
	} else {
		c->lines &= (uint8_t)~bit;
	}
	chip_sync_levels(c, idx);
}

/* Position of the highest-priority set bit in rotation order, 8 if none. */
static unsigned chip_rank(const struct pic_chip *c, uint8_t mask)
{
	for (unsigned i = 0; i < 8; i++)
		if (mask & (1u << ((c->prio + i) & 7u)))
			return i;
	return 8;
}

/* The IR this chip would present at INTA now, or -1. */
static int chip_pending(const struct pic_chip *c, bool master)
{
	uint8_t req = c->irr & (uint8_t)~c->imr;
	unsigned r;

	if (c->smm) {
		/* Special mask mode: any unmasked level not in service. */
		r = chip_rank(c, req & (uint8_t)~c->isr);
		return r < 8 ? (int)((c->prio + r) & 7u) : -1;
	}
	uint8_t in = c->isr;
	if (master && (c->icw4 & ICW4_SFNM))
		in &= (uint8_t)~(1u << CASCADE_IR); /* slave may nest */
	r = chip_rank(c, req);
	return r < chip_rank(c, in) ? (int)((c->prio + r) & 7u) : -1;
}

static bool master_cascades(const struct pic_chip *c, unsigned ir)
{
	return !(c->icw1 & ICW1_SNGL) && (c->icw3 & (1u << ir));
}

static void pic_update(struct pic *p)
{
	bool slave_int = chip_pending(&p->chip[1], false) >= 0;

	chip_input(&p->chip[0], 0, CASCADE_IR, slave_int);
	irq_set_intr(&p->m->irq, chip_pending(&p->chip[0], true) >= 0);
}

/* INTA (or a poll read) selected IR `ir` on this chip. */
static void chip_intack(struct pic_chip *c, unsigned idx, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (c->icw4 & ICW4_AEOI) {
		if (c->rotate_aeoi)
			c->prio = (uint8_t)((ir + 1) & 7u);
	} else {
		c->isr |= bit;
	}
	if (!(chip_level_mask(c, idx) & bit))
		c->irr &= (uint8_t)~bit;
}

static int pic_ack(void *opaque)
{
	struct pic *p = opaque;
	struct pic_chip *ma = &p->chip[0], *sl = &p->chip[1];
	int ir = chip_pending(ma, true);
	int vec;

	if (ir < 0) {
		/* The request went away: the master's default IR7, no ISR. */
		log_debug(&p->m->log, PIC, "spurious IRQ7");
		return (ma->base & 0xf8) | 7;
	}
	if (master_cascades(ma, (unsigned)ir)) {
		int ir2 = chip_pending(sl, false);
		if (ir2 >= 0) {
			chip_intack(sl, 1, (unsigned)ir2);
			vec = (sl->base & 0xf8) + ir2;
		} else {
			log_debug(&p->m->log, PIC, "spurious IRQ15");
			vec = (sl->base & 0xf8) | 7;
		}
		chip_intack(ma, 0, (unsigned)ir);
		/* This INTA consumed the slave's INT: if it is still up, it
		 * is a new request. */
		ma->lines &= (uint8_t)~(1u << CASCADE_IR);
	} else {
		vec = (ma->base & 0xf8) + ir;
		chip_intack(ma, 0, (unsigned)ir);
	}
	pic_update(p);
	return vec;
}

static void pic_irq_in(void *opaque, unsigned line, bool level)
{
	struct pic *p = opaque;

	if (line >= 16)
		return; /* the IOAPIC's */
	if (line == CASCADE_IR) {
		log_debug(&p->m->log, PIC, "IRQ2 is the cascade; ignored");
		return;
	}
	chip_input(&p->chip[line >> 3], line >> 3, line & 7u, level);
	pic_update(p);
}

/* --- registers ------------------------------------------------------------ */

static void chip_icw1(struct pic_chip *c, unsigned idx, uint8_t val)
{
	uint8_t elcr = c->elcr, lines = c->lines;

	*c = (struct pic_chip){ 0 };
	c->elcr = elcr;
	c->lines = lines;
	c->icw1 = val;
	c->init = 2;
	/* The edge sense latches reset: a line already high must fall and
	 * rise again; level-triggered requests stand. */
	chip_sync_levels(c, idx); /* without IC4, ICW4's functions stay 0 */
}

static void chip_ocw2(struct pic_chip *c, uint8_t val)
{
	unsigned l = val & 7u;
	unsigned r;

	switch (val >> 5) {
	case 0: /* clear rotate in AEOI mode */
		c->rotate_aeoi = 0;
		break;
	case 4: /* set rotate in AEOI mode */
		c->rotate_aeoi = 1;
		break;
	case 1: /* non-specific EOI */
	case 5: /* rotate on non-specific EOI */
		r = chip_rank(c, c->isr);
		if (r == 8)
			break;
		l = (c->prio + r) & 7u;
		c->isr &= (uint8_t)~(1u << l);
		if (val >> 5 == 5)
			c->prio = (uint8_t)((l + 1) & 7u);
		break;
	case 3: /* specific EOI */
		c->isr &= (uint8_t)~(1u << l);
		break;
	case 7: /* rotate on specific EOI */
		c->isr &= (uint8_t)~(1u << l);
		c->prio = (uint8_t)((l + 1) & 7u);
		break;
	case 6: /* set priority: l becomes the lowest */
		c->prio = (uint8_t)((l + 1) & 7u);
		break;
	default: /* 2: no operation */
		break;
	}
}

static void chip_ocw3(struct pic_chip *c, uint8_t val)
{
	if (val & OCW3_ESMM)
		c->smm = !!(val & OCW3_SMM);
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
	c->poll = !!(val & OCW3_POLL);
}

static void chip_write(struct pic *p, unsigned idx, unsigned a0, uint8_t val)
{
	struct pic_chip *c = &p->chip[idx];

	if (!a0) {
		if (val & ICW1_INIT)
			chip_icw1(c, idx, val);
		else if (val & OCW3_SEL)
			chip_ocw3(c, val);
		else
			chip_ocw2(c, val);
	} else {
		switch (c->init) {
		case 2:
			c->base = val & 0xf8;
			c->init = !(c->icw1 & ICW1_SNGL) ? 3 :
				  (c->icw1 & ICW1_IC4) ? 4 : 0;
			break;
		case 3:
			c->icw3 = val;
			c->init = (c->icw1 & ICW1_IC4) ? 4 : 0;
			break;
		case 4:
			c->icw4 = val;
			c->init = 0;
			if (!(val & ICW4_UPM))
				log_debug(&p->m->log, PIC,
					  "8080 mode requested; using 8086");
			break;
		default:
			c->imr = val; /* OCW1 */
			break;
		}
	}
	pic_update(p);
}

/* The poll word: bit 7 = a request was pending, bits 2:0 = its level; the
 * read acknowledges it as INTA would. */
static uint8_t chip_poll(struct pic *p, unsigned idx)
{
	struct pic_chip *c = &p->chip[idx];
	int ir = chip_pending(c, idx == 0);

	c->poll = 0;
	if (ir < 0)
		return 0;
	chip_intack(c, idx, (unsigned)ir);
	if (idx == 0 && master_cascades(c, (unsigned)ir))
		c->lines &= (uint8_t)~(1u << CASCADE_IR);
	pic_update(p);
	return (uint8_t)(0x80u | (unsigned)ir);
}

static uint8_t chip_read(struct pic *p, unsigned idx, unsigned a0)
{
	struct pic_chip *c = &p->chip[idx];

	if (c->poll)
		return chip_poll(p, idx);
	if (a0)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

/* A wide access is a run of byte cycles, as on the ISA bus. */
static uint32_t pic_read_chip(struct pic *p, unsigned idx, uint64_t offset,
			      unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)(offset + i < 2 ?
				chip_read(p, idx, (unsigned)offset + i) :
				0xffu) << (8 * i);
	return v;
}

static void pic_write_chip(struct pic *p, unsigned idx, uint64_t offset,
			   uint32_t val, unsigned size)
{
	for (unsigned i = 0; i < size && offset + i < 2; i++)
		chip_write(p, idx, (unsigned)offset + i,
			   (uint8_t)(val >> (8 * i)));
}

static uint32_t pic_master_read(void *opaque, uint64_t offset, unsigned size)
{
	return pic_read_chip(opaque, 0, offset, size);
}

static void pic_master_write(void *opaque, uint64_t offset, uint32_t val,
			     unsigned size)
{
	pic_write_chip(opaque, 0, offset, val, size);
}

static uint32_t pic_slave_read(void *opaque, uint64_t offset, unsigned size)
{
	return pic_read_chip(opaque, 1, offset, size);
}

static void pic_slave_write(void *opaque, uint64_t offset, uint32_t val,
			    unsigned size)
{
	pic_write_chip(opaque, 1, offset, val, size);
}

static uint32_t elcr_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pic *p = opaque;
	uint32_t v = 0;
	for (unsigned i = 0; i < size && offset + i < 2; i++)
		v |= (uint32_t)p->chip[offset + i].elcr << (8 * i);
	return v;
}

static void elcr_write(void *opaque, uint64_t offset, uint32_t val,
		       unsigned size)
{
	struct pic *p = opaque;
	for (unsigned i = 0; i < size && offset + i < 2; i++) {
		unsigned idx = (unsigned)offset + i;
		struct pic_chip *c = &p->chip[idx];
		c->elcr = (uint8_t)(val >> (8 * i)) & elcr_mask[idx];
		chip_sync_levels(c, idx);
	}
	pic_update(p);
}

static const struct io_ops pic_master_ops = {
	.read = pic_master_read,
	.write = pic_master_write,
};

static const struct io_ops pic_slave_ops = {
	.read = pic_slave_read,
	.write = pic_slave_write,
};

static const struct io_ops elcr_ops = {
	.read = elcr_read,
	.write = elcr_write,
};

/* --- lifecycle ------------------------------------------------------------ */

#define CHIP_FIELDS(i)                                                        \
	STATE_FIELD(struct pic, chip[i].irr),                                 \
	STATE_FIELD(struct pic, chip[i].isr),                                 \
	STATE_FIELD(struct pic, chip[i].imr),                                 \
	STATE_FIELD(struct pic, chip[i].lines),                               \
	STATE_FIELD(struct pic, chip[i].elcr),                                \
	STATE_FIELD(struct pic, chip[i].base),                                \
	STATE_FIELD(struct pic, chip[i].icw1),                                \
	STATE_FIELD(struct pic, chip[i].icw3),                                \
	STATE_FIELD(struct pic, chip[i].icw4),                                \
	STATE_FIELD(struct pic, chip[i].init),                                \
	STATE_FIELD(struct pic, chip[i].prio),                                \
	STATE_FIELD(struct pic, chip[i].read_isr),                            \
	STATE_FIELD(struct pic, chip[i].poll),                                \
	STATE_FIELD(struct pic, chip[i].smm),                                 \
	STATE_FIELD(struct pic, chip[i].rotate_aeoi)

static const struct state_field pic_fields[] = {
	CHIP_FIELDS(0), CHIP_FIELDS(1),
	STATE_END
};

static void pic_post_load(void *opaque)
{
	pic_update(opaque); /* INTR is derived state */
}

void pic_reset(void *opaque)
{
	struct pic *p = opaque;

	/* Lines are inputs and keep their levels; all else is as after
	 * power-on, with every IR masked until the firmware's ICW1. */
	for (unsigned i = 0; i < 2; i++) {
		struct pic_chip *c = &p->chip[i];
		uint8_t lines = c->lines;
		*c = (struct pic_chip){ 0 };
		c->lines = lines;
		c->imr = 0xff;
	}
	pic_update(p);
}

void pic_destroy(void *opaque)
{
	struct pic *p = opaque;
	if (!p)
		return;
	if (p->m->irq.sink_opaque == p)
		irq_set_sink(&p->m->irq, NULL, NULL);
	if (p->m->irq.ack_opaque == p)
		irq_set_ack(&p->m->irq, NULL, NULL);
	free(p);
}

struct pic *pic_create(struct machine *m)
{
	static const uint16_t ports[] = { PIC_MASTER_PORT, PIC_MASTER_PORT + 1,
					  PIC_SLAVE_PORT, PIC_SLAVE_PORT + 1,
					  PIC_ELCR_PORT, PIC_ELCR_PORT + 1 };
	struct pic *p = xcalloc(1, sizeof(*p));

	p->m = m;
	/* Check every port first: the bus cannot unmap ports. */
	for (unsigned i = 0; i < ARRAY_SIZE(ports); i++)
		if (m->bus->port_slot[ports[i]]) {
			log_err(&m->log, PIC, "port %#x is taken", ports[i]);
			free(p);
			return NULL;
		}
	bus_map_ports(m->bus, PIC_MASTER_PORT, 2, &pic_master_ops, p,
		      "pic-master");
	bus_map_ports(m->bus, PIC_SLAVE_PORT, 2, &pic_slave_ops, p,
		      "pic-slave");
	bus_map_ports(m->bus, PIC_ELCR_PORT, 2, &elcr_ops, p, "elcr");
	for (unsigned line = 0; line < 16; line++)
		if (line != CASCADE_IR && m->irq.level[line])
			p->chip[line >> 3].lines |= (uint8_t)(1u << (line & 7));
	irq_set_sink(&m->irq, pic_irq_in, p);
	irq_set_ack(&m->irq, pic_ack, p);
	state_add_hooked(&m->state, "pic", pic_fields, p, NULL, pic_post_load,
			 p);
	machine_add_device(m, "pic", p, pic_reset, pic_destroy);
	pic_reset(p);
	return p;
}
