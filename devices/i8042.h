/* devices/i8042.h: Intel 8042 keyboard controller (ports 0x60, 0x64). */
#ifndef LUCID_DEVICES_I8042_H
#define LUCID_DEVICES_I8042_H

#include <stdint.h>

#include "core/clock.h"
#include "devices/ps2.h"

struct machine;

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64

/* Status register (read 0x64). */
#define I8042_STR_OBF 0x01   /* output buffer full */
#define I8042_STR_IBF 0x02   /* input buffer full (never: we are instant) */
#define I8042_STR_SYS 0x04   /* system flag, from the command byte */
#define I8042_STR_CMD 0x08   /* A2: last write went to 0x64 */
#define I8042_STR_INH 0x10   /* 1 = keyboard not inhibited (key lock) */
#define I8042_STR_AUXB 0x20  /* output buffer holds a mouse byte */

/* Command byte (0x20 read / 0x60 write). */
#define I8042_CB_KBD_INT 0x01
#define I8042_CB_AUX_INT 0x02
#define I8042_CB_SYS 0x04
#define I8042_CB_KBD_OFF 0x10
#define I8042_CB_AUX_OFF 0x20
#define I8042_CB_XLAT 0x40

/* Output port (0xD0 read / 0xD1 write). */
#define I8042_OUT_RESET 0x01 /* active low: 0 resets the CPU */
#define I8042_OUT_A20 0x02

/* A device byte takes about a millisecond on the PS/2 wire; the next one
 * is only presented that long after the guest read the previous one, so a
 * handler may read port 0x60 twice and see the same byte. */
#define I8042_BYTE_NS 1000000ull

struct i8042 {
	struct machine *m;
	struct ps2_kbd *kbd;
	struct ps2_mouse *mouse;
	unsigned kbd_irq, aux_irq;
	struct event next;

	/* Guest-visible state (in the state table). */
	uint8_t status;       /* OBF, A2, AUXB; SYS and INH are computed */
	uint8_t cmd_byte;
	uint8_t outport;
	uint8_t out;          /* the output buffer */
	uint8_t pending;      /* controller command awaiting its data byte */
	uint8_t ctrl_q[4];    /* controller replies, before device bytes */
	uint8_t ctrl_aux[4];  /* ...and whether each one looks like aux data */
	uint8_t ctrl_n;
	uint8_t xlat_f0;      /* translation: a break prefix is held */
	uint8_t kbd_level, aux_level;
	uint64_t next_due;    /* virtual ns, 0 = not armed */
};

/* Maps 0x60 and 0x64 and creates the keyboard and mouse (kbd, mouse). */
struct i8042 *i8042_create(struct machine *m, unsigned kbd_irq,
			   unsigned aux_irq);
void i8042_reset(void *opaque);

#endif
