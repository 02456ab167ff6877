/* tests/unit/test_port92.c: system control port A (0x92). */
#include "tests/unit/testbed.h"

#include "devices/port92.h"

static struct machine *m;

static void setup(void)
{
	m = testbed_new(100000);
	port92_create(m);
}

static void teardown(void)
{
	testbed_free(m);
}

TestSuite(port92, .init = setup, .fini = teardown);

Test(port92, bit1_switches_a20_and_reads_back)
{
	uint8_t b = 0xa5;
	mem_write(m->mem, 0x20, &b, 1);
	bus_out(m->bus, 0x92, 0x00, 1);
	cr_assert_not(m->mem->a20);
	cr_assert_eq(mem_read8(m->mem, 0x100020), 0xa5, "address wraps at 1M");
	cr_assert_eq(bus_in(m->bus, 0x92, 1) & 0x02, 0);
	bus_out(m->bus, 0x92, 0x02, 1);
	cr_assert(m->mem->a20);
	cr_assert_neq(mem_read8(m->mem, 0x100020), 0xa5);
	cr_assert_eq(bus_in(m->bus, 0x92, 1), 0x02);
	cr_assert_not(m->reset_pending);
}

Test(port92, bit0_rising_edge_requests_reset)
{
	bus_out(m->bus, 0x92, 0x03, 1);
	cr_assert(m->reset_pending);
	m->reset_pending = false;
	bus_out(m->bus, 0x92, 0x03, 1); /* still 1: no new edge */
	cr_assert_not(m->reset_pending);
	cr_assert_eq(bus_in(m->bus, 0x92, 1), 0x03);
}
