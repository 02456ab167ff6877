/* devices/ps2.c: the PS/2 (MF2) keyboard.
 *
 * It talks to the 8042 byte by byte: the controller writes host bytes with
 * ps2_kbd_write and pulls keyboard bytes with ps2_kbd_pop. Scan code sets
 * 1 and 2 are generated; set 3 is refused (0xFE) rather than sent wrong.
 * The mouse is in devices/ps2_mouse.c.
 */
#include "devices/ps2.h"

#include <stdlib.h>

#include "core/machine.h"
#include "core/util.h"

/* --- keyboard ------------------------------------------------------------ */

/* Scan code set 2 for each set 1 make code. E0 keys use the code of their
 * set 1 twin with the same E0 prefix (E0 48 Up -> E0 75). 0x41 (F7) is
 * 0x83, the one set 2 code above 0x7F; 0x54 is Alt+SysRq. */
static const uint8_t set1_to_set2[128] = {
	0x00, 0x76, 0x16, 0x1e, 0x26, 0x25, 0x2e, 0x36,	/* 00 */
	0x3d, 0x3e, 0x46, 0x45, 0x4e, 0x55, 0x66, 0x0d,	/* 08 */
	0x15, 0x1d, 0x24, 0x2d, 0x2c, 0x35, 0x3c, 0x43,	/* 10 */
	0x44, 0x4d, 0x54, 0x5b, 0x5a, 0x14, 0x1c, 0x1b,	/* 18 */
	0x23, 0x2b, 0x34, 0x33, 0x3b, 0x42, 0x4b, 0x4c,	/* 20 */
	0x52, 0x0e, 0x12, 0x5d, 0x1a, 0x22, 0x21, 0x2a,	/* 28 */
	0x32, 0x31, 0x3a, 0x41, 0x49, 0x4a, 0x59, 0x7c,	/* 30 */
	0x11, 0x29, 0x58, 0x05, 0x06, 0x04, 0x0c, 0x03,	/* 38 */
	0x0b, 0x83, 0x0a, 0x01, 0x09, 0x77, 0x7e, 0x6c,	/* 40 */
	0x75, 0x7d, 0x7b, 0x6b, 0x73, 0x74, 0x79, 0x69,	/* 48 */
	0x72, 0x7a, 0x70, 0x71, 0x84, 0x60, 0x61, 0x78,	/* 50 */
	0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f,	/* 58 */
	0x47, 0x4f, 0x56, 0x5e, 0x08, 0x10, 0x18, 0x20,	/* 60 */
	0x28, 0x30, 0x38, 0x40, 0x48, 0x50, 0x57, 0x6f,	/* 68 */
	0x13, 0x19, 0x39, 0x51, 0x53, 0x5c, 0x5f, 0x62,	/* 70 */
	0x63, 0x64, 0x65, 0x67, 0x68, 0x6a, 0x6d, 0x6e,	/* 78 */
};

static const struct state_field ps2_kbd_fields[] = {
	STATE_FIELD(struct ps2_kbd, resp),
	STATE_FIELD(struct ps2_kbd, scan),
	STATE_FIELD(struct ps2_kbd, param_cmd),
	STATE_FIELD(struct ps2_kbd, scan_set),
	STATE_FIELD(struct ps2_kbd, scanning),
	STATE_FIELD(struct ps2_kbd, leds),
	STATE_FIELD(struct ps2_kbd, typematic),
	STATE_FIELD(struct ps2_kbd, overflowed),
	STATE_FIELD(struct ps2_kbd, last_sent),
	STATE_FIELD(struct ps2_kbd, repeat_key),
	STATE_FIELD(struct ps2_kbd, repeat_due),
	STATE_END
};

