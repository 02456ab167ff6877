/* ui/ui.c: the UI at sync points: pumping the window and the monitor,
 * feeding host input to the keyboard and mouse (and the recorder), the
 * pause, the title line, and the actions hotkeys and monitor share. */
#include "ui/ui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accel/backend.h"
#include "core/machine.h"
#include "core/util.h"
#include "devices/i8042.h"
#include "devices/ps2.h"
#include "traces/record.h"
#include "ui/monitor.h"
#include "ui/screen.h"

#define UI_PUMP_NS 4000000ull      /* host events: every 4 ms of wall time */
#define UI_MONITOR_NS 5000000ull
#define UI_TITLE_NS 1000000000ull  /* title statistics: once a second */
#define UI_PAUSE_SLEEP_NS 10000000ull

static uint64_t ui_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* --- host input into the machine ------------------------------------------ */

static void ui_key(void *opaque, uint16_t key, bool pressed)
{
	struct ui *ui = opaque;
	struct machine *m = ui->m;

	if (m->replay || !m->i8042)
		return; /* a replay's input comes from its trace */
	if (m->record) {
		uint8_t rec[3] = { (uint8_t)key, (uint8_t)(key >> 8), pressed };
		record_input(m->record, m, TRACE_REC_KEY, 0, rec, sizeof(rec));
	}
	ps2_kbd_key(m->i8042->kbd, key, pressed);
}

