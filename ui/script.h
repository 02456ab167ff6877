/* ui/script.h: scripted input (--input FILE).
 *
 * A script drives a headless machine the way a person would: wait for text
 * on the screen or the serial port, type, press key combinations, wait,
 * take screenshots, quit. Its events enter the machine only at sync points
 * and all its waiting is in virtual time, so a script replays identically.
 *
 *   # comment
 *   wait-text "A:\>"        wait until the text screen shows it
 *   wait-serial "READY"     wait until COM1 has printed it
 *   type "ver\n"            type characters (US layout; \n \t \\ \")
 *   key ctrl+alt+del        press a combination, release in reverse
 *   wait 2s                 let virtual time pass (s, ms)
 *   screenshot out.png      write the screen as a PNG
 *   quit                    end the run (exit 0)
 */
#ifndef LUCID_UI_SCRIPT_H
#define LUCID_UI_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/watch.h"
#include "ui/keyq.h"

struct machine;

enum script_op {
	SCRIPT_WAIT_TEXT,
	SCRIPT_WAIT_SERIAL,
	SCRIPT_TYPE,
	SCRIPT_KEY,
	SCRIPT_WAIT,
	SCRIPT_SCREENSHOT,
	SCRIPT_QUIT,
};

struct script_cmd {
	enum script_op op;
	char *arg;        /* text, key combination or path */
	uint64_t ns;      /* SCRIPT_WAIT */
	unsigned line;
};

/* What the script needs from the rest of Lucid; set by the board. */
struct script_hooks {
	void *opaque;
	void (*key)(void *opaque, uint16_t key, bool pressed);
	/* Does the text screen show this? NULL: no text screen. */
	bool (*screen_has)(void *opaque, const char *text);
	/* Write a PNG; 0 or -1 with a reason. NULL: no display. */
	int (*screenshot)(void *opaque, const char *path, char *err,
			  size_t errlen);
};

struct script {
	char *path;
	struct script_cmd *cmd;
	unsigned ncmd, pc;
	struct script_hooks hooks;
	/* Execution state (a pure function of the run). */
	uint64_t wait_until;     /* SCRIPT_WAIT */
	bool started;            /* the current command has begun */
	struct keyq keys;        /* transitions still to send */
	struct text_watch serial;
	bool serial_seen;
	bool done;
};

/* A quoted string with \n \t \b \\ \" escapes (other backslashes stay
 * as written: "A:\>"), or one bare word; nothing may follow. A malloc'ed
 * copy, or NULL with the reason in *why. (Shared with the monitor.) */
char *script_parse_arg(const char *p, const char **why);

/* Parse FILE; NULL with "FILE:LINE: reason" in err. */
struct script *script_load(const char *path, char *err, size_t errlen);
void script_free(struct script *s);
/* Check that the machine can do what the script asks (a screen for
 * wait-text and screenshot). */
int script_check(const struct script *s, char *err, size_t errlen);

/* At a sync point: run commands until one has to wait. */
void script_step(struct script *s, struct machine *m, uint64_t now);
/* Every byte COM1 transmits (for wait-serial). */
void script_feed_serial(struct script *s, uint8_t byte);

#endif
