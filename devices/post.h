/* devices/post.h: the POST diagnostic port 0x80. */
#ifndef LUCID_DEVICES_POST_H
#define LUCID_DEVICES_POST_H

#include <stdint.h>

struct machine;

struct post {
	struct machine *m;
	uint8_t code;   /* the last code written (guest-visible on reads) */
	uint32_t count; /* codes written since reset */
};

/* NULL if port 0x80 is taken. */
struct post *post_create(struct machine *m);

#endif
