/* devices/ferr.c: with CR0.NE clear, an unmasked x87 exception asserts
 * FERR#, which the AT board latches onto IRQ13; DOS-era handlers clear it
 * by writing any value to port 0xF0 (which also releases IGNNE#). */
#include "devices/ferr.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

#define FERR_IRQ 13

static void ferr_write(void *opaque, uint64_t offset, uint32_t val,
		       unsigned size)
{
	struct ferr *f = opaque;
	if (offset != 0)
		return; /* 0xF1: 80287 reset, nothing to do for an x87 */
	f->latched = 0;
	irq_set(&f->m->irq, FERR_IRQ, false);
}

static const struct io_ops ferr_ops = { .write = ferr_write };

static const struct state_field ferr_fields[] = {
	STATE_FIELD(struct ferr, latched),
	STATE_END
};

void ferr_set(struct ferr *f, bool level)
{
	if (level == (bool)f->latched)
		return;
	f->latched = level;
	irq_set(&f->m->irq, FERR_IRQ, level);
}

static void ferr_reset(void *opaque)
{
	struct ferr *f = opaque;
	ferr_set(f, false);
}

static void ferr_post_load(void *opaque)
{
	struct ferr *f = opaque;
	irq_set(&f->m->irq, FERR_IRQ, f->latched);
}

struct ferr *ferr_create(struct machine *m)
{
	struct ferr *f = xcalloc(1, sizeof(*f));
	f->m = m;
	if (bus_map_ports(m->bus, 0xf0, 2, &ferr_ops, f, "ferr")) {
		free(f);
		return NULL;
	}
	state_add_hooked(&m->state, "ferr", ferr_fields, f, NULL,
			 ferr_post_load, f);
	machine_add_device(m, "ferr", f, ferr_reset, free);
	return f;
}
