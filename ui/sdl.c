/* ui/sdl.c: the SDL2 window: frames in (only the rows that changed reach
 * the texture), keys, mouse and hotkeys out.
 *
 * Scaling keeps the picture's display aspect: VGA frames of 400 lines or
 * fewer (320x200, 640x350, 720x400) filled a 4:3 CRT, so they are shown at
 * 4:3; taller frames (VBE) have square pixels. Integer mode (default)
 * scales each axis by a whole number, nearest to that aspect, sharp;
 * smooth mode fills the window at the exact aspect with linear filtering.
 */
#include <SDL.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "devices/ps2.h"
#include "ui/display.h"
#include "ui/sdl_keys.h"

struct sdl_display {
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
	unsigned tw, th;         /* texture (frame) size */
	int asked_w, asked_h;    /* the window size we set last */
	bool user_sized;         /* the user resized: keep their size */
	bool smooth, fullscreen, captured, redraw;
	unsigned buttons;        /* PS2_BUTTON_* */
	bool held[SDL_NUM_SCANCODES];   /* the guest saw these pressed */
	bool hotkey[SDL_NUM_SCANCODES]; /* their release is ours too */
};

/* Display height over frame height for one pixel row: 4:3 for VGA frames
 * up to 400 lines, square pixels above. */
static double sdl_pixel_aspect(unsigned w, unsigned h)
{
	return h <= 400 ? (w * 3.0 / 4.0) / h : 1.0;
}

static int round_pos(double x)
{
	int v = (int)(x + 0.5);
	return v < 1 ? 1 : v;
}

/* Where the frame goes in an ow x oh output. */
static SDL_Rect sdl_dst_rect(const struct sdl_display *sd, int ow, int oh)
{
	int w = (int)sd->tw, h = (int)sd->th;
	double par = sdl_pixel_aspect(sd->tw, sd->th);
	SDL_Rect r = { 0, 0, w, h };

	if (!sd->smooth) {
		for (int sx = ow / w; sx >= 1; sx--) {
			int sy = round_pos(sx * par);
			if (w * sx <= ow && h * sy <= oh) {
				r.w = w * sx;
				r.h = h * sy;
				r.x = (ow - r.w) / 2;
				r.y = (oh - r.h) / 2;
				return r;
			}
		}
	}
	/* Smooth, or a window too small for 1:1: fit at the exact aspect. */
	double dw = w, dh = h * par;
	double s = (double)ow / dw < (double)oh / dh ? (double)ow / dw
						     : (double)oh / dh;
	r.w = round_pos(dw * s);
	r.h = round_pos(dh * s);
	r.x = (ow - r.w) / 2;
	r.y = (oh - r.h) / 2;
	return r;
}

static void sdl_draw(struct sdl_display *sd, SDL_Rect *dst)
{
	int ow, oh;

	SDL_GetRendererOutputSize(sd->ren, &ow, &oh);
	*dst = sdl_dst_rect(sd, ow, oh);
	SDL_SetRenderDrawColor(sd->ren, 0, 0, 0, 255);
	SDL_RenderClear(sd->ren);
	if (sd->tex)
		SDL_RenderCopy(sd->ren, sd->tex, NULL, dst);
}

/* A new mode: a window that fits it at a whole-number scale, up to about
 * 1024 pixels wide, unless the user chose a size. */
static void sdl_fit_window(struct sdl_display *sd)
{
	int sx = (int)(1024 / sd->tw);

	if (sd->user_sized || sd->fullscreen)
		return;
	if (sx < 1)
		sx = 1;
	sd->asked_w = (int)sd->tw * sx;
	sd->asked_h = (int)sd->th * round_pos(sx * sdl_pixel_aspect(sd->tw,
								     sd->th));
	SDL_SetWindowSize(sd->win, sd->asked_w, sd->asked_h);
}

