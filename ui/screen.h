/* ui/screen.h: headless output of the display: the text screen as UTF-8
 * and the rendered frame as a PNG. The SDL window will take its frames
 * from the same vga_render. */
#ifndef LUCID_UI_SCREEN_H
#define LUCID_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct vga;

/* The text page shown, one line per row, CP437 mapped to Unicode, trailing
 * blanks trimmed. Returns -1 (writing nothing) in graphics modes. */
int screen_text_dump(const struct vga *v, FILE *out);
unsigned screen_cp437_to_unicode(uint8_t ch);

/* Render the current frame and write it as an 8-bit RGB PNG. Returns 0, or
 * -1 with one line in err. */
int screen_write_png(struct vga *v, const char *path, char *err,
		     size_t errlen);

/* What --screen-text and --screenshot-on-exit do when a run ends; a failure
 * is one "lucid:" line on stderr and nothing else. */
void screen_at_exit(struct vga *v, bool text, const char *png);

#endif
