/* The --input script: parsing, errors with line numbers, and the key
 * transitions and virtual-time waits it produces. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/unit/testbed.h"
#include "ui/keymap.h"
#include "ui/script.h"

static char *write_script(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/lucid-script-%d.txt", getpid());
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

struct keylog {
	uint16_t key[64];
	bool pressed[64];
	unsigned n;
	const char *screen;
};

static void log_key(void *opaque, uint16_t key, bool pressed)
{
	struct keylog *k = opaque;
	k->key[k->n] = key;
	k->pressed[k->n++] = pressed;
}

static bool screen_has(void *opaque, const char *text)
{
	struct keylog *k = opaque;
	return k->screen && strstr(k->screen, text);
}

Test(keymap, names_and_us_characters_map_to_set1_make_codes)
{
	bool shift;
	cr_assert_eq(keymap_by_name("a"), 0x1E);
	cr_assert_eq(keymap_by_name("Enter"), 0x1C);
	cr_assert_eq(keymap_by_name("del"), 0xE053);
	cr_assert_eq(keymap_by_name("f12"), 0x58);
	cr_assert_eq(keymap_by_name("nosuchkey"), 0);
	cr_assert_eq(keymap_by_char('A', &shift), 0x1E);
	cr_assert(shift);
	cr_assert_eq(keymap_by_char(':', &shift), 0x27);
	cr_assert(shift);
	cr_assert_eq(keymap_by_char('\\', &shift), 0x2B);
	cr_assert_not(shift);
	cr_assert_eq(keymap_by_char('\n', &shift), 0x1C);
}

Test(script, errors_name_the_file_and_line)
{
	char err[256];
	const char *bad[] = {
		"wait 1s\nfrobnicate\n",         /* unknown command */
		"# ok\n\ntype \"abc\n",          /* unterminated */
		"wait soon\n",                   /* bad duration */
		"key ctrl+nosuch\n",             /* unknown key */
		"quit now\n",                    /* stray argument */
		"type \"\xc3\xa9\"\n",           /* no such key */
	};
	unsigned want_line[] = { 2, 3, 1, 1, 1, 1 };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *path = write_script(bad[i]);
		cr_assert_null(script_load(path, err, sizeof(err)), "case %u", i);
		char where[80];
		snprintf(where, sizeof(where), "%s:%u:", path, want_line[i]);
		cr_assert(strstr(err, where), "case %u: %s", i, err);
	}
	cr_assert_null(script_load("/nonexistent/x", err, sizeof(err)));
	cr_assert(strstr(err, "/nonexistent/x"));
}

Test(script, type_presses_and_releases_keys_with_shift_in_virtual_time)
{
	struct machine *m = testbed_new(1000000);
	struct keylog k = { .n = 0 };
	char err[256];
	struct script *s = script_load(write_script("type \"aB\"\n"), err,
				       sizeof(err));
	cr_assert_not_null(s, "%s", err);
	s->hooks = (struct script_hooks){ .opaque = &k, .key = log_key };

	uint64_t t = 0;
	for (int i = 0; i < 1000 && !s->done; i++, t += 1000000)
		script_step(s, m, t);
	cr_assert(s->done);
	uint16_t want[] = { 0x1E, 0x1E, 0x2A, 0x30, 0x30, 0x2A };
	bool wantp[] = { true, false, true, true, false, false };
	cr_assert_eq(k.n, 6);
	for (unsigned i = 0; i < 6; i++) {
		cr_assert_eq(k.key[i], want[i], "event %u", i);
		cr_assert_eq(k.pressed[i], wantp[i], "event %u", i);
	}
	/* Six transitions 20 ms apart: it cannot finish in under 100 ms. */
	cr_assert_geq(t, 100000000ull);
	script_free(s);
	testbed_free(m);
}

Test(script, combination_releases_in_reverse_and_quit_ends_the_run)
{
	struct machine *m = testbed_new(1000000);
	struct keylog k = { .n = 0 };
	char err[256];
	struct script *s = script_load(
		write_script("key ctrl+alt+del\nwait 1s\nquit\n"), err,
		sizeof(err));
	cr_assert_not_null(s, "%s", err);
	s->hooks = (struct script_hooks){ .opaque = &k, .key = log_key };
	uint64_t t = 0;
	for (; t < 2000000000ull && !m->stop; t += 1000000)
		script_step(s, m, t);
	cr_assert_eq(k.n, 6);
	cr_assert_eq(k.key[0], 0x1D);
	cr_assert_eq(k.key[2], 0xE053);
	cr_assert_eq(k.key[3], 0xE053);
	cr_assert_not(k.pressed[3]);
	cr_assert_eq(k.key[5], 0x1D);
	cr_assert(m->stop);
	cr_assert_eq(m->exit_code, 0);
	/* The wait is one second of virtual time after the keys. */
	cr_assert_geq(t, 1100000000ull);
	script_free(s);
	testbed_free(m);
}

Test(script, wait_text_and_wait_serial_block_until_seen)
{
	struct machine *m = testbed_new(1000000);
	struct keylog k = { .n = 0 };
	char err[256];
	struct script *s = script_load(
		write_script("wait-text \"A:\\>\"\nwait-serial \"OK\"\nquit\n"),
		err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	s->hooks = (struct script_hooks){ .opaque = &k, .key = log_key,
					  .screen_has = screen_has };
	cr_assert_eq(script_check(s, err, sizeof(err)), 0, "%s", err);
	script_step(s, m, 0);
	cr_assert_eq(s->pc, 0);
	k.screen = "C:\\> A:\\>";
	script_step(s, m, 1);
	cr_assert_eq(s->pc, 1);
	script_feed_serial(s, 'O');
	script_feed_serial(s, 'K');
	script_step(s, m, 2);
	cr_assert(m->stop);
	script_free(s);
	testbed_free(m);
}

Test(script, needs_a_screen_for_wait_text)
{
	char err[256];
	struct script *s = script_load(write_script("wait-text \"x\"\n"), err,
				       sizeof(err));
	cr_assert_not_null(s);
	cr_assert_eq(script_check(s, err, sizeof(err)), -1);
	cr_assert(strstr(err, "text screen"), "%s", err);
	script_free(s);
}