static void sdl_present(void *priv, const uint32_t *fb, unsigned w,
			unsigned h, unsigned y0, unsigned y1)
{
	struct sdl_display *sd = priv;
	SDL_Rect dst;

	if (!sd->tex || w != sd->tw || h != sd->th) {
		if (sd->tex)
			SDL_DestroyTexture(sd->tex);
		sd->tex = SDL_CreateTexture(sd->ren, SDL_PIXELFORMAT_RGB888,
					    SDL_TEXTUREACCESS_STREAMING,
					    (int)w, (int)h);
		if (!sd->tex)
			return;
		SDL_SetTextureScaleMode(sd->tex, sd->smooth
							 ? SDL_ScaleModeLinear
							 : SDL_ScaleModeNearest);
		sd->tw = w;
		sd->th = h;
		y0 = 0;
		y1 = h;
		sdl_fit_window(sd);
	}
	if (y1 > y0) {
		SDL_Rect rows = { 0, (int)y0, (int)w, (int)(y1 - y0) };
		SDL_UpdateTexture(sd->tex, &rows, fb + (size_t)y0 * w,
				  (int)(w * sizeof(*fb)));
	} else if (!sd->redraw) {
		return; /* nothing new to show */
	}
	sdl_draw(sd, &dst);
	SDL_RenderPresent(sd->ren);
	sd->redraw = false;
}

static uint32_t *sdl_read_back(void *priv, unsigned *w, unsigned *h)
{
	struct sdl_display *sd = priv;
	SDL_Rect dst;
	uint32_t *px;

	sdl_draw(sd, &dst);
	px = xcalloc((size_t)dst.w * dst.h, sizeof(*px));
	if (SDL_RenderReadPixels(sd->ren, &dst, SDL_PIXELFORMAT_RGB888, px,
				 dst.w * (int)sizeof(*px))) {
		free(px);
		px = NULL;
	}
	SDL_RenderPresent(sd->ren);
	*w = (unsigned)dst.w;
	*h = (unsigned)dst.h;
	return px;
}

static void sdl_capture(struct sdl_display *sd, bool on)
{
	if (sd->captured == on)
		return;
	sd->captured = on;
	SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
	SDL_SetWindowGrab(sd->win, on ? SDL_TRUE : SDL_FALSE);
}

/* Keys the guest holds are released when the window loses the keyboard,
 * or they would stick down. */
static void sdl_release_all(struct sdl_display *sd,
			    const struct display_input *in)
{
	for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++) {
		if (!sd->held[sc])
			continue;
		sd->held[sc] = false;
		in->key(in->opaque, sdl_keys_to_ps2(sc), false);
	}
}

/* Ctrl+Alt+key: true when it is one of ours (then the guest never sees
 * the key). */
