/* POST port 0x80: codes are kept, read back, and cleared on reset. */
#include "tests/unit/testbed.h"
#include "devices/post.h"

Test(post, last_code_reads_back_and_resets_to_zero)
{
	struct machine *m = testbed_new(1000000);
	struct post *p = post_create(m);
	cr_assert_not_null(p);
	bus_out(m->bus, 0x80, 0x12, 1);
	bus_out(m->bus, 0x80, 0xa5, 1);
	cr_assert_eq(bus_in(m->bus, 0x80, 1), 0xa5);
	cr_assert_eq(p->count, 2);
	testbed_reset(m);
	cr_assert_eq(bus_in(m->bus, 0x80, 1), 0x00);
	/* The port is taken now: a second device cannot claim it. */
	cr_assert_null(post_create(m));
	testbed_free(m);
}
