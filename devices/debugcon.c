/* devices/debugcon.c: debug console on port 0x402.
 *
 * SeaBIOS writes its log here, and our own test guests print through it.
 * Reads return 0xE9, the value SeaBIOS checks to see the port exists.
 */
#include "devices/debugcon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "core/watch.h"

static uint32_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
	return 0xe9;
}

static void debugcon_write(void *opaque, uint64_t offset, uint32_t val,
			   unsigned size)
{
	struct debugcon *d = opaque;
	char ch = (char)val;

	if (d->out) {
		fputc(ch, d->out);
		if (ch == '\n')
			fflush(d->out);
	}
	if (text_watch_feed(&d->until, ch))
		machine_request_exit(d->m, MACHINE_EXIT_OK,
				     "debug console printed \"%s\"",
				     d->until.text);
}

static const struct io_ops debugcon_ops = {
	.read = debugcon_read,
	.write = debugcon_write,
};

struct debugcon *debugcon_create(struct machine *m, const char *target,
				 const char *until, char *err, size_t errlen)
{
	struct debugcon *d = xcalloc(1, sizeof(*d));
	d->m = m;
	d->until.text = until;
	if (target && !strcmp(target, "stdio")) {
		d->out = stdout;
	} else if (target) {
		d->out = fopen(target, "w");
		if (!d->out) {
			snprintf(err, errlen, "--debugcon %s: %s", target,
				 strerror(errno));
			free(d);
			return NULL;
		}
		d->close_out = true;
	}
	/* 0x402 is QEMU's (SeaBIOS logs there), 0xE9 Bochs's: both print. */
	if (bus_map_ports(m->bus, DEBUGCON_PORT, 1, &debugcon_ops, d,
			  "debugcon") ||
	    bus_map_ports(m->bus, DEBUGCON_PORT_BOCHS, 1, &debugcon_ops, d,
			  "debugcon-e9")) {
		snprintf(err, errlen, "debugcon: port %#x or %#x is taken",
			 DEBUGCON_PORT, DEBUGCON_PORT_BOCHS);
		debugcon_destroy(d);
		return NULL;
	}
	return d;
}

void debugcon_destroy(struct debugcon *d)
{
	if (!d)
		return;
	if (d->out)
		fflush(d->out);
	if (d->close_out)
		fclose(d->out);
	free(d);
}
