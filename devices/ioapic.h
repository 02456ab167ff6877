/* devices/ioapic.h: the I/O APIC (Intel 82093AA) at 0xFEC00000: 24 pins,
 * each a redirection entry that turns a line into an interrupt message for
 * the local APIC(s).
 *
 * Pins are core/irq lines with one PC twist: ISA IRQ0 (the PIT) arrives on
 * pin 2, as on every PC (the MADT says so with an interrupt source
 * override), and pin 0 is left unconnected. Lines are logical "requesting"
 * levels, so the polarity bit is kept for the guest but does not invert
 * them (QEMU does the same; our ACPI tables say active-high).
 */
#ifndef LUCID_DEVICES_IOAPIC_H
#define LUCID_DEVICES_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_SIZE 0x1000
#define IOAPIC_NPINS 24
#define IOAPIC_VERSION 0x11

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDTBL 0x10 /* two registers per pin: low, high */

/* Redirection entry bits. */
#define IOREDTBL_DM_SHIFT 8
#define IOREDTBL_DEST_LOGICAL (1u << 11)
#define IOREDTBL_DELIVS (1u << 12)
#define IOREDTBL_POLARITY_LOW (1u << 13)
#define IOREDTBL_REMOTE_IRR (1u << 14)
#define IOREDTBL_LEVEL (1u << 15)
#define IOREDTBL_MASKED (1u << 16)

struct ioapic {
	struct machine *m;
	/* Board wiring, set by core: a message to the local APIC(s). */
	void (*deliver)(void *opaque, uint8_t dest, bool logical,
			unsigned mode, uint8_t vector, bool level);
	void *deliver_opaque;
	/* State. */
	uint32_t regsel;
	uint32_t id;
	uint64_t redir[IOAPIC_NPINS];
	uint8_t pin_level[IOAPIC_NPINS];
};

/* Maps the MMIO page (the caller routes 0xFEC00000 to the bus) and listens
 * to every core/irq line. */
struct ioapic *ioapic_create(struct machine *m);
void ioapic_reset(void *opaque);
void ioapic_destroy(void *opaque);

/* The pin a core/irq line arrives on (ISA IRQ0 -> pin 2). */
unsigned ioapic_pin_of_line(unsigned line);
/* A local APIC's EOI of a level-triggered vector. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

#endif