/* Bytes for one key transition in the current set; 0 if the key has none. */
static unsigned kbd_encode(const struct ps2_kbd *k, uint16_t key,
			   bool pressed, uint8_t *out)
{
	static const uint8_t pause2[] = { 0xe1, 0x14, 0x77, 0xe1,
					  0xf0, 0x14, 0xf0, 0x77 };
	static const uint8_t pause1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	unsigned n = 0;

	if (key == PS2_KEY_PAUSE) {
		/* Make only: the keyboard sends the break with the make. */
		const uint8_t *s = k->scan_set == 1 ? pause1 : pause2;
		unsigned len = k->scan_set == 1 ? sizeof(pause1)
						: sizeof(pause2);
		if (!pressed)
			return 0;
		for (n = 0; n < len; n++)
			out[n] = s[n];
		return n;
	}
	if (key == PS2_KEY_PRINT) {
		/* The plain form: a fake shift around the key. */
		if (k->scan_set == 1) {
			const uint8_t mk[] = { 0xe0, 0x2a, 0xe0, 0x37 };
			const uint8_t br[] = { 0xe0, 0xb7, 0xe0, 0xaa };
			for (n = 0; n < 4; n++)
				out[n] = pressed ? mk[n] : br[n];
			return n;
		}
		const uint8_t mk[] = { 0xe0, 0x12, 0xe0, 0x7c };
		const uint8_t br[] = { 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12 };
		if (pressed) {
			for (n = 0; n < 4; n++)
				out[n] = mk[n];
		} else {
			for (n = 0; n < 6; n++)
				out[n] = br[n];
		}
		return n;
	}
	unsigned prefix = key >> 8, code = key & 0xffu;
	if ((prefix != 0 && prefix != 0xe0) || code == 0 || code >= 0x80)
		return 0;
	if (prefix)
		out[n++] = 0xe0;
	if (k->scan_set == 1) {
		out[n++] = (uint8_t)(code | (pressed ? 0 : 0x80));
		return n;
	}
	if (!set1_to_set2[code])
		return 0;
	if (!pressed)
		out[n++] = 0xf0;
	out[n++] = set1_to_set2[code];
	return n;
}

/* Queue a whole key sequence or nothing: a half-sent sequence would be
 * misread, so on overrun the keyboard sends its overrun code instead. */
static void kbd_queue_key(struct ps2_kbd *k, const uint8_t *b, unsigned n)
{
	if (ps2_q_free(&k->scan) < n + 1u) {
		if (!k->overflowed && ps2_q_free(&k->scan) > 0) {
			ps2_q_push(&k->scan, k->scan_set == 1 ? 0xff : 0x00);
			k->overflowed = 1;
		}
		return;
	}
	for (unsigned i = 0; i < n; i++)
		ps2_q_push(&k->scan, b[i]);
}

/* Typematic parameter: bits 0-2 A, 3-4 B: period = (8 + A) * 2^B / 240 s;
 * bits 5-6: delay = 250 ms * (1 + D). */
static uint64_t kbd_period_ns(uint8_t t)
{
	uint64_t a = t & 7u, b = (t >> 3) & 3u;
	return (8 + a) * (1ull << b) * 1000000000ull / 240;
}

static uint64_t kbd_delay_ns(uint8_t t)
{
	return 250000000ull * (1 + ((t >> 5) & 3u));
}

static void kbd_arm_repeat(struct ps2_kbd *k, uint64_t after)
{
	k->repeat_due = clock_now(&k->m->clock) + after;
	event_schedule(&k->repeat, k->repeat_due);
}

static void kbd_stop_repeat(struct ps2_kbd *k)
{
	k->repeat_key = 0;
	k->repeat_due = 0;
	event_cancel(&k->repeat);
}

static void kbd_repeat_fire(void *opaque)
{
	struct ps2_kbd *k = opaque;
	uint8_t seq[8];
	unsigned n;

	k->repeat_due = 0;
	if (!k->repeat_key || !k->scanning)
		return;
	n = kbd_encode(k, k->repeat_key, true, seq);
	kbd_queue_key(k, seq, n);
	kbd_arm_repeat(k, kbd_period_ns(k->typematic));
	k->notify(k->notify_opaque);
}

void ps2_kbd_key(struct ps2_kbd *k, uint16_t key, bool pressed)
{
	uint8_t seq[8];
	unsigned n;

	if (!k->scanning)
		return;
	n = kbd_encode(k, key, pressed, seq);
	if (!n) {
		log_debug(&k->m->log, KBD, "no scan code for key %#x", key);
		return;
	}
	kbd_queue_key(k, seq, n);
	if (pressed && key != PS2_KEY_PAUSE) {
		k->repeat_key = key;
		kbd_arm_repeat(k, kbd_delay_ns(k->typematic));
	} else if (!pressed && key == k->repeat_key) {
		kbd_stop_repeat(k);
	}
	k->notify(k->notify_opaque);
}

static void kbd_defaults(struct ps2_kbd *k)
{
	k->scan_set = 2;
	k->leds = 0;
	k->typematic = 0x2b; /* 10.9 characters/s after 500 ms */
	k->param_cmd = 0;
	ps2_q_clear(&k->scan);
	k->overflowed = 0;
	kbd_stop_repeat(k);
}

static void kbd_reply(struct ps2_kbd *k, uint8_t b)
{
	ps2_q_push(&k->resp, b);
}

