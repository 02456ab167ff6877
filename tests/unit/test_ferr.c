/* FERR#: the x87 error latches IRQ13 until port 0xF0 is written. */
#include "tests/unit/testbed.h"
#include "devices/ferr.h"

Test(ferr, fpu_error_raises_irq13_until_port_f0_is_written)
{
	struct machine *m = testbed_new(1000000);
	struct ferr *f = ferr_create(m);
	cr_assert_not_null(f);
	cr_assert_not(irq_level(&m->irq, 13));
	ferr_set(f, true);
	cr_assert(irq_level(&m->irq, 13));
	bus_out(m->bus, 0xf1, 0, 1); /* 287 reset port: no effect */
	cr_assert(irq_level(&m->irq, 13));
	bus_out(m->bus, 0xf0, 0, 1);
	cr_assert_not(irq_level(&m->irq, 13));
	/* FNCLEX-style clear from the CPU side also drops it. */
	ferr_set(f, true);
	ferr_set(f, false);
	cr_assert_not(irq_level(&m->irq, 13));
	testbed_free(m);
}
