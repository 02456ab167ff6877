/* devices/port61.h: system control port B (0x61): PIT channel 2 gate and
 * speaker data enable (bits 0-1, plus 2-3 read back), DRAM refresh toggle
 * (bit 4) and channel 2 OUT (bit 5). */
#ifndef LUCID_DEVICES_PORT61_H
#define LUCID_DEVICES_PORT61_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct pit;

#define PORT61_PORT 0x61
#define PORT61_REFRESH_NS 15085u /* bit 4 toggles this often */

/* What the PC speaker would play changed. on: gate and data enable both
 * set; mode and count are channel 2's (count 0: not counting). */
typedef void (*port61_speaker_fn)(void *opaque, bool on, unsigned mode,
				  uint32_t count);

struct port61 {
	struct machine *m;
	struct pit *pit;
	uint8_t bits; /* 0-3 as written */
	port61_speaker_fn speaker; /* NULL until there is audio */
	void *speaker_opaque;
};

struct port61 *port61_create(struct machine *m, struct pit *pit);
void port61_reset(void *opaque);
void port61_destroy(void *opaque);
void port61_set_speaker(struct port61 *s, port61_speaker_fn fn, void *opaque);

#endif
