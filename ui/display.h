/* ui/display.h: where frames go and where host input comes from.
 *
 * One abstraction for the SDL window and for headless runs: a display
 * keeps the last frame (vga_render only rewrites rows that changed) and
 * hands a front-end just the rows that differ. Headless (ops NULL) never
 * renders; screenshots then render on demand (ui/screen.c). The machine
 * reaches a display only at sync points, through ui/ui.c.
 */
#ifndef LUCID_UI_DISPLAY_H
#define LUCID_UI_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vga;

enum display_kind {
	DISPLAY_NONE,
	DISPLAY_SDL,
	DISPLAY_AUTO, /* SDL when $DISPLAY/$WAYLAND_DISPLAY works, else none */
};

/* Hotkeys a front-end recognises (Ctrl+Alt+key in the window). */
enum display_action {
	DISPLAY_QUIT,
	DISPLAY_PAUSE,      /* toggle */
	DISPLAY_SCREENSHOT,
	DISPLAY_SAVE_STATE,
	DISPLAY_LOAD_STATE,
	DISPLAY_NEXT_FLOPPY,
	DISPLAY_CTRL_ALT_DEL,
	DISPLAY_TOGGLE_ACCEL, /* kvm <-> interp */
};

/* What a front-end calls while it pumps host events. */
struct display_input {
	void *opaque;
	void (*key)(void *opaque, uint16_t key, bool pressed);
	/* dx right, dy down, dz wheel toward the user; PS2_BUTTON_* state */
	void (*mouse)(void *opaque, int dx, int dy, int dz, unsigned buttons);
	void (*action)(void *opaque, enum display_action a);
};

struct display_ops {
	const char *name;
	void (*pump)(void *priv, const struct display_input *in);
	/* fb is w x h XRGB8888; rows y0..y1-1 changed since the last call
	 * (y0 == y1: none; the front-end redraws anyway if it must). */
	void (*present)(void *priv, const uint32_t *fb, unsigned w, unsigned h,
			unsigned y0, unsigned y1);
	void (*set_title)(void *priv, const char *title);
	/* The picture as the window shows it (scaled), malloc'ed XRGB. */
	uint32_t *(*read_back)(void *priv, unsigned *w, unsigned *h);
	/* Status for the title: is the mouse captured? */
	bool (*mouse_captured)(void *priv);
	void (*destroy)(void *priv);
};

struct display {
	const struct display_ops *ops; /* NULL: headless */
	void *priv;
	uint32_t *fb;     /* the last frame */
	unsigned w, h;
	uint64_t last_ns; /* wall time of the last refresh */
};

/* Frames at about 60 Hz of wall time. */
#define DISPLAY_FRAME_NS 16000000ull

/* "sdl", "none", "auto". */
int display_parse_kind(const char *s, enum display_kind *kind);
/* Returns NULL with one line in err (SDL missing or failing when asked
 * for by name). auto falls back to headless, with a one-line note on
 * stderr when a display was there but SDL could not use it. */
struct display *display_open(enum display_kind kind, char *err,
			     size_t errlen);
void display_close(struct display *d);
bool display_has_window(const struct display *d);
void display_pump(struct display *d, const struct display_input *in);
/* Render and show the current picture if a frame's worth of wall time
 * passed since the last one (or force). */
void display_refresh(struct display *d, struct vga *v, uint64_t wall_ns,
		     bool force);
void display_set_title(struct display *d, const char *title);
/* The window's picture to a PNG; -1 with one line in err (no window). */
int display_write_png(struct display *d, struct vga *v, const char *path,
		      char *err, size_t errlen);

/* ui/display_bench.c: `lucid bench display ARGS` (argv[0] "display"). */
int display_bench_main(int argc, char **argv);

/* ui/sdl.c */
extern const struct display_ops sdl_display_ops;
/* NULL with one line in err. */
void *sdl_display_open(char *err, size_t errlen);

#endif