static bool sdl_hotkey(struct sdl_display *sd, SDL_Scancode sc,
		       const struct display_input *in)
{
	switch (sc) {
	case SDL_SCANCODE_G:
		sdl_capture(sd, false);
		return true;
	case SDL_SCANCODE_F:
		sd->fullscreen = !sd->fullscreen;
		SDL_SetWindowFullscreen(sd->win, sd->fullscreen
				? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
		sd->redraw = true;
		return true;
	case SDL_SCANCODE_I:
		sd->smooth = !sd->smooth;
		if (sd->tex)
			SDL_SetTextureScaleMode(sd->tex, sd->smooth
					? SDL_ScaleModeLinear : SDL_ScaleModeNearest);
		sd->redraw = true;
		return true;
	case SDL_SCANCODE_P:
		in->action(in->opaque, DISPLAY_PAUSE);
		return true;
	case SDL_SCANCODE_S:
		in->action(in->opaque, DISPLAY_SCREENSHOT);
		return true;
	case SDL_SCANCODE_V:
		in->action(in->opaque, DISPLAY_SAVE_STATE);
		return true;
	case SDL_SCANCODE_L:
		in->action(in->opaque, DISPLAY_LOAD_STATE);
		return true;
	case SDL_SCANCODE_D:
		in->action(in->opaque, DISPLAY_NEXT_FLOPPY);
		return true;
	case SDL_SCANCODE_END:
		in->action(in->opaque, DISPLAY_CTRL_ALT_DEL);
		return true;
	case SDL_SCANCODE_K:
		in->action(in->opaque, DISPLAY_TOGGLE_ACCEL);
		return true;
	case SDL_SCANCODE_Q:
		in->action(in->opaque, DISPLAY_QUIT);
		return true;
	default:
		return false;
	}
}

static void sdl_key(struct sdl_display *sd, const SDL_KeyboardEvent *ev,
		    const struct display_input *in)
{
	SDL_Scancode sc = ev->keysym.scancode;
	bool down = ev->type == SDL_KEYDOWN;
	SDL_Keymod mods = SDL_GetModState();

	if ((unsigned)sc >= SDL_NUM_SCANCODES)
		return;
	/* The guest's keyboard repeats in virtual time (typematic). */
	if (down && ev->repeat)
		return;
	if (down && (mods & KMOD_CTRL) && (mods & KMOD_ALT) &&
	    sdl_hotkey(sd, sc, in)) {
		sd->hotkey[sc] = true;
		return;
	}
	if (!down && sd->hotkey[sc]) {
		sd->hotkey[sc] = false;
		return;
	}
	uint16_t key = sdl_keys_to_ps2(sc);
	if (!key || sd->held[sc] == down)
		return;
	sd->held[sc] = down;
	in->key(in->opaque, key, down);
}

static unsigned sdl_button_bit(uint8_t b)
{
	switch (b) {
	case SDL_BUTTON_LEFT: return PS2_BUTTON_LEFT;
	case SDL_BUTTON_RIGHT: return PS2_BUTTON_RIGHT;
	case SDL_BUTTON_MIDDLE: return PS2_BUTTON_MIDDLE;
	default: return 0;
	}
}

static void sdl_pump(void *priv, const struct display_input *in)
{
	struct sdl_display *sd = priv;
	int dx = 0, dy = 0, dz = 0;
	bool moved = false;
	SDL_Event ev;

	while (SDL_PollEvent(&ev)) {
		switch (ev.type) {
		case SDL_QUIT:
			in->action(in->opaque, DISPLAY_QUIT);
			break;
		case SDL_WINDOWEVENT:
			switch (ev.window.event) {
			case SDL_WINDOWEVENT_RESIZED:
				if (ev.window.data1 != sd->asked_w ||
				    ev.window.data2 != sd->asked_h)
					sd->user_sized = true;
				sd->redraw = true;
				break;
			case SDL_WINDOWEVENT_FOCUS_LOST:
				sdl_release_all(sd, in);
				break;
			case SDL_WINDOWEVENT_EXPOSED:
			case SDL_WINDOWEVENT_SIZE_CHANGED:
				sd->redraw = true;
				break;
			}
			break;
		case SDL_KEYDOWN:
		case SDL_KEYUP:
			sdl_key(sd, &ev.key, in);
			break;
		case SDL_MOUSEMOTION:
			if (sd->captured) {
				dx += ev.motion.xrel;
				dy += ev.motion.yrel;
				moved = true;
			}
			break;
		case SDL_MOUSEBUTTONDOWN:
		case SDL_MOUSEBUTTONUP: {
			unsigned bit = sdl_button_bit(ev.button.button);
			if (!sd->captured) {
				/* A click captures; the guest never sees it. */
				if (ev.type == SDL_MOUSEBUTTONDOWN &&
				    ev.button.button == SDL_BUTTON_LEFT)
					sdl_capture(sd, true);
				break;
			}
			if (ev.type == SDL_MOUSEBUTTONDOWN)
				sd->buttons |= bit;
			else
				sd->buttons &= ~bit;
			/* Motion so far goes with the old button state. */
			in->mouse(in->opaque, dx, dy, dz, sd->buttons);
			dx = dy = dz = 0;
			moved = false;
			break;
		}
		case SDL_MOUSEWHEEL:
			if (sd->captured) {
				int y = ev.wheel.y;
				if (ev.wheel.direction == SDL_MOUSEWHEEL_FLIPPED)
					y = -y;
				dz -= y; /* SDL: +y away from the user */
				moved = true;
			}
			break;
		}
	}
	if (moved && (dx || dy || dz))
		in->mouse(in->opaque, dx, dy, dz, sd->buttons);
}

static void sdl_set_title(void *priv, const char *title)
{
	struct sdl_display *sd = priv;
	SDL_SetWindowTitle(sd->win, title);
}

static bool sdl_mouse_captured(void *priv)
{
	const struct sdl_display *sd = priv;
	return sd->captured;
}

static void sdl_destroy(void *priv)
{
	struct sdl_display *sd = priv;

	if (sd->tex)
		SDL_DestroyTexture(sd->tex);
	if (sd->ren)
		SDL_DestroyRenderer(sd->ren);
	if (sd->win)
		SDL_DestroyWindow(sd->win);
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	SDL_Quit();
	free(sd);
}

void *sdl_display_open(char *err, size_t errlen)
{
	struct sdl_display *sd;

	/* Ctrl+C in the terminal stays an interrupt, not an SDL_QUIT. */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	/* While the mouse is captured, Alt+Tab and friends go to the guest. */
	SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	const char *x11 = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
	const char *forced = getenv("SDL_VIDEODRIVER");

	/* Asked before SDL is: its probing prints noise of its own. */
	if (!(x11 && *x11) && !(wl && *wl) && !(forced && *forced)) {
		snprintf(err, errlen, "no display: neither $DISPLAY nor $WAYLAND_DISPLAY is set");
		return NULL;
	}
	/* Only the servers the environment names: a failed Wayland probe
	 * prints noise, and a missing X server then tries the next one. */
	if (!(forced && *forced))
		SDL_SetHint(SDL_HINT_VIDEODRIVER, wl && *wl ? (x11 && *x11 ?
			    "wayland,x11" : "wayland") : "x11");
	if (SDL_Init(SDL_INIT_VIDEO)) {
		snprintf(err, errlen, "cannot open a window: %s",
			 SDL_GetError());
		SDL_Quit();
		return NULL;
	}
	/* SDL falls back to an invisible window; only on request. */
	const char *drv = SDL_GetCurrentVideoDriver();
	if (!(forced && *forced) && drv &&
	    (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy"))) {
		snprintf(err, errlen, "cannot open a window: no display server answers at %s",
			 x11 && *x11 ? x11 : wl);
		SDL_Quit();
		return NULL;
	}
	sd = xcalloc(1, sizeof(*sd));
	sd->asked_w = 720;
	sd->asked_h = 400;
	sd->win = SDL_CreateWindow("Lucid", SDL_WINDOWPOS_UNDEFINED,
				   SDL_WINDOWPOS_UNDEFINED, sd->asked_w,
				   sd->asked_h, SDL_WINDOW_RESIZABLE);
	/* No vsync: presenting must never block the emulation. */
	if (sd->win)
		sd->ren = SDL_CreateRenderer(sd->win, -1, 0);
	if (!sd->win || !sd->ren) {
		snprintf(err, errlen, "cannot open a window: %s",
			 SDL_GetError());
		sdl_destroy(sd);
		return NULL;
	}
	sd->redraw = true;
	return sd;
}

const struct display_ops sdl_display_ops = {
	.name = "sdl",
	.pump = sdl_pump,
	.present = sdl_present,
	.set_title = sdl_set_title,
	.read_back = sdl_read_back,
	.mouse_captured = sdl_mouse_captured,
	.destroy = sdl_destroy,
};
