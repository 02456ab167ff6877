/* ui/png.h: a minimal PNG writer (8-bit RGB, one zlib IDAT). */
#ifndef LUCID_UI_PNG_H
#define LUCID_UI_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Encode w x h XRGB8888 pixels; returns a malloc'ed buffer and its size in
 * *len, or NULL (out of memory or a zlib failure). */
uint8_t *png_encode_xrgb(const uint32_t *px, unsigned w, unsigned h,
			 size_t *len);
/* Returns 0, or -1 with one line in err. */
int png_write_xrgb(const char *path, const uint32_t *px, unsigned w,
		   unsigned h, char *err, size_t errlen);

#endif
