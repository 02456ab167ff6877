/* devices/ioapic.c: the I/O APIC (82093AA datasheet): IOREGSEL at +0x00,
 * IOWIN at +0x10; ID, version (0x11, 24 entries), arbitration ID and the
 * redirection table.
 *
 * Edge pins send one message per rising edge while unmasked (a masked edge
 * is lost, as on the chip). Level pins send while asserted and set remote
 * IRR, which holds further messages until the local APIC's EOI for that
 * vector; a line still high then sends again.
 */
#include "devices/ioapic.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

/* Bits the guest may write in the low dword: vector, delivery mode, dest
 * mode, polarity, trigger, mask (delivery status and remote IRR are ours). */
#define REDIR_LO_WMASK 0x1afffu

unsigned ioapic_pin_of_line(unsigned line)
{
	return line == 0 ? 2 : line;
}

static void ioapic_send(struct ioapic *io, unsigned pin)
{
	uint64_t *e = &io->redir[pin];
	uint32_t lo = (uint32_t)*e;
	bool level = lo & IOREDTBL_LEVEL;

	if ((lo & IOREDTBL_MASKED) || !io->pin_level[pin])
		return;
	if (level) {
		if (lo & IOREDTBL_REMOTE_IRR)
			return;
		*e |= IOREDTBL_REMOTE_IRR;
	}
	if (io->deliver)
		io->deliver(io->deliver_opaque, (uint8_t)(*e >> 56),
			    lo & IOREDTBL_DEST_LOGICAL,
			    lo >> IOREDTBL_DM_SHIFT & 7u, (uint8_t)lo, level);
}

static void ioapic_irq_in(void *opaque, unsigned line, bool level)
{
	struct ioapic *io = opaque;
	unsigned pin = ioapic_pin_of_line(line);

	if (pin >= IOAPIC_NPINS || (line == 2))
		return; /* ISA IRQ2 is the 8259 cascade: no pin */
	bool rise = level && !io->pin_level[pin];
	io->pin_level[pin] = level;
	if (io->redir[pin] & IOREDTBL_LEVEL) {
		if (level)
			ioapic_send(io, pin);
	} else if (rise) {
		ioapic_send(io, pin);
	}
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_NPINS; pin++) {
		uint64_t *e = &io->redir[pin];
		if ((uint8_t)*e != vector || !(*e & IOREDTBL_REMOTE_IRR))
			continue;
		*e &= ~(uint64_t)IOREDTBL_REMOTE_IRR;
		if (*e & IOREDTBL_LEVEL)
			ioapic_send(io, pin);
	}
}

static uint32_t ioapic_reg_read(struct ioapic *io)
{
	unsigned r = io->regsel & 0xffu;

	switch (r) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB: /* arbitration ID follows the APIC ID */
		return io->id;
	case IOAPIC_REG_VER:
		return (uint32_t)(IOAPIC_NPINS - 1) << 16 | IOAPIC_VERSION;
	}
	if (r >= IOAPIC_REG_REDTBL && r < IOAPIC_REG_REDTBL + 2 * IOAPIC_NPINS) {
		uint64_t e = io->redir[(r - IOAPIC_REG_REDTBL) >> 1];
		return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
	}
	return 0xffffffffu; /* unimplemented registers */
}

static void ioapic_reg_write(struct ioapic *io, uint32_t val)
{
	unsigned r = io->regsel & 0xffu;

	if (r == IOAPIC_REG_ID) {
		io->id = val & 0x0f000000u;
		return;
	}
	if (r < IOAPIC_REG_REDTBL || r >= IOAPIC_REG_REDTBL + 2 * IOAPIC_NPINS) {
		log_debug(&io->m->log, IRQ, "IOAPIC: write to register %#x ignored",
			  r);
		return;
	}
	unsigned pin = (r - IOAPIC_REG_REDTBL) >> 1;
	uint64_t *e = &io->redir[pin];
	if (r & 1) {
		*e = (*e & 0xffffffffu) | (uint64_t)(val & 0xff000000u) << 32;
		return;
	}
	*e = (*e & ~(uint64_t)REDIR_LO_WMASK) | (val & REDIR_LO_WMASK);
	if (!(*e & IOREDTBL_LEVEL))
		*e &= ~(uint64_t)IOREDTBL_REMOTE_IRR;
	/* Unmasking a level pin that is up sends it now. */
	if (*e & IOREDTBL_LEVEL)
		ioapic_send(io, pin);
}

/* Only 32-bit accesses at IOREGSEL/IOWIN mean anything (datasheet: the
 * registers must be accessed as dwords); IOREGSEL's low byte selects. */
static uint32_t ioapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ioapic *io = opaque;
	uint32_t v;

	if (offset == IOAPIC_REGSEL)
		v = io->regsel;
	else if (offset >= IOAPIC_WINDOW && offset < IOAPIC_WINDOW + 4)
		v = ioapic_reg_read(io) >> (8 * (offset - IOAPIC_WINDOW));
	else
		return 0xffffffffu;
	return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void ioapic_mmio_write(void *opaque, uint64_t offset, uint32_t val,
			      unsigned size)
{
	struct ioapic *io = opaque;

	if (offset == IOAPIC_REGSEL)
		io->regsel = val & 0xffu;
	else if (offset == IOAPIC_WINDOW && size == 4)
		ioapic_reg_write(io, val);
	else
		log_debug(&io->m->log, IRQ, "IOAPIC: %u-byte write at +%#llx",
			  size, (unsigned long long)offset);
}

static const struct io_ops ioapic_ops = {
	.read = ioapic_mmio_read,
	.write = ioapic_mmio_write,
};

static const struct state_field ioapic_fields[] = {
	STATE_FIELD(struct ioapic, regsel),
	STATE_FIELD(struct ioapic, id),
	STATE_FIELD(struct ioapic, redir),
	STATE_FIELD(struct ioapic, pin_level),
	STATE_END
};

void ioapic_reset(void *opaque)
{
	struct ioapic *io = opaque;

	io->regsel = 0;
	io->id = 0;
	for (unsigned pin = 0; pin < IOAPIC_NPINS; pin++)
		io->redir[pin] = IOREDTBL_MASKED;
}

void ioapic_destroy(void *opaque)
{
	struct ioapic *io = opaque;
	if (!io)
		return;
	irq_remove_listener(&io->m->irq, io);
	free(io);
}

struct ioapic *ioapic_create(struct machine *m)
{
	struct ioapic *io = xcalloc(1, sizeof(*io));

	io->m = m;
	if (irq_add_listener(&m->irq, ioapic_irq_in, io)) {
		free(io);
		return NULL;
	}
	if (bus_map_mmio(m->bus, IOAPIC_BASE, IOAPIC_SIZE, &ioapic_ops, io,
			 "ioapic")) {
		irq_remove_listener(&m->irq, io);
		free(io);
		return NULL;
	}
	for (unsigned line = 0; line < IRQ_NLINES; line++) {
		unsigned pin = ioapic_pin_of_line(line);
		if (line != 2 && pin < IOAPIC_NPINS)
			io->pin_level[pin] = m->irq.level[line];
	}
	state_add(&m->state, "ioapic", ioapic_fields, io);
	machine_add_device(m, "ioapic", io, ioapic_reset, ioapic_destroy);
	ioapic_reset(io);
	return io;
}
