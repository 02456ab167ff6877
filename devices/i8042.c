/* devices/i8042.c: Intel 8042 keyboard controller.
 *
 * One output buffer shared by the controller's own replies, the keyboard
 * and the mouse. A byte is loaded only when the buffer is empty; IRQ1 or
 * IRQ12 follows OBF while the command byte enables it (the wire is high
 * while the buffer is full, so the edge-triggered PIC sees one edge per
 * byte). The controller also owns the A20 gate and the CPU reset line
 * through its output port.
 */
#include "devices/i8042.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

/* The 8042's set 2 -> set 1 translation (XLAT). Codes from 0x80 up pass
 * through, except 0x83 (F7) and 0x84 (Alt+SysRq). */
static const uint8_t xlat_table[128] = {
	0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58,	/* 00 */
	0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,	/* 08 */
	0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a,	/* 10 */
	0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,	/* 18 */
	0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c,	/* 20 */
	0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,	/* 28 */
	0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e,	/* 30 */
	0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,	/* 38 */
	0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60,	/* 40 */
	0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,	/* 48 */
	0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e,	/* 50 */
	0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,	/* 58 */
	0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b,	/* 60 */
	0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,	/* 68 */
	0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45,	/* 70 */
	0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,	/* 78 */
};

static const struct state_field i8042_fields[] = {
	STATE_FIELD(struct i8042, status),
	STATE_FIELD(struct i8042, cmd_byte),
	STATE_FIELD(struct i8042, outport),
	STATE_FIELD(struct i8042, out),
	STATE_FIELD(struct i8042, pending),
	STATE_FIELD(struct i8042, ctrl_q),
	STATE_FIELD(struct i8042, ctrl_aux),
	STATE_FIELD(struct i8042, ctrl_n),
	STATE_FIELD(struct i8042, xlat_f0),
	STATE_FIELD(struct i8042, kbd_level),
	STATE_FIELD(struct i8042, aux_level),
	STATE_FIELD(struct i8042, next_due),
	STATE_END
};

static void i8042_update_irq(struct i8042 *c)
{
	bool full = c->status & I8042_STR_OBF;
	bool aux = c->status & I8042_STR_AUXB;
	uint8_t kl = full && !aux && (c->cmd_byte & I8042_CB_KBD_INT);
	uint8_t al = full && aux && (c->cmd_byte & I8042_CB_AUX_INT);

	if (kl != c->kbd_level) {
		c->kbd_level = kl;
		irq_set(&c->m->irq, c->kbd_irq, kl);
	}
	if (al != c->aux_level) {
		c->aux_level = al;
		irq_set(&c->m->irq, c->aux_irq, al);
	}
}

static void i8042_load(struct i8042 *c, uint8_t b, bool aux)
{
	c->out = b;
	c->status |= I8042_STR_OBF;
	if (aux)
		c->status |= I8042_STR_AUXB;
	else
		c->status &= (uint8_t)~I8042_STR_AUXB;
	i8042_update_irq(c);
}

/* Set 2 -> set 1: an F0 prefix is swallowed and sets bit 7 of the next
 * byte. Returns -1 when nothing is to be presented. */
static int i8042_translate(struct i8042 *c, uint8_t b)
{
	if (!(c->cmd_byte & I8042_CB_XLAT))
		return b;
	if (b == 0xf0) {
		c->xlat_f0 = 1;
		return -1;
	}
	uint8_t v = b < 0x80 ? xlat_table[b] : b == 0x83 ? 0x41 :
		    b == 0x84 ? 0x54 : b;
	if (c->xlat_f0) {
		v |= 0x80;
		c->xlat_f0 = 0;
	}
	return v;
}

/* Fill an empty output buffer: the controller's replies first, then the
 * keyboard, then the mouse, each only while its interface is enabled. */
static void i8042_pump(struct i8042 *c)
{
	if (c->status & I8042_STR_OBF)
		return;
	if (c->ctrl_n) {
		uint8_t b = c->ctrl_q[0], aux = c->ctrl_aux[0];
		for (unsigned i = 1; i < c->ctrl_n; i++) {
			c->ctrl_q[i - 1] = c->ctrl_q[i];
			c->ctrl_aux[i - 1] = c->ctrl_aux[i];
		}
		c->ctrl_n--;
		i8042_load(c, b, aux);
		return;
	}
	if (event_pending(&c->next))
		return; /* the previous device byte is still on the wire */
	if (!(c->cmd_byte & I8042_CB_KBD_OFF)) {
		while (ps2_kbd_has_data(c->kbd)) {
			int v = i8042_translate(c, ps2_kbd_pop(c->kbd));
			if (v >= 0) {
				i8042_load(c, (uint8_t)v, false);
				return;
			}
		}
	}
	if (!(c->cmd_byte & I8042_CB_AUX_OFF) && ps2_mouse_has_data(c->mouse))
		i8042_load(c, ps2_mouse_pop(c->mouse), true);
}

