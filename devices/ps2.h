/* devices/ps2.h: the PS/2 keyboard and mouse behind the 8042
 * (devices/ps2.c and devices/ps2_mouse.c).
 *
 * Each device keeps the bytes it still has to send; the controller pulls
 * them one at a time (ps2_*_pop) when its output buffer is free, and a
 * device tells the controller it has something through the notify hook.
 *
 * Key ids: a key is named by its scan code set 1 make code, the code the
 * PC/XT keyboard sent and the one every PC keyboard reference lists:
 * 0x1E is A, and keys that send an E0 prefix are 0xE0xx (0xE048 is Up).
 * Two keys send sequences and have their own ids: PS2_KEY_PRINT (E0 2A E0
 * 37 in set 1) and PS2_KEY_PAUSE (E1 1D 45 E1 9D C5, nothing on release).
 * The UI maps host keys to these ids; the keyboard turns them into set 2
 * (or set 1) bytes, and the 8042 translates set 2 back to set 1 when XLAT
 * is on, as on a real PC.
 */
#ifndef LUCID_DEVICES_PS2_H
#define LUCID_DEVICES_PS2_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

struct machine;

#define PS2_QUEUE_SIZE 16 /* the keyboard's buffer; a power of two */

#define PS2_KEY_PRINT 0xE037
#define PS2_KEY_PAUSE 0xE11D

/* Mouse buttons as in byte 0 of a packet. */
#define PS2_BUTTON_LEFT 0x01
#define PS2_BUTTON_RIGHT 0x02
#define PS2_BUTTON_MIDDLE 0x04

struct ps2_queue {
	uint8_t data[PS2_QUEUE_SIZE];
	uint8_t head, count;
};

#define PS2_ACK 0xfa
#define PS2_RESEND 0xfe
#define PS2_BAT_OK 0xaa

/* Byte queue helpers shared by the keyboard and mouse. */
static inline unsigned ps2_q_free(const struct ps2_queue *q)
{
	return PS2_QUEUE_SIZE - q->count;
}

static inline void ps2_q_push(struct ps2_queue *q, uint8_t b)
{
	if (q->count == PS2_QUEUE_SIZE)
		return;
	q->data[(q->head + q->count) & (PS2_QUEUE_SIZE - 1)] = b;
	q->count++;
}

static inline uint8_t ps2_q_pop(struct ps2_queue *q)
{
	uint8_t b = q->data[q->head & (PS2_QUEUE_SIZE - 1)];
	q->head = (q->head + 1) & (PS2_QUEUE_SIZE - 1);
	q->count--;
	return b;
}

static inline void ps2_q_clear(struct ps2_queue *q)
{
	q->head = q->count = 0;
}

typedef void (*ps2_notify_fn)(void *opaque);

struct ps2_kbd {
	struct machine *m;
	ps2_notify_fn notify;
	void *notify_opaque;
	struct event repeat;

	/* Guest-visible state (in the state table). */
	struct ps2_queue resp;  /* command responses: sent first */
	struct ps2_queue scan;  /* key bytes */
	uint8_t param_cmd;      /* command waiting for its parameter, 0 none */
	uint8_t scan_set;       /* 1 or 2 */
	uint8_t scanning;
	uint8_t leds;
	uint8_t typematic;      /* 0xF3 parameter: delay and rate */
	uint8_t overflowed;     /* overrun code queued (until drained) */
	uint8_t last_sent;      /* for 0xFE resend */
	uint16_t repeat_key;    /* key held for typematic repeat, 0 none */
	uint64_t repeat_due;    /* virtual ns, 0 = not armed */
};

struct ps2_mouse {
	struct machine *m;
	ps2_notify_fn notify;
	void *notify_opaque;

	struct ps2_queue q;
	uint8_t param_cmd;
	uint8_t status;         /* as in the 0xE9 reply: remote, enable, 2:1 */
	uint8_t resolution;
	uint8_t rate;
	uint8_t wrap;
	uint8_t id;             /* 0 standard, 3 IntelliMouse (wheel) */
	uint8_t buttons;        /* PS2_BUTTON_* */
	uint8_t dirty;          /* something to report */
	uint8_t last_sent;
	uint32_t rate_hist;     /* last three sample rates (the knock) */
	int32_t dx, dy, dz;     /* unreported motion, PS/2 sense (y up) */
};

struct ps2_kbd *ps2_kbd_create(struct machine *m, ps2_notify_fn notify,
			       void *opaque);
struct ps2_mouse *ps2_mouse_create(struct machine *m, ps2_notify_fn notify,
				   void *opaque);

/* Host input, called by the machine at sync points. pressed/released are
 * transitions: the keyboard repeats a held key itself (typematic), so the
 * UI must drop the host's autorepeat. */
void ps2_kbd_key(struct ps2_kbd *k, uint16_t key, bool pressed);
/* dx right, dy down (screen sense), dz wheel toward the user; buttons is
 * the full PS2_BUTTON_* state. */
void ps2_mouse_move(struct ps2_mouse *ms, int dx, int dy, int dz,
		    unsigned buttons);

/* Controller side: a byte from the host, and the bytes to the host. */
void ps2_kbd_write(struct ps2_kbd *k, uint8_t val);
bool ps2_kbd_has_data(const struct ps2_kbd *k);
uint8_t ps2_kbd_pop(struct ps2_kbd *k);
void ps2_mouse_write(struct ps2_mouse *ms, uint8_t val);
bool ps2_mouse_has_data(const struct ps2_mouse *ms);
uint8_t ps2_mouse_pop(struct ps2_mouse *ms);

void ps2_kbd_reset(void *opaque);
void ps2_mouse_reset(void *opaque);

#endif
