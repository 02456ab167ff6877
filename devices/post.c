/* devices/post.c: port 0x80, where firmware writes POST progress codes and
 * DOS-era drivers write to waste an ISA bus cycle. Codes are logged (with
 * --log core=debug) and the last one is kept, as on a POST card; reads
 * return it, as several chipsets do. */
#include "devices/post.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

static uint32_t post_read(void *opaque, uint64_t offset, unsigned size)
{
	struct post *p = opaque;
	return p->code;
}

static void post_write(void *opaque, uint64_t offset, uint32_t val,
		       unsigned size)
{
	struct post *p = opaque;
	p->code = (uint8_t)val;
	p->count++;
	log_debug(&p->m->log, CORE, "POST code %02x", p->code);
}

static const struct io_ops post_ops = {
	.read = post_read,
	.write = post_write,
};

static const struct state_field post_fields[] = {
	STATE_FIELD(struct post, code),
	STATE_FIELD(struct post, count),
	STATE_END
};

static void post_reset(void *opaque)
{
	struct post *p = opaque;
	p->code = 0;
	p->count = 0;
}

struct post *post_create(struct machine *m)
{
	struct post *p = xcalloc(1, sizeof(*p));
	p->m = m;
	if (bus_map_ports(m->bus, 0x80, 1, &post_ops, p, "post")) {
		free(p);
		return NULL;
	}
	state_add(&m->state, "post", post_fields, p);
	machine_add_device(m, "post", p, post_reset, free);
	return p;
}
