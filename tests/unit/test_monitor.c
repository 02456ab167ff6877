/* The monitor's command parser, and the key queue it shares with
 * scripts. */
#include <criterion/criterion.h>
#include <string.h>

#include "ui/keymap.h"
#include "ui/keyq.h"
#include "ui/monitor.h"

static struct monitor_cmd parse_ok(const char *line)
{
	struct monitor_cmd c;
	char err[256] = "";
	int rc = monitor_parse(line, &c, err, sizeof(err));
	cr_assert_eq(rc, 0, "'%s': %s", line, err);
	return c;
}

static void parse_err(const char *line, const char *why)
{
	struct monitor_cmd c;
	char err[256] = "";
	cr_assert_eq(monitor_parse(line, &c, err, sizeof(err)), -1, "'%s'",
		     line);
	cr_assert_not_null(strstr(err, why), "'%s': got '%s'", line, err);
	cr_assert_null(c.arg);
}

Test(monitor, commands_without_arguments)
{
	struct monitor_cmd c = parse_ok("info");
	cr_assert_eq(c.op, MONITOR_INFO);
	cr_assert_null(c.arg);
	cr_assert_eq(parse_ok("  stop  ").op, MONITOR_STOP);
	cr_assert_eq(parse_ok("cont").op, MONITOR_CONT);
	cr_assert_eq(parse_ok("c").op, MONITOR_CONT);
	cr_assert_eq(parse_ok("quit").op, MONITOR_QUIT);
	cr_assert_eq(parse_ok("help").op, MONITOR_HELP);
}

Test(monitor, blank_and_comment_lines)
{
	struct monitor_cmd c;
	char err[64];
	cr_assert_eq(monitor_parse("", &c, err, sizeof(err)), 1);
	cr_assert_eq(monitor_parse("   \t", &c, err, sizeof(err)), 1);
	cr_assert_eq(monitor_parse("# note", &c, err, sizeof(err)), 1);
}

Test(monitor, arguments_bare_and_quoted)
{
	struct monitor_cmd c = parse_ok("screenshot out.png");
	cr_assert_eq(c.op, MONITOR_SCREENSHOT);
	cr_assert_str_eq(c.arg, "out.png");
	monitor_cmd_free(&c);

	c = parse_ok("savevm \"my state.bin\"  ");
	cr_assert_eq(c.op, MONITOR_SAVEVM);
	cr_assert_str_eq(c.arg, "my state.bin");
	monitor_cmd_free(&c);

	c = parse_ok("type \"dir\\n\"");
	cr_assert_eq(c.op, MONITOR_TYPE);
	cr_assert_str_eq(c.arg, "dir\n");
	monitor_cmd_free(&c);

	c = parse_ok("sendkey ctrl+alt+del");
	cr_assert_eq(c.op, MONITOR_SENDKEY);
	cr_assert_str_eq(c.arg, "ctrl+alt+del");
	monitor_cmd_free(&c);

	c = parse_ok("screenshot-window w.png");
	cr_assert_eq(c.op, MONITOR_SCREENSHOT_WINDOW);
	monitor_cmd_free(&c);

	c = parse_ok("loadvm s.bin");
	cr_assert_eq(c.op, MONITOR_LOADVM);
	monitor_cmd_free(&c);
}

Test(monitor, swap_floppy_argument_is_optional)
{
	struct monitor_cmd c = parse_ok("swap-floppy");
	cr_assert_eq(c.op, MONITOR_SWAP_FLOPPY);
	cr_assert_null(c.arg);
	c = parse_ok("swap-floppy disk2.img");
	cr_assert_str_eq(c.arg, "disk2.img");
	monitor_cmd_free(&c);
}

Test(monitor, errors_say_what_is_wrong)
{
	parse_err("frobnicate", "unknown command 'frobnicate'");
	parse_err("info now", "info takes no argument");
	parse_err("screenshot", "screenshot needs an argument");
	parse_err("savevm a b", "one argument expected");
	parse_err("type \"unterminated", "unterminated string");
	parse_err("type \"\"", "empty argument");
	parse_err("sendkey ctrl+nokey", "unknown key");
	parse_err("sendkey ctrl+", "unknown key");
	parse_err("type \"caf\xc3\xa9\"", "no key on a US keyboard");
	/* A command name is a whole word. */
	parse_err("infox", "unknown command");
	parse_err("stopp", "unknown command");
}

struct sent {
	uint16_t key[32];
	bool pressed[32];
	unsigned n;
};

static void sink(void *opaque, uint16_t key, bool pressed)
{
	struct sent *s = opaque;
	cr_assert_lt(s->n, 32);
	s->key[s->n] = key;
	s->pressed[s->n++] = pressed;
}

Test(monitor, key_queue_paces_combos_in_virtual_time)
{
	struct keyq q = { 0 };
	struct sent s = { 0 };
	uint64_t t = 1000;

	keyq_combo(&q, "ctrl+alt+del");
	cr_assert(!keyq_step(&q, t, sink, &s));
	cr_assert_eq(s.n, 1);
	/* Nothing before the gap has passed. */
	cr_assert(!keyq_step(&q, t + KEYQ_GAP_NS - 1, sink, &s));
	cr_assert_eq(s.n, 1);
	for (unsigned i = 1; i <= 6; i++)
		keyq_step(&q, t + i * KEYQ_GAP_NS, sink, &s);
	cr_assert_eq(s.n, 6);
	const uint16_t want[6] = { KEY_LCTRL, KEY_LALT, 0xE053,
				   0xE053, KEY_LALT, KEY_LCTRL };
	for (unsigned i = 0; i < 6; i++) {
		cr_assert_eq(s.key[i], want[i], "transition %u", i);
		cr_assert_eq(s.pressed[i], i < 3);
	}
	cr_assert(keyq_step(&q, t + 7 * KEYQ_GAP_NS, sink, &s));
	keyq_free(&q);
}

Test(monitor, key_queue_types_shifted_characters)
{
	struct keyq q = { 0 };
	struct sent s = { 0 };

	keyq_type(&q, "A!");
	for (unsigned i = 0; i < 10; i++)
		keyq_step(&q, i * KEYQ_GAP_NS, sink, &s);
	cr_assert_eq(s.n, 8);
	cr_assert_eq(s.key[0], KEY_LSHIFT);
	cr_assert_eq(s.key[1], 0x1E);
	cr_assert_eq(s.key[4], KEY_LSHIFT);
	cr_assert_eq(s.key[5], 0x02);
	cr_assert(!s.pressed[7]);
	cr_assert(keyq_text_valid("dir /w\n"));
	cr_assert(!keyq_text_valid("\x01"));
	cr_assert(keyq_combo_valid("shift+f10"));
	cr_assert(!keyq_combo_valid("+a"));
	cr_assert(!keyq_combo_valid("a++b"));
	cr_assert(!keyq_combo_valid(""));
	keyq_free(&q);
}
