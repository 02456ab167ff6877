/* devices/ps2_mouse.c: the PS/2 mouse, with the IntelliMouse wheel.
 *
 * Stream mode reports motion as it comes, split into packets that fit
 * the 9-bit counters; remote mode reports on 0xEB only. The wheel (id 3)
 * is unlocked by the sample-rate knock 200, 100, 80.
 */
#include "devices/ps2.h"

#include <stdlib.h>

#include "core/machine.h"
#include "core/util.h"

#define MS_REMOTE 0x40
#define MS_ENABLED 0x20
#define MS_SCALE21 0x10

static const struct state_field ps2_mouse_fields[] = {
	STATE_FIELD(struct ps2_mouse, q),
	STATE_FIELD(struct ps2_mouse, param_cmd),
	STATE_FIELD(struct ps2_mouse, status),
	STATE_FIELD(struct ps2_mouse, resolution),
	STATE_FIELD(struct ps2_mouse, rate),
	STATE_FIELD(struct ps2_mouse, wrap),
	STATE_FIELD(struct ps2_mouse, id),
	STATE_FIELD(struct ps2_mouse, buttons),
	STATE_FIELD(struct ps2_mouse, dirty),
	STATE_FIELD(struct ps2_mouse, last_sent),
	STATE_FIELD(struct ps2_mouse, rate_hist),
	STATE_FIELD(struct ps2_mouse, dx),
	STATE_FIELD(struct ps2_mouse, dy),
	STATE_FIELD(struct ps2_mouse, dz),
	STATE_END
};

