/* devices/port92.c: system control port A (0x92), the "fast A20" port.
 *
 * Its own file rather than part of the 8042: the port lives in the
 * chipset (PIIX, PS/2 system board), not in the keyboard controller, and
 * a machine may have one without the other. It shares the A20 gate with
 * the 8042's output port; the last writer wins, and bit 1 reads back the
 * gate as it is.
 */
#include "devices/port92.h"

#include <stdlib.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "mmu/mem.h"

static const struct state_field port92_fields[] = {
	STATE_FIELD(struct port92, val),
	STATE_END
};

static uint32_t port92_read(void *opaque, uint64_t offset, unsigned size)
{
	struct port92 *p = opaque;
	uint8_t a20 = p->m->mem->a20 ? PORT92_A20 : 0;

	return (p->val & (uint8_t)~PORT92_A20) | a20;
}

static void port92_write(void *opaque, uint64_t offset, uint32_t val,
			 unsigned size)
{
	struct port92 *p = opaque;
	uint8_t old = p->val;

	p->val = (uint8_t)val & (uint8_t)~PORT92_A20;
	machine_set_a20(p->m, val & PORT92_A20);
	if ((val & PORT92_RESET) && !(old & PORT92_RESET))
		machine_request_reset(p->m);
}

static const struct io_ops port92_ops = {
	.read = port92_read,
	.write = port92_write,
};

static void port92_reset(void *opaque)
{
	struct port92 *p = opaque;
	p->val = 0;
}

static void port92_destroy(void *opaque)
{
	free(opaque);
}

struct port92 *port92_create(struct machine *m)
{
	struct port92 *p = xcalloc(1, sizeof(*p));
	p->m = m;
	bus_map_ports(m->bus, PORT92_PORT, 1, &port92_ops, p, "port92");
	state_add(&m->state, "port92", port92_fields, p);
	machine_add_device(m, "port92", p, port92_reset, port92_destroy);
	return p;
}
