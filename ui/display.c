/* ui/display.c: the display abstraction: frame keeping, dirty rows, the
 * refresh rate, and choosing a front-end. */
#include "ui/display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "devices/vga.h"
#include "ui/png.h"

int display_parse_kind(const char *s, enum display_kind *kind)
{
	if (!strcmp(s, "none"))
		*kind = DISPLAY_NONE;
	else if (!strcmp(s, "sdl"))
		*kind = DISPLAY_SDL;
	else if (!strcmp(s, "auto"))
		*kind = DISPLAY_AUTO;
	else
		return -1;
	return 0;
}

struct display *display_open(enum display_kind kind, char *err,
			     size_t errlen)
{
	struct display *d = xcalloc(1, sizeof(*d));
	const char *x11 = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
	char why[256];

	if (kind == DISPLAY_NONE)
		return d;
	/* auto: no display server, no window, and no noise about it. */
	if (kind == DISPLAY_AUTO && !(x11 && *x11) && !(wl && *wl))
		return d;
	d->priv = sdl_display_open(why, sizeof(why));
	if (!d->priv) {
		if (kind == DISPLAY_SDL) {
			snprintf(err, errlen, "--display sdl: %s", why);
			free(d);
			return NULL;
		}
		fprintf(stderr, "lucid: no window (%s); running headless\n",
			why);
		return d;
	}
	d->ops = &sdl_display_ops;
	d->fb = xcalloc((size_t)VGA_FB_MAX_W * VGA_FB_MAX_H, sizeof(*d->fb));
	return d;
}

void display_close(struct display *d)
{
	if (!d)
		return;
	if (d->ops)
		d->ops->destroy(d->priv);
	free(d->fb);
	free(d);
}

bool display_has_window(const struct display *d)
{
	return d && d->ops;
}

void display_pump(struct display *d, const struct display_input *in)
{
	if (d->ops)
		d->ops->pump(d->priv, in);
}

void display_set_title(struct display *d, const char *title)
{
	if (d->ops)
		d->ops->set_title(d->priv, title);
}

void display_refresh(struct display *d, struct vga *v, uint64_t wall_ns,
		     bool force)
{
	unsigned w = 640, h = 480, y0 = 0, y1 = 0;

	if (!d->ops || (!force && wall_ns - d->last_ns < DISPLAY_FRAME_NS))
		return;
	d->last_ns = wall_ns;
	if (v) {
		/* vga_render keeps its own idea of what fb holds; a size
		 * change makes it write every row. */
		if (vga_render(v, d->fb, &w, &h))
			vga_dirty_rows(v, &y0, &y1);
	}
	if (w != d->w || h != d->h) {
		y0 = 0;
		y1 = h; /* a new size: the front-end needs every row */
		d->w = w;
		d->h = h;
	}
	d->ops->present(d->priv, d->fb, w, h, y0, y1);
}

int display_write_png(struct display *d, struct vga *v, const char *path,
		      char *err, size_t errlen)
{
	unsigned w, h;
	uint32_t *px;
	int rc;

	if (!d->ops || !d->ops->read_back) {
		snprintf(err, errlen, "%s: there is no window", path);
		return -1;
	}
	display_refresh(d, v, d->last_ns, true);
	px = d->ops->read_back(d->priv, &w, &h);
	if (!px) {
		snprintf(err, errlen, "%s: cannot read the window back", path);
		return -1;
	}
	rc = png_write_xrgb(path, px, w, h, err, errlen);
	free(px);
	return rc;
}
