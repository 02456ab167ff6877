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

static uint32_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
	return 0xe9;
}

/* Streaming search for `until`. On a mismatch, fall back to the longest
 * prefix of `until` that ends the text seen so far (KMP without a table:
 * markers are short). */
static void debugcon_match(struct debugcon *d, char ch)
{
	size_t n = strlen(d->until);
	size_t k = d->matched;

	while (k > 0 && d->until[k] != ch) {
		/* Longest proper border of until[0..k) that also precedes ch. */
		size_t b = k - 1;
		while (b > 0 && memcmp(d->until, d->until + k - b, b))
			b--;
		k = b;
	}
	d->matched = d->until[k] == ch ? k + 1 : 0;
	if (d->matched == n) {
		d->matched = 0;
		machine_request_exit(d->m, MACHINE_EXIT_OK,
				     "debug console printed \"%s\"", d->until);
	}
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
	if (d->until && *d->until)
		debugcon_match(d, ch);
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
	d->until = until;
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
	if (bus_map_ports(m->bus, DEBUGCON_PORT, 1, &debugcon_ops, d,
			  "debugcon")) {
		snprintf(err, errlen, "debugcon: port %#x is taken",
			 DEBUGCON_PORT);
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