static void kbd_param(struct ps2_kbd *k, uint8_t cmd, uint8_t val)
{
	switch (cmd) {
	case 0xed: /* LEDs: scroll, num, caps in bits 0-2 */
		k->leds = val & 7u;
		kbd_reply(k, PS2_ACK);
		break;
	case 0xf3:
		k->typematic = val & 0x7fu;
		kbd_reply(k, PS2_ACK);
		break;
	case 0xf0:
		if (val == 0) {
			kbd_reply(k, PS2_ACK);
			kbd_reply(k, k->scan_set);
		} else if (val == 1 || val == 2) {
			k->scan_set = val;
			ps2_q_clear(&k->scan);
			kbd_reply(k, PS2_ACK);
		} else {
			log_debug(&k->m->log, KBD, "scan code set %u refused",
				  val);
			kbd_reply(k, PS2_RESEND);
		}
		break;
	}
}

void ps2_kbd_write(struct ps2_kbd *k, uint8_t val)
{
	/* A command byte where a parameter belongs starts the new command,
	 * as the IBM keyboard does (parameters never have bit 7 set). */
	if (k->param_cmd && !(val & 0x80)) {
		uint8_t cmd = k->param_cmd;
		k->param_cmd = 0;
		kbd_param(k, cmd, val);
		k->notify(k->notify_opaque);
		return;
	}
	k->param_cmd = 0;
	switch (val) {
	case 0xed:
	case 0xf0:
	case 0xf3:
		k->param_cmd = val;
		kbd_reply(k, PS2_ACK);
		break;
	case 0xee:
		kbd_reply(k, 0xee);
		break;
	case 0xf2: /* MF2 keyboard */
		kbd_reply(k, PS2_ACK);
		kbd_reply(k, 0xab);
		kbd_reply(k, 0x83);
		break;
	case 0xf4:
		ps2_q_clear(&k->scan);
		k->overflowed = 0;
		k->scanning = 1;
		kbd_reply(k, PS2_ACK);
		break;
	case 0xf5:
		kbd_defaults(k);
		k->scanning = 0;
		kbd_reply(k, PS2_ACK);
		break;
	case 0xf6:
		kbd_defaults(k);
		k->scanning = 1;
		kbd_reply(k, PS2_ACK);
		break;
	case 0xf7: case 0xf8: case 0xf9: case 0xfa:
	case 0xfb: case 0xfc: case 0xfd:
		/* Set 3 key types: meaningless in sets 1 and 2. */
		kbd_reply(k, PS2_ACK);
		break;
	case 0xfe:
		kbd_reply(k, k->last_sent);
		break;
	case 0xff:
		kbd_defaults(k);
		ps2_q_clear(&k->resp);
		k->scanning = 1;
		kbd_reply(k, PS2_ACK);
		kbd_reply(k, PS2_BAT_OK);
		break;
	default:
		log_debug(&k->m->log, KBD, "unknown keyboard command %#x", val);
		kbd_reply(k, PS2_RESEND);
		break;
	}
	k->notify(k->notify_opaque);
}

bool ps2_kbd_has_data(const struct ps2_kbd *k)
{
	return k->resp.count || k->scan.count;
}

uint8_t ps2_kbd_pop(struct ps2_kbd *k)
{
	if (k->resp.count) {
		k->last_sent = ps2_q_pop(&k->resp);
	} else if (k->scan.count) {
		k->last_sent = ps2_q_pop(&k->scan);
		if (!k->scan.count)
			k->overflowed = 0;
	}
	return k->last_sent;
}

void ps2_kbd_reset(void *opaque)
{
	struct ps2_kbd *k = opaque;
	kbd_defaults(k);
	ps2_q_clear(&k->resp);
	k->scanning = 1;
	k->last_sent = 0;
}

static void ps2_kbd_post_load(void *opaque)
{
	struct ps2_kbd *k = opaque;
	if (k->repeat_due)
		event_schedule(&k->repeat, k->repeat_due);
	else
		event_cancel(&k->repeat);
}

static void ps2_kbd_destroy(void *opaque)
{
	struct ps2_kbd *k = opaque;
	event_cancel(&k->repeat);
	free(k);
}

struct ps2_kbd *ps2_kbd_create(struct machine *m, ps2_notify_fn notify,
			       void *opaque)
{
	struct ps2_kbd *k = xcalloc(1, sizeof(*k));
	k->m = m;
	k->notify = notify;
	k->notify_opaque = opaque;
	event_init(&k->repeat, &m->clock, kbd_repeat_fire, k, "ps2-typematic");
	ps2_kbd_reset(k);
	state_add_hooked(&m->state, "ps2kbd", ps2_kbd_fields, k, NULL,
			 ps2_kbd_post_load, k);
	machine_add_device(m, "ps2kbd", k, ps2_kbd_reset, ps2_kbd_destroy);
	return k;
}
