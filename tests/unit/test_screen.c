/* tests/unit/test_screen.c: the headless text dump and screenshot of what
 * the VGA shows. */
#include <stdlib.h>
#include <unistd.h>

#include "ui/screen.h"
#include "vga_test.h"

static struct machine *m;
static struct vga *v;

static void setup(void)
{
	char err[160];

	m = testbed_new(100000);
	v = vga_create(m, NULL, NULL, err, sizeof(err));
	cr_assert_not_null(v, "%s", err);
	vt_set_mode(m, &vt_mode3);
	for (unsigned i = 0; i < 80 * 25; i++) {
		vt_wr(m, 0xb8000 + 2 * i, ' ');
		vt_wr(m, 0xb8000 + 2 * i + 1, 0x07);
	}
}

static void teardown(void)
{
	testbed_free(m);
}

TestSuite(screen, .init = setup, .fini = teardown);

static void put(unsigned row, unsigned col, const char *s)
{
	for (; *s; s++, col++)
		vt_wr(m, 0xb8000 + 2 * (row * 80 + col), (uint8_t)*s);
}

static char *dump(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(screen_text_dump(v, f), 0);
	fclose(f);
	return buf;
}

Test(screen, text_dump_maps_cp437_box_drawing_to_utf8_and_trims)
{
	/* A box: corners, bars, a shade and a smiley (0x01). */
	put(0, 0, "\xc9\xcd\xbb");
	put(1, 0, "\xba\x01\xba   ");
	put(2, 0, "\xc8\xcd\xbc\xb1");
	put(3, 5, "Hi");
	char *out = dump();
	const char *want = "╔═╗\n║☺║\n╚═╝▒\n     Hi\n";
	cr_assert_eq(strncmp(out, want, strlen(want)), 0, "got:\n%s", out);
	/* The other 21 rows are empty lines. */
	const char *rest = out + strlen(want);
	for (unsigned i = 0; i < 21; i++)
		cr_assert_eq(rest[i], '\n');
	cr_assert_eq(rest[21], '\0');
	free(out);
}

Test(screen, text_dump_follows_the_start_address)
{
	put(1, 0, "second");
	vt_crtc(m, 0x0c, 0);
	vt_crtc(m, 0x0d, 80);
	char *out = dump();
	cr_assert_eq(strncmp(out, "second\n", 7), 0, "got:\n%s", out);
	free(out);
}

Test(screen, text_dump_refuses_graphics_modes)
{
	vt_gc(m, 6, 0x05);
	cr_assert_eq(screen_text_dump(v, stdout), -1);
}

Test(screen, screenshot_writes_the_rendered_frame_as_png)
{
	char err[200], path[] = "/tmp/lucid-shot-XXXXXX";
	int fd = mkstemp(path);
	uint8_t hdr[24];

	cr_assert(fd >= 0);
	close(fd);
	cr_assert_eq(screen_write_png(v, path, err, sizeof(err)), 0, "%s", err);
	FILE *f = fopen(path, "rb");
	cr_assert_eq(fread(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	fclose(f);
	unlink(path);
	cr_assert_eq(memcmp(hdr + 12, "IHDR", 4), 0);
	cr_assert_eq(hdr[18] << 8 | hdr[19], 720, "width");
	cr_assert_eq(hdr[22] << 8 | hdr[23], 400, "height");
}
