/* ui/ui.h: the host's hands on a running machine: the display (window or
 * headless), the monitor console, hotkeys, and the actions both offer
 * (pause, screenshot, save/restore, floppy swap, keys).
 *
 * Everything here runs at the machine loop's sync points (pc_poll_host
 * calls ui_poll), so host input enters the guest only there, stamped with
 * the sync point's virtual time; a recording logs it (key and mouse
 * records). A pause waits inside ui_poll, keeping the window and the
 * monitor alive; virtual time stands still meanwhile.
 */
#ifndef LUCID_UI_UI_H
#define LUCID_UI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/display.h"
#include "ui/keyq.h"

struct machine;
struct monitor;

/* Default file of the save/restore-state hotkeys (in the current dir). */
#define UI_QUICKSAVE "lucid-quick.state"

struct ui_config {
	enum display_kind display;
	const char *monitor;        /* NULL, "stdio", "tcp:127.0.0.1:PORT" */
	const char **floppies;      /* A: images to cycle through */
	unsigned nfloppies;
	const char *quicksave;      /* NULL: UI_QUICKSAVE */
};

struct ui {
	struct machine *m;
	struct display *display;
	struct monitor *monitor;
	struct keyq keys;           /* monitor type/sendkey, Ctrl+Alt+End */
	bool paused;
	unsigned shot_no;           /* lucid-shot-NNN.png */
	const char **floppies;
	unsigned nfloppies, floppy_idx;
	const char *quicksave;
	uint64_t last_pump_ns, last_monitor_ns;
	/* Title statistics, sampled about once a second of wall time. */
	uint64_t stat_wall, stat_virt, stat_icount;
	double speed_pct, mips;
};

/* NULL with one line in err. Sets m->ui. */
struct ui *ui_create(struct machine *m, const struct ui_config *cfg,
		     char *err, size_t errlen);
void ui_destroy(struct ui *ui);
/* At a sync point. */
void ui_poll(struct ui *ui);

/* Actions (hotkeys, monitor). Those that can fail return 0, or -1 with
 * one line in err. */
void ui_set_paused(struct ui *ui, bool paused);
/* path NULL: lucid-shot-NNN.png, the first free name in the current dir
 * (written into name when given). */
int ui_screenshot(struct ui *ui, const char *path, char *name,
		  size_t namelen, char *err, size_t errlen);
int ui_screenshot_window(struct ui *ui, const char *path, char *err,
			 size_t errlen);
int ui_savevm(struct ui *ui, const char *path, char *err, size_t errlen);
int ui_loadvm(struct ui *ui, const char *path, char *err, size_t errlen);
/* path NULL: the next of the --floppies images. The new path in *now. */
int ui_swap_floppy(struct ui *ui, const char *path, const char **now,
		   char *err, size_t errlen);
/* Queued, paced in virtual time like script input. */
int ui_sendkey(struct ui *ui, const char *combo, char *err, size_t errlen);
int ui_type(struct ui *ui, const char *text, char *err, size_t errlen);
void ui_quit(struct ui *ui, const char *why);

#endif
