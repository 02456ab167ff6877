/* ui/monitor.h: the monitor console (--monitor stdio|tcp:127.0.0.1:PORT).
 *
 * A line console read without blocking at sync points (ui_poll). Commands:
 *   info                  machine, CPU state, virtual time, instructions
 *   stop | cont           pause / resume (virtual time stands still)
 *   screenshot FILE       the picture as a PNG (native size)
 *   screenshot-window FILE   what the window shows (scaled), SDL only
 *   sendkey COMBO         e.g. ctrl+alt+del (key names as in scripts)
 *   type "TEXT"           type text (US layout; \n \t \\ \" escapes)
 *   swap-floppy [FILE]    put FILE (or the next --floppies image) in A:
 *   savevm FILE | loadvm FILE   snapshots
 *   accel [interp|kvm]    switch the CPU backend while the guest runs;
 *                         bare: the running one and --accel auto's figures
 *   quit                  end the run (exit 0)
 *   help
 */
#ifndef LUCID_UI_MONITOR_H
#define LUCID_UI_MONITOR_H

#include <stddef.h>

struct ui;
struct monitor;

enum monitor_op {
	MONITOR_INFO,
	MONITOR_STOP,
	MONITOR_CONT,
	MONITOR_SCREENSHOT,
	MONITOR_SCREENSHOT_WINDOW,
	MONITOR_SENDKEY,
	MONITOR_TYPE,
	MONITOR_SWAP_FLOPPY,
	MONITOR_SAVEVM,
	MONITOR_LOADVM,
	MONITOR_QUIT,
	MONITOR_HELP,
	MONITOR_ACCEL,
};

struct monitor_cmd {
	enum monitor_op op;
	char *arg; /* malloc'ed; NULL when the command has none */
};

/* One line. Returns 0 with *cmd filled, 1 for a blank or # comment line,
 * -1 with the reason in err. */
int monitor_parse(const char *line, struct monitor_cmd *cmd, char *err,
		  size_t errlen);
void monitor_cmd_free(struct monitor_cmd *cmd);

/* "stdio" or "tcp:127.0.0.1:PORT" (listening). NULL with one line in err. */
struct monitor *monitor_open(const char *spec, char *err, size_t errlen);
void monitor_close(struct monitor *mon);
/* Read what has arrived and run every complete line. */
void monitor_poll(struct monitor *mon, struct ui *ui);

#endif