static int32_t clamp32(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling (stream mode only): small motions are damped, larger ones
 * doubled, per the PS/2 mouse reference. */
static int32_t mouse_scale(int32_t v)
{
	static const int32_t small[6] = { 0, 1, 1, 3, 6, 9 };
	int32_t a = v < 0 ? -v : v;
	int32_t s = a < 6 ? small[a] : 2 * a;
	return v < 0 ? -s : s;
}

static unsigned mouse_packet_len(const struct ps2_mouse *ms)
{
	return ms->id == 3 ? 4 : 3;
}

/* One movement packet. Stream mode carries what does not fit into the
 * next packet; a poll (remote mode) reports the counters clamped, with the
 * overflow bits, and clears them, as the counters did overflow. */
static void mouse_send_packet(struct ps2_mouse *ms, bool stream)
{
	int32_t x = clamp32(ms->dx, -256, 255);
	int32_t y = clamp32(ms->dy, -256, 255);
	int32_t z = ms->id == 3 ? clamp32(ms->dz, -8, 7) : 0;
	bool ox = x != ms->dx, oy = y != ms->dy;

	if (stream) {
		ms->dx -= x;
		ms->dy -= y;
		ms->dz = ms->id == 3 ? ms->dz - z : 0;
		ox = oy = false;
		if (ms->status & MS_SCALE21) {
			int32_t sx = mouse_scale(x), sy = mouse_scale(y);
			x = clamp32(sx, -256, 255);
			y = clamp32(sy, -256, 255);
			ox = x != sx;
			oy = y != sy;
		}
	} else {
		ms->dx = ms->dy = ms->dz = 0;
	}
	uint8_t b0 = 0x08 | (ms->buttons & 7u);
	if (x < 0)
		b0 |= 0x10;
	if (y < 0)
		b0 |= 0x20;
	if (ox)
		b0 |= 0x40;
	if (oy)
		b0 |= 0x80;
	ps2_q_push(&ms->q, b0);
	ps2_q_push(&ms->q, (uint8_t)((uint32_t)x & 0xffu));
	ps2_q_push(&ms->q, (uint8_t)((uint32_t)y & 0xffu));
	if (ms->id == 3)
		ps2_q_push(&ms->q, (uint8_t)((uint32_t)z & 0xffu));
	ms->dirty = ms->dx || ms->dy || ms->dz;
}

/* Stream mode: report while there is motion and room for whole packets. */
static void mouse_fill(struct ps2_mouse *ms)
{
	if ((ms->status & (MS_REMOTE | MS_ENABLED)) != MS_ENABLED)
		return;
	while (ms->dirty && ps2_q_free(&ms->q) >= mouse_packet_len(ms))
		mouse_send_packet(ms, true);
}

void ps2_mouse_move(struct ps2_mouse *ms, int dx, int dy, int dz,
		    unsigned buttons)
{
	/* A disabled mouse in stream mode does not count. */
	if (!(ms->status & (MS_ENABLED | MS_REMOTE)))
		return;
	/* Bounded so a flood of host motion cannot overflow the counters. */
	const int32_t lim = 1 << 20;
	ms->dx = clamp32(ms->dx + clamp32(dx, -lim, lim), -lim, lim);
	ms->dy = clamp32(ms->dy - clamp32(dy, -lim, lim), -lim, lim);
	ms->dz = clamp32(ms->dz + clamp32(dz, -lim, lim), -lim, lim);
	if (dx || dy || (dz && ms->id == 3))
		ms->dirty = 1;
	if ((buttons & 7u) != ms->buttons) {
		ms->buttons = buttons & 7u;
		ms->dirty = 1;
	}
	if (ms->id != 3)
		ms->dz = 0;
	mouse_fill(ms);
	ms->notify(ms->notify_opaque);
}

static void mouse_defaults(struct ps2_mouse *ms)
{
	ms->status = 0; /* stream mode, disabled, 1:1 */
	ms->rate = 100;
	ms->resolution = 2; /* 4 counts/mm */
	ms->dx = ms->dy = ms->dz = 0;
	ms->dirty = 0;
}

static void mouse_reply(struct ps2_mouse *ms, uint8_t b)
{
	ps2_q_push(&ms->q, b);
}

static void mouse_command(struct ps2_mouse *ms, uint8_t val)
{
	switch (val) {
	case 0xe6:
		ms->status &= (uint8_t)~MS_SCALE21;
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xe7:
		ms->status |= MS_SCALE21;
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xe8:
	case 0xf3:
		ms->param_cmd = val;
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xe9: { /* status: buttons as left bit 2, middle 1, right 0 */
		uint8_t b = ms->buttons;
		uint8_t st = ms->status & (MS_REMOTE | MS_ENABLED | MS_SCALE21);
		st |= (b & PS2_BUTTON_LEFT) ? 4 : 0;
		st |= (b & PS2_BUTTON_MIDDLE) ? 2 : 0;
		st |= (b & PS2_BUTTON_RIGHT) ? 1 : 0;
		mouse_reply(ms, PS2_ACK);
		mouse_reply(ms, st);
		mouse_reply(ms, ms->resolution);
		mouse_reply(ms, ms->rate);
		break;
	}
	case 0xea:
		ms->status &= (uint8_t)~MS_REMOTE;
		ms->dx = ms->dy = ms->dz = 0;
		ms->dirty = 0;
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xeb:
		mouse_reply(ms, PS2_ACK);
		mouse_send_packet(ms, false);
		break;
	case 0xec:
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xee:
		ms->wrap = 1;
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xf0:
		ms->status |= MS_REMOTE;
		ms->dx = ms->dy = ms->dz = 0;
		ms->dirty = 0;
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xf2:
		mouse_reply(ms, PS2_ACK);
		mouse_reply(ms, ms->id);
		break;
	case 0xf4:
		ms->status |= MS_ENABLED;
		ms->dx = ms->dy = ms->dz = 0;
		ms->dirty = 0;
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xf5:
		ms->status &= (uint8_t)~MS_ENABLED;
		ms->dx = ms->dy = ms->dz = 0;
		ms->dirty = 0;
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xf6:
		mouse_defaults(ms);
		mouse_reply(ms, PS2_ACK);
		break;
	case 0xfe:
		mouse_reply(ms, ms->last_sent);
		break;
	case 0xff:
		mouse_defaults(ms);
		ms->id = 0;
		ms->wrap = 0;
		ms->rate_hist = 0;
		mouse_reply(ms, PS2_ACK);
		mouse_reply(ms, PS2_BAT_OK);
		mouse_reply(ms, 0x00); /* device id */
		break;
	default:
		log_debug(&ms->m->log, KBD, "unknown mouse command %#x", val);
		mouse_reply(ms, PS2_RESEND);
		break;
	}
}

void ps2_mouse_write(struct ps2_mouse *ms, uint8_t val)
{
	if (ms->param_cmd) {
		uint8_t cmd = ms->param_cmd;
		ms->param_cmd = 0;
		if (cmd == 0xe8) {
			ms->resolution = val & 3u;
		} else {
			ms->rate = val;
			/* Rates 200, 100, 80 in a row unlock the wheel. */
			ms->rate_hist = (ms->rate_hist << 8 | val) & 0xffffff;
			if (ms->rate_hist == 0xc86450u)
				ms->id = 3;
		}
		mouse_reply(ms, PS2_ACK);
	} else if (ms->wrap && val != 0xec && val != 0xff) {
		mouse_reply(ms, val); /* wrap mode echoes */
	} else {
		if (val == 0xec)
			ms->wrap = 0;
		/* A command aborts the packets not yet sent. */
		ps2_q_clear(&ms->q);
		mouse_command(ms, val);
	}
	ms->notify(ms->notify_opaque);
}

bool ps2_mouse_has_data(const struct ps2_mouse *ms)
{
	return ms->q.count != 0;
}

uint8_t ps2_mouse_pop(struct ps2_mouse *ms)
{
	if (ms->q.count)
		ms->last_sent = ps2_q_pop(&ms->q);
	mouse_fill(ms);
	return ms->last_sent;
}

void ps2_mouse_reset(void *opaque)
{
	struct ps2_mouse *ms = opaque;
	mouse_defaults(ms);
	ps2_q_clear(&ms->q);
	ms->param_cmd = 0;
	ms->wrap = 0;
	ms->id = 0;
	ms->buttons = 0;
	ms->rate_hist = 0;
	ms->last_sent = 0;
}

static void ps2_mouse_destroy(void *opaque)
{
	free(opaque);
}

struct ps2_mouse *ps2_mouse_create(struct machine *m, ps2_notify_fn notify,
				   void *opaque)
{
	struct ps2_mouse *ms = xcalloc(1, sizeof(*ms));
	ms->m = m;
	ms->notify = notify;
	ms->notify_opaque = opaque;
	ps2_mouse_reset(ms);
	state_add(&m->state, "ps2mouse", ps2_mouse_fields, ms);
	machine_add_device(m, "ps2mouse", ms, ps2_mouse_reset,
			   ps2_mouse_destroy);
	return ms;
}