static int clamp16(int v)
{
	return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

static void ui_mouse(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
	struct ui *ui = opaque;
	struct machine *m = ui->m;

	if (m->replay || !m->i8042)
		return;
	dx = clamp16(dx);
	dy = clamp16(dy);
	dz = dz < -128 ? -128 : dz > 127 ? 127 : dz;
	if (m->record) {
		uint8_t rec[6] = { (uint8_t)dx, (uint8_t)(dx >> 8),
				   (uint8_t)dy, (uint8_t)(dy >> 8),
				   (uint8_t)dz, (uint8_t)buttons };
		record_input(m->record, m, TRACE_REC_MOUSE, 0, rec,
			     sizeof(rec));
	}
	ps2_mouse_move(m->i8042->mouse, dx, dy, dz, buttons);
}

/* --- the title ------------------------------------------------------------- */

static void ui_title(struct ui *ui, uint64_t wall, bool force)
{
	struct machine *m = ui->m;
	uint64_t virt = clock_now(&m->clock);
	uint64_t icount = m->backend->icount(m->backend_priv);
	char title[192];

	if (!display_has_window(ui->display))
		return;
	if (!force && wall - ui->stat_wall < UI_TITLE_NS)
		return;
	if (wall > ui->stat_wall && ui->stat_wall && !ui->paused) {
		double dw = (double)(wall - ui->stat_wall);
		ui->speed_pct = (double)(virt - ui->stat_virt) * 100.0 / dw;
		ui->mips = (double)(icount - ui->stat_icount) * 1000.0 / dw;
	}
	ui->stat_wall = wall;
	ui->stat_virt = virt;
	ui->stat_icount = icount;
	bool grabbed = ui->display->ops->mouse_captured(ui->display->priv);
	snprintf(title, sizeof(title),
		 "Lucid - %s - %.0f%% - %.1f MIPS - %s", ui->paused
		 ? "paused (Ctrl+Alt+P)" : "running", ui->speed_pct, ui->mips,
		 grabbed ? "Ctrl+Alt+G releases the mouse"
			 : "click to capture the mouse");
	display_set_title(ui->display, title);
}

/* --- hotkeys --------------------------------------------------------------- */

static void ui_action(void *opaque, enum display_action a)
{
	struct ui *ui = opaque;
	char err[256], name[64];
	const char *now;

	switch (a) {
	case DISPLAY_QUIT:
		ui_quit(ui, "quit from the window");
		return;
	case DISPLAY_PAUSE:
		ui_set_paused(ui, !ui->paused);
		return;
	case DISPLAY_SCREENSHOT:
		if (ui_screenshot(ui, NULL, name, sizeof(name), err,
				  sizeof(err)))
			fprintf(stderr, "lucid: screenshot: %s\n", err);
		else
			fprintf(stderr, "lucid: screenshot %s\n", name);
		return;
	case DISPLAY_SAVE_STATE:
		if (ui_savevm(ui, ui->quicksave, err, sizeof(err)))
			fprintf(stderr, "lucid: %s\n", err);
		else
			fprintf(stderr, "lucid: state saved to %s\n",
				ui->quicksave);
		return;
	case DISPLAY_LOAD_STATE:
		if (ui_loadvm(ui, ui->quicksave, err, sizeof(err)))
			fprintf(stderr, "lucid: %s\n", err);
		else
			fprintf(stderr, "lucid: state loaded from %s\n",
				ui->quicksave);
		return;
	case DISPLAY_NEXT_FLOPPY:
		if (ui_swap_floppy(ui, NULL, &now, err, sizeof(err)))
			fprintf(stderr, "lucid: floppy: %s\n", err);
		else
			fprintf(stderr, "lucid: floppy A: %s\n", now);
		return;
	case DISPLAY_CTRL_ALT_DEL:
		ui_sendkey(ui, "ctrl+alt+del", err, sizeof(err));
		return;
	case DISPLAY_TOGGLE_ACCEL:
		if (machine_accel_select(ui->m, ui->m->backend == &kvm_backend
					 ? "interp" : "kvm", err, sizeof(err)))
			fprintf(stderr, "lucid: %s\n", err);
		else
			fprintf(stderr, "lucid: backend %s\n",
				ui->m->backend->name);
		ui->stat_wall = 0; /* MIPS restart: icount is per backend */
		return;
	}
}

static const struct display_input *ui_input(struct ui *ui,
					    struct display_input *in)
{
	*in = (struct display_input){ ui, ui_key, ui_mouse, ui_action };
	return in;
}

/* --- the sync point -------------------------------------------------------- */

static void ui_wait_paused(struct ui *ui)
{
	struct display_input in;
	const struct timespec nap = { 0, (long)UI_PAUSE_SLEEP_NS };

	ui_title(ui, ui_wall_ns(), true);
	while (ui->paused && !ui->m->stop) {
		nanosleep(&nap, NULL);
		uint64_t wall = ui_wall_ns();
		if (ui->monitor)
			monitor_poll(ui->monitor, ui);
		display_pump(ui->display, ui_input(ui, &in));
		display_refresh(ui->display, ui->m->vga, wall, false);
	}
	/* The statistics restart: a pause is not slowness. */
	ui->stat_wall = 0;
	ui_title(ui, ui_wall_ns(), true);
	ui->m->resync = true;
}

void ui_poll(struct ui *ui)
{
	struct machine *m = ui->m;
	struct display_input in;
	uint64_t wall = ui_wall_ns();

	if (ui->monitor && wall - ui->last_monitor_ns >= UI_MONITOR_NS) {
		ui->last_monitor_ns = wall;
		monitor_poll(ui->monitor, ui);
	}
	if (display_has_window(ui->display)) {
		if (wall - ui->last_pump_ns >= UI_PUMP_NS) {
			ui->last_pump_ns = wall;
			display_pump(ui->display, ui_input(ui, &in));
		}
		display_refresh(ui->display, m->vga, wall, false);
		ui_title(ui, wall, false);
	}
	keyq_step(&ui->keys, clock_now(&m->clock), ui_key, ui);
	if (ui->paused)
		ui_wait_paused(ui);
}

/* --- actions --------------------------------------------------------------- */

void ui_set_paused(struct ui *ui, bool paused)
{
	ui->paused = paused; /* ui_poll waits while it is set */
}

int ui_screenshot(struct ui *ui, const char *path, char *name,
		  size_t namelen, char *err, size_t errlen)
{
	char auto_name[64];

	if (!path) {
		do
			snprintf(auto_name, sizeof(auto_name),
				 "lucid-shot-%03u.png", ++ui->shot_no);
		while (!access(auto_name, F_OK) && ui->shot_no < 100000);
		path = auto_name;
	}
	if (name)
		snprintf(name, namelen, "%s", path);
	return screen_write_png(ui->m->vga, path, err, errlen);
}

int ui_screenshot_window(struct ui *ui, const char *path, char *err,
			 size_t errlen)
{
	return display_write_png(ui->display, ui->m->vga, path, err, errlen);
}

int ui_savevm(struct ui *ui, const char *path, char *err, size_t errlen)
{
	return state_save_file(&ui->m->state, path, err, errlen);
}

/* Changing the machine behind a recording's back would make it
 * unreplayable: not while recording or replaying. */
static int ui_check_free(struct ui *ui, const char *what, char *err,
			 size_t errlen)
{
	if (ui->m->record || ui->m->replay) {
		snprintf(err, errlen, "%s: not while %s", what,
			 ui->m->record ? "recording" : "replaying");
		return -1;
	}
	return 0;
}

int ui_loadvm(struct ui *ui, const char *path, char *err, size_t errlen)
{
	if (ui_check_free(ui, "loadvm", err, errlen) ||
	    state_load_file(&ui->m->state, path, err, errlen))
		return -1;
	keyq_clear(&ui->keys);
	ui->m->resync = true; /* virtual time jumped */
	return 0;
}

int ui_swap_floppy(struct ui *ui, const char *path, const char **now,
		   char *err, size_t errlen)
{
	if (ui_check_free(ui, "swap-floppy", err, errlen))
		return -1;
	if (!path) {
		if (ui->nfloppies < 2) {
			snprintf(err, errlen,
				 "no other image to swap in (--floppies A.img,B.img)");
			return -1;
		}
		ui->floppy_idx = (ui->floppy_idx + 1) % ui->nfloppies;
		path = ui->floppies[ui->floppy_idx];
	}
	if (pc_swap_floppy(ui->m, 0, path, err, errlen))
		return -1;
	if (now)
		*now = path;
	return 0;
}

int ui_sendkey(struct ui *ui, const char *combo, char *err, size_t errlen)
{
	if (!keyq_combo_valid(combo)) {
		snprintf(err, errlen, "%s: unknown key in the combination",
			 combo);
		return -1;
	}
	keyq_combo(&ui->keys, combo);
	return 0;
}

int ui_type(struct ui *ui, const char *text, char *err, size_t errlen)
{
	if (!keyq_text_valid(text)) {
		snprintf(err, errlen,
			 "a character with no key on a US keyboard");
		return -1;
	}
	keyq_type(&ui->keys, text);
	return 0;
}

void ui_quit(struct ui *ui, const char *why)
{
	ui->paused = false;
	machine_request_exit(ui->m, MACHINE_EXIT_OK, "%s", why);
}

/* --- life ------------------------------------------------------------------ */

struct ui *ui_create(struct machine *m, const struct ui_config *cfg,
		     char *err, size_t errlen)
{
	struct ui *ui = xcalloc(1, sizeof(*ui));

	ui->m = m;
	ui->floppies = cfg->floppies;
	ui->nfloppies = cfg->nfloppies;
	ui->quicksave = cfg->quicksave ? cfg->quicksave : UI_QUICKSAVE;
	ui->display = display_open(cfg->display, err, errlen);
	if (!ui->display)
		goto fail;
	if (cfg->monitor) {
		ui->monitor = monitor_open(cfg->monitor, err, errlen);
		if (!ui->monitor)
			goto fail;
	}
	m->ui = ui;
	/* The first frame now, not a sync point later. */
	display_refresh(ui->display, m->vga, ui_wall_ns(), true);
	ui_title(ui, ui_wall_ns(), true);
	return ui;
fail:
	ui_destroy(ui);
	return NULL;
}

void ui_destroy(struct ui *ui)
{
	if (!ui)
		return;
	if (ui->m && ui->m->ui == ui)
		ui->m->ui = NULL;
	monitor_close(ui->monitor);
	display_close(ui->display);
	keyq_free(&ui->keys);
	free(ui);
}
