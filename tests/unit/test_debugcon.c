/* Debug console: both ports print, reads identify it, and the --until
 * matcher finds text across overlapping prefixes. */
#include <stdio.h>
#include <unistd.h>

#include "tests/unit/testbed.h"
#include "devices/debugcon.h"

Test(debugcon, ports_402_and_e9_print_and_read_back_e9)
{
	struct machine *m = testbed_new(1000000);
	char path[64], err[128], buf[16] = "";
	snprintf(path, sizeof(path), "/tmp/lucid-dbgcon-%d.txt", getpid());
	struct debugcon *d = debugcon_create(m, path, NULL, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	bus_out(m->bus, 0x402, 'h', 1);
	bus_out(m->bus, 0xe9, 'i', 1);
	cr_assert_eq(bus_in(m->bus, 0x402, 1), 0xe9);
	debugcon_destroy(d);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	unlink(path);
	cr_assert_str_eq(buf, "hi");
	testbed_free(m);
}

Test(debugcon, until_text_is_found_after_a_partial_match)
{
	struct machine *m = testbed_new(1000000);
	char err[128];
	struct debugcon *d = debugcon_create(m, NULL, "aab", err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	const char *text = "xaaab";
	for (const char *p = text; *p; p++) {
		cr_assert_not(m->stop, "stopped early at '%c'", *p);
		bus_out(m->bus, 0x402, (uint8_t)*p, 1);
	}
	cr_assert(m->stop);
	cr_assert_eq(m->exit_code, 0);
	debugcon_destroy(d);
	testbed_free(m);
}