static void i8042_notify(void *opaque)
{
	i8042_pump(opaque);
}

static void i8042_next_fire(void *opaque)
{
	struct i8042 *c = opaque;
	c->next_due = 0;
	i8042_pump(c);
}

static void i8042_reply(struct i8042 *c, uint8_t b, bool aux)
{
	if (c->ctrl_n == sizeof(c->ctrl_q))
		return;
	c->ctrl_q[c->ctrl_n] = b;
	c->ctrl_aux[c->ctrl_n] = aux;
	c->ctrl_n++;
	i8042_pump(c);
}

static void i8042_write_outport(struct i8042 *c, uint8_t val)
{
	c->outport = val;
	machine_set_a20(c->m, val & I8042_OUT_A20);
	if (!(val & I8042_OUT_RESET))
		machine_request_reset(c->m);
}

static uint8_t i8042_read_outport(struct i8042 *c)
{
	uint8_t v = c->outport & (uint8_t)~0x30u;
	if (c->status & I8042_STR_OBF)
		v |= (c->status & I8042_STR_AUXB) ? 0x20 : 0x10;
	return v;
}

static void i8042_command(struct i8042 *c, uint8_t cmd)
{
	switch (cmd) {
	case 0x20:
		i8042_reply(c, c->cmd_byte, false);
		break;
	case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4:
		c->pending = cmd;
		break;
	case 0xa4: /* password installed? no */
		i8042_reply(c, 0xf1, false);
		break;
	case 0xa7:
		c->cmd_byte |= I8042_CB_AUX_OFF;
		break;
	case 0xa8:
		c->cmd_byte &= (uint8_t)~I8042_CB_AUX_OFF;
		i8042_pump(c);
		break;
	case 0xa9: /* aux interface test: no error */
	case 0xab: /* keyboard interface test */
		i8042_reply(c, 0x00, false);
		break;
	case 0xaa: /* self-test passes and sets the system flag */
		c->cmd_byte |= I8042_CB_SYS;
		i8042_reply(c, 0x55, false);
		break;
	case 0xad:
		c->cmd_byte |= I8042_CB_KBD_OFF;
		break;
	case 0xae:
		c->cmd_byte &= (uint8_t)~I8042_CB_KBD_OFF;
		i8042_pump(c);
		break;
	case 0xc0: /* input port: not inhibited, no jumper, colour display */
		i8042_reply(c, 0xb0, false);
		break;
	case 0xd0:
		i8042_reply(c, i8042_read_outport(c), false);
		break;
	case 0xdd: /* HP-style A20 off/on */
	case 0xdf:
		i8042_write_outport(c, (uint8_t)((c->outport & ~I8042_OUT_A20) |
				    (cmd == 0xdf ? I8042_OUT_A20 : 0)));
		break;
	case 0xe0: /* test inputs: T0 keyboard clock, T1 keyboard data */
		i8042_reply(c, (c->cmd_byte & I8042_CB_KBD_OFF) ? 0x02 : 0x03,
			    false);
		break;
	default:
		if (cmd >= 0xf0) {
			/* Pulse the output port lines whose bit is 0; only
			 * the reset line does anything. */
			if (!(cmd & I8042_OUT_RESET))
				machine_request_reset(c->m);
			break;
		}
		log_debug(&c->m->log, KBD, "unknown 8042 command %#x", cmd);
		break;
	}
}

static void i8042_data(struct i8042 *c, uint8_t val)
{
	uint8_t cmd = c->pending;

	c->pending = 0;
	switch (cmd) {
	case 0x60:
		c->cmd_byte = val;
		i8042_update_irq(c);
		i8042_pump(c);
		break;
	case 0xd1:
		i8042_write_outport(c, val);
		break;
	case 0xd2:
		i8042_reply(c, val, false);
		break;
	case 0xd3:
		i8042_reply(c, val, true);
		break;
	case 0xd4:
		/* Talking to a device turns its interface back on. */
		c->cmd_byte &= (uint8_t)~I8042_CB_AUX_OFF;
		ps2_mouse_write(c->mouse, val);
		break;
	default:
		c->cmd_byte &= (uint8_t)~I8042_CB_KBD_OFF;
		ps2_kbd_write(c->kbd, val);
		break;
	}
}

