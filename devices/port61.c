/* devices/port61.c: system control port B at 0x61.
 *
 * BIOSes and kernels time short delays by counting bit 4 toggles (PIIX:
 * every 15.085 us) and calibrate clocks by polling bit 5 (PIT channel 2
 * OUT) with the gate in bit 0, so both follow virtual time exactly. Bits
 * 6-7 (IOCHK/SERR status) read 0: no such errors here.
 */
#include "devices/port61.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "devices/pit.h"

#define P61_GATE2 0x01u
#define P61_SPKR 0x02u
#define P61_RW 0x0fu
#define P61_REFRESH 0x10u
#define P61_OUT2 0x20u

static void port61_speaker_update(void *opaque)
{
	struct port61 *s = opaque;
	unsigned mode;
	uint32_t count;

	if (!s->speaker)
		return;
	pit_ch2_setting(s->pit, &mode, &count);
	s->speaker(s->speaker_opaque,
		   (s->bits & (P61_GATE2 | P61_SPKR)) == (P61_GATE2 | P61_SPKR),
		   mode, count);
}

static uint32_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
	struct port61 *s = opaque;
	uint64_t now = clock_now(&s->m->clock);

	return (s->bits & P61_RW) |
	       (((now / PORT61_REFRESH_NS) & 1u) ? P61_REFRESH : 0) |
	       (pit_out2(s->pit) ? P61_OUT2 : 0);
}

static void port61_write(void *opaque, uint64_t offset, uint32_t val,
			 unsigned size)
{
	struct port61 *s = opaque;
	uint8_t old = s->bits;

	s->bits = (uint8_t)(val & P61_RW);
	pit_set_gate2(s->pit, s->bits & P61_GATE2);
	if ((old ^ s->bits) & (P61_GATE2 | P61_SPKR))
		port61_speaker_update(s);
}

static const struct io_ops port61_ops = {
	.read = port61_read,
	.write = port61_write,
};

static const struct state_field port61_fields[] = {
	STATE_FIELD(struct port61, bits),
	STATE_END
};

static void port61_post_load(void *opaque)
{
	port61_speaker_update(opaque);
}

void port61_reset(void *opaque)
{
	struct port61 *s = opaque;

	s->bits = 0;
	pit_set_gate2(s->pit, false);
	port61_speaker_update(s);
}

void port61_destroy(void *opaque)
{
	struct port61 *s = opaque;
	if (s && s->pit)
		pit_set_ch2_notify(s->pit, NULL, NULL);
	free(s);
}

void port61_set_speaker(struct port61 *s, port61_speaker_fn fn, void *opaque)
{
	s->speaker = fn;
	s->speaker_opaque = opaque;
	port61_speaker_update(s);
}

struct port61 *port61_create(struct machine *m, struct pit *pit)
{
	struct port61 *s = xcalloc(1, sizeof(*s));

	s->m = m;
	s->pit = pit;
	if (bus_map_ports(m->bus, PORT61_PORT, 1, &port61_ops, s, "port61")) {
		free(s);
		return NULL;
	}
	pit_set_ch2_notify(pit, port61_speaker_update, s);
	state_add_hooked(&m->state, "port61", port61_fields, s, NULL,
			 port61_post_load, s);
	machine_add_device(m, "port61", s, port61_reset, port61_destroy);
	port61_reset(s);
	return s;
}
