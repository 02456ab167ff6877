/* devices/debugcon.h: the QEMU/Bochs-style debug console port (0x402). */
#ifndef LUCID_DEVICES_DEBUGCON_H
#define LUCID_DEVICES_DEBUGCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/watch.h"

struct machine;

struct debugcon {
	struct machine *m;
	FILE *out;
	bool close_out;
	struct text_watch until; /* stop the run once this is written */
};

#define DEBUGCON_PORT 0x402
#define DEBUGCON_PORT_BOCHS 0xe9

/* target: "stdio", a file path, or NULL (output discarded but still
 * matched against until). Returns NULL with a reason in err. */
struct debugcon *debugcon_create(struct machine *m, const char *target,
				 const char *until, char *err, size_t errlen);
void debugcon_destroy(struct debugcon *d);

#endif