static uint32_t i8042_data_read(void *opaque, uint64_t offset,
				unsigned size)
{
	struct i8042 *c = opaque;
	uint8_t v = c->out; /* an empty buffer reads the last byte again */

	if (c->status & I8042_STR_OBF) {
		c->status &= (uint8_t)~(I8042_STR_OBF | I8042_STR_AUXB);
		i8042_update_irq(c);
		if (ps2_kbd_has_data(c->kbd) || ps2_mouse_has_data(c->mouse)) {
			c->next_due = clock_now(&c->m->clock) + I8042_BYTE_NS;
			event_schedule(&c->next, c->next_due);
		}
		i8042_pump(c);
	}
	return v;
}

static void i8042_data_write(void *opaque, uint64_t offset, uint32_t val,
			     unsigned size)
{
	struct i8042 *c = opaque;
	c->status &= (uint8_t)~I8042_STR_CMD;
	i8042_data(c, (uint8_t)val);
}

static uint32_t i8042_status_read(void *opaque, uint64_t offset,
				  unsigned size)
{
	struct i8042 *c = opaque;
	uint8_t st = c->status | I8042_STR_INH;

	if (c->cmd_byte & I8042_CB_SYS)
		st |= I8042_STR_SYS;
	return st;
}

static void i8042_cmd_write(void *opaque, uint64_t offset, uint32_t val,
			    unsigned size)
{
	struct i8042 *c = opaque;
	c->status |= I8042_STR_CMD;
	i8042_command(c, (uint8_t)val);
}

static const struct io_ops i8042_data_ops = {
	.read = i8042_data_read,
	.write = i8042_data_write,
};

static const struct io_ops i8042_cmd_ops = {
	.read = i8042_status_read,
	.write = i8042_cmd_write,
};

void i8042_reset(void *opaque)
{
	struct i8042 *c = opaque;

	c->status = 0;
	/* What a BIOS programs: translation on, mouse off, IRQ1 on. SYS stays
	 * clear until the self-test, which is how POST tells a cold boot. */
	c->cmd_byte = I8042_CB_XLAT | I8042_CB_AUX_OFF | I8042_CB_KBD_INT;
	c->outport = 0xcf; /* reset high, A20 on, lines idle */
	c->out = 0;
	c->pending = 0;
	c->ctrl_n = 0;
	c->xlat_f0 = 0;
	c->next_due = 0;
	event_cancel(&c->next);
	machine_set_a20(c->m, true);
	i8042_update_irq(c);
}

static void i8042_post_load(void *opaque)
{
	struct i8042 *c = opaque;

	if (c->next_due)
		event_schedule(&c->next, c->next_due);
	else
		event_cancel(&c->next);
	/* Re-drive the lines from the loaded levels. */
	irq_set(&c->m->irq, c->kbd_irq, c->kbd_level);
	irq_set(&c->m->irq, c->aux_irq, c->aux_level);
}

static void i8042_destroy(void *opaque)
{
	struct i8042 *c = opaque;
	event_cancel(&c->next);
	free(c);
}

struct i8042 *i8042_create(struct machine *m, unsigned kbd_irq,
			   unsigned aux_irq)
{
	struct i8042 *c = xcalloc(1, sizeof(*c));

	c->m = m;
	c->kbd_irq = kbd_irq;
	c->aux_irq = aux_irq;
	event_init(&c->next, &m->clock, i8042_next_fire, c, "i8042-byte");
	bus_map_ports(m->bus, I8042_DATA_PORT, 1, &i8042_data_ops, c, "i8042");
	bus_map_ports(m->bus, I8042_CMD_PORT, 1, &i8042_cmd_ops, c, "i8042");
	state_add_hooked(&m->state, "i8042", i8042_fields, c, NULL,
			 i8042_post_load, c);
	machine_add_device(m, "i8042", c, i8042_reset, i8042_destroy);
	/* After the controller, so a machine reset clears it first. */
	c->kbd = ps2_kbd_create(m, i8042_notify, c);
	c->mouse = ps2_mouse_create(m, i8042_notify, c);
	i8042_reset(c);
	return c;
}
