/* ui/png.c: a minimal PNG writer: signature, IHDR (8-bit RGB), one IDAT
 * holding the zlib stream of filter-0 rows, IEND; CRCs from zlib.
 */
#include "ui/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Length, type, data, CRC over type and data. Returns the bytes written. */
static size_t put_chunk(uint8_t *out, const char *type, const uint8_t *data,
			size_t len)
{
	put32(out, (uint32_t)len);
	memcpy(out + 4, type, 4);
	if (len)
		memcpy(out + 8, data, len);
	uLong crc = crc32(0L, out + 4, (uInt)(len + 4));
	put32(out + 8 + len, (uint32_t)crc);
	return len + 12;
}

uint8_t *png_encode_xrgb(const uint32_t *px, unsigned w, unsigned h,
			 size_t *len)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
					'\n' };
	size_t row = (size_t)w * 3 + 1, rawlen = row * h;
	uint8_t *raw, *out, ihdr[13];
	uLongf zlen;

	if (!w || !h)
		return NULL;
	raw = malloc(rawlen);
	zlen = compressBound((uLong)rawlen);
	out = malloc(zlen + 8 + 12 + 13 + 12 + 12);
	if (!raw || !out)
		goto fail;
	for (unsigned y = 0; y < h; y++) {
		uint8_t *r = raw + y * row;
		r[0] = 0; /* filter: none */
		for (unsigned x = 0; x < w; x++) {
			uint32_t p = px[(size_t)y * w + x];
			r[1 + x * 3] = (uint8_t)(p >> 16);
			r[2 + x * 3] = (uint8_t)(p >> 8);
			r[3 + x * 3] = (uint8_t)p;
		}
	}
	put32(ihdr, w);
	put32(ihdr + 4, h);
	ihdr[8] = 8;  /* bit depth */
	ihdr[9] = 2;  /* colour type: RGB */
	ihdr[10] = 0; /* deflate */
	ihdr[11] = 0; /* adaptive filtering */
	ihdr[12] = 0; /* no interlace */

	size_t n = 0;
	memcpy(out, sig, sizeof(sig));
	n += sizeof(sig);
	n += put_chunk(out + n, "IHDR", ihdr, sizeof(ihdr));
	/* Compress straight into place after the IDAT header. */
	if (compress2(out + n + 8, &zlen, raw, (uLong)rawlen, 6) != Z_OK)
		goto fail;
	put32(out + n, (uint32_t)zlen);
	memcpy(out + n + 4, "IDAT", 4);
	put32(out + n + 8 + zlen,
	      (uint32_t)crc32(0L, out + n + 4, (uInt)(zlen + 4)));
	n += zlen + 12;
	n += put_chunk(out + n, "IEND", NULL, 0);
	free(raw);
	*len = n;
	return out;
fail:
	free(raw);
	free(out);
	return NULL;
}

int png_write_xrgb(const char *path, const uint32_t *px, unsigned w,
		   unsigned h, char *err, size_t errlen)
{
	size_t len;
	uint8_t *png = png_encode_xrgb(px, w, h, &len);
	FILE *f;

	if (!png) {
		snprintf(err, errlen, "%s: cannot encode a %ux%u PNG", path, w,
			 h);
		return -1;
	}
	f = fopen(path, "wb");
	if (!f || fwrite(png, 1, len, f) != len) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		free(png);
		return -1;
	}
	free(png);
	if (fclose(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
