/* tests/unit/test_png.c: the PNG writer's output decodes: signature, chunk
 * CRCs, IHDR, and the inflated IDAT's filter bytes and pixels. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ui/png.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

Test(png, small_image_decodes_back_with_valid_chunks)
{
	static const uint32_t px[6] = { 0xff0000, 0x00ff00, 0x0000ff,
					0x123456, 0xffffff, 0x000000 };
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10 };
	size_t len;
	uint8_t *png = png_encode_xrgb(px, 3, 2, &len);

	cr_assert_not_null(png);
	cr_assert_eq(memcmp(png, sig, 8), 0);
	size_t pos = 8;
	const char *want[] = { "IHDR", "IDAT", "IEND" };
	const uint8_t *idat = NULL;
	uint32_t idat_len = 0;
	for (unsigned i = 0; i < 3; i++) {
		cr_assert(pos + 12 <= len);
		uint32_t n = be32(png + pos);
		cr_assert(pos + 12 + n <= len);
		cr_assert_eq(memcmp(png + pos + 4, want[i], 4), 0);
		uLong crc = crc32(0L, png + pos + 4, n + 4);
		cr_assert_eq(be32(png + pos + 8 + n), (uint32_t)crc,
			     "%s CRC", want[i]);
		if (i == 0) {
			const uint8_t *h = png + pos + 8;
			cr_assert_eq(n, 13);
			cr_assert_eq(be32(h), 3);
			cr_assert_eq(be32(h + 4), 2);
			cr_assert_eq(h[8], 8, "bit depth");
			cr_assert_eq(h[9], 2, "RGB");
			cr_assert_eq(h[12], 0, "not interlaced");
		} else if (i == 1) {
			idat = png + pos + 8;
			idat_len = n;
		} else {
			cr_assert_eq(n, 0);
		}
		pos += 12 + n;
	}
	cr_assert_eq(pos, len, "nothing after IEND");

	uint8_t raw[2 * (1 + 9)];
	uLongf rawlen = sizeof(raw);
	cr_assert_eq(uncompress(raw, &rawlen, idat, idat_len), Z_OK);
	cr_assert_eq(rawlen, sizeof(raw));
	static const uint8_t expect[20] = {
		0, 0xff, 0, 0, 0, 0xff, 0, 0, 0, 0xff,
		0, 0x12, 0x34, 0x56, 0xff, 0xff, 0xff, 0, 0, 0,
	};
	cr_assert_eq(memcmp(raw, expect, sizeof(expect)), 0);
	free(png);
}

Test(png, unwritable_path_fails_with_one_line)
{
	uint32_t px = 0;
	char err[200] = "";

	cr_assert_eq(png_write_xrgb("/nonexistent/dir/x.png", &px, 1, 1, err,
				    sizeof(err)), -1);
	cr_assert(strstr(err, "/nonexistent/dir/x.png"), "%s", err);
	cr_assert_null(strchr(err, '\n'));
}

Test(png, file_written_matches_the_encoding)
{
	uint32_t px[4] = { 1, 2, 3, 4 };
	char err[200], path[] = "/tmp/lucid-png-XXXXXX";
	int fd = mkstemp(path);
	size_t len;

	cr_assert(fd >= 0);
	close(fd);
	cr_assert_eq(png_write_xrgb(path, px, 2, 2, err, sizeof(err)), 0, "%s",
		     err);
	uint8_t *png = png_encode_xrgb(px, 2, 2, &len);
	uint8_t *buf = malloc(len + 1);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	cr_assert_eq(fread(buf, 1, len + 1, f), len);
	fclose(f);
	unlink(path);
	cr_assert_eq(memcmp(buf, png, len), 0);
	free(buf);
	free(png);
}
