/* devices/pic.h: the two cascaded Intel 8259A interrupt controllers
 * (master 0x20-0x21, slave 0xA0-0xA1 on master IR2) and the PIIX
 * edge/level control registers (ELCR, 0x4D0-0x4D1). */
#ifndef LUCID_DEVICES_PIC_H
#define LUCID_DEVICES_PIC_H

#include <stdint.h>

struct machine;

#define PIC_MASTER_PORT 0x20
#define PIC_SLAVE_PORT 0xa0
#define PIC_ELCR_PORT 0x4d0

/* One 8259A. Every field is a byte (no padding in snapshots). */
struct pic_chip {
	uint8_t irr, isr, imr;
	uint8_t lines;       /* input levels (master bit 2: slave INT) */
	uint8_t elcr;        /* 1 = level-triggered (PIIX ELCR) */
	uint8_t base;        /* ICW2: vector of IR0 */
	uint8_t icw1, icw3, icw4;
	uint8_t init;        /* next ICW expected (2, 3, 4), 0 when ready */
	uint8_t prio;        /* IR with the highest priority (rotation) */
	uint8_t read_isr;    /* OCW3 RR/RIS: reads of A0=0 give ISR */
	uint8_t poll;        /* OCW3 P: the next read is the poll word */
	uint8_t smm;         /* special mask mode */
	uint8_t rotate_aeoi;
};

struct pic {
	struct machine *m;
	struct pic_chip chip[2]; /* master, slave */
};

/* Installs itself as the IRQ sink for lines 0-15 and as the CPU's INTA. */
struct pic *pic_create(struct machine *m);
void pic_reset(void *opaque);
void pic_destroy(void *opaque);

#endif
