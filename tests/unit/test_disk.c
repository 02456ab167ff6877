/* Disk images: reads, the copy-on-write overlay, --persist, commit and
 * discard, locking, bad images and the content hash. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/disk.h"
#include "devices/sha256.h"

/* A fresh image of n sectors; sector s is filled with (s * 7 + i) & 0xff
 * so every sector differs. */
static char *make_image(unsigned n, size_t extra)
{
	char *path = strdup("/tmp/lucid-test-disk-XXXXXX");
	int fd = mkstemp(path);
	uint8_t buf[DISK_SECTOR];

	cr_assert(fd >= 0);
	for (unsigned s = 0; s < n; s++) {
		for (unsigned i = 0; i < DISK_SECTOR; i++)
			buf[i] = (uint8_t)(s * 7 + i);
		cr_assert_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	}
	memset(buf, 0, sizeof(buf));
	if (extra)
		cr_assert_eq(write(fd, buf, extra), (ssize_t)extra);
	close(fd);
	return path;
}

static void file_bytes(const char *path, uint8_t *out, size_t len, off_t at)
{
	int fd = open(path, O_RDONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(pread(fd, out, len, at), (ssize_t)len);
	close(fd);
}

static void file_sha(const char *path, uint8_t out[32])
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	uint8_t *b = malloc((size_t)st.st_size);
	file_bytes(path, b, (size_t)st.st_size, 0);
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, b, (size_t)st.st_size);
	sha256_final(&s, out);
	free(b);
}

Test(disk, sha256_matches_the_fips_180_examples)
{
	static const uint8_t abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41,
		0x40, 0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3,
		0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00,
		0x15, 0xad,
	};
	static const char *two_block =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const uint8_t two_block_sha[4] = { 0x24, 0x8d, 0x6a, 0x61 };
	struct sha256 s;
	uint8_t out[32];

	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, out);
	cr_assert_arr_eq(out, abc, 32);
	sha256_init(&s);
	sha256_update(&s, two_block, strlen(two_block));
	sha256_final(&s, out);
	cr_assert_arr_eq(out, two_block_sha, 4);
}

/* The SHA extensions' path (where the host has them) and the portable
 * one agree, fed in one piece or in odd chunks. */
Test(disk, sha256_paths_agree_on_any_split)
{
	static const uint8_t million_a[8] = { 0xcd, 0xc7, 0x6e, 0x5c,
					      0x99, 0x14, 0xfb, 0x92 };
	size_t n = 1000000;
	uint8_t *buf = malloc(n), a[32], b[32];
	struct sha256 s, t;

	memset(buf, 'a', n);
	sha256_init(&s);
	sha256_update(&s, buf, n);
	sha256_final(&s, a);
	cr_assert_arr_eq(a, million_a, 8);
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	for (size_t len = 0; len < 300; len += 7) {
		sha256_init(&s);
		sha256_init_portable(&t);
		sha256_update(&s, buf, len);
		for (size_t off = 0, c = 1; off < len; off += c, c = c * 3 % 67 + 1)
			sha256_update(&t, buf + off, off + c < len ? c : len - off);
		sha256_final(&s, a);
		sha256_final(&t, b);
		cr_assert_arr_eq(a, b, 32, "length %zu", len);
	}
	sha256_init(&s);
	sha256_init_portable(&t);
	sha256_update(&s, buf + 3, n - 3);
	sha256_update(&t, buf + 3, 1000);
	sha256_update(&t, buf + 1003, n - 1003);
	sha256_final(&s, a);
	sha256_final(&t, b);
	cr_assert_arr_eq(a, b, 32);
	free(buf);
}

Test(disk, reads_the_sectors_of_the_image)
{
	char *path = make_image(64, 0), err[256];
	struct disk *d = disk_open(path, 0, err, sizeof(err));
	uint8_t buf[3 * DISK_SECTOR];

	cr_assert_not_null(d, "%s", err);
	cr_assert_eq(disk_size(d), 64 * 512);
	cr_assert_eq(disk_sectors(d), 64);
	cr_assert_eq(disk_read(d, 10, buf, 3), 0);
	cr_assert_eq(buf[0], 70);
	cr_assert_eq(buf[5], 75);
	cr_assert_eq(buf[512], (uint8_t)77);
	cr_assert_eq(buf[1024 + 1], (uint8_t)(12 * 7 + 1));
	/* Past the end: an error, not a short read. */
	cr_assert_eq(disk_read(d, 62, buf, 3), -1);
	cr_assert_eq(disk_read(d, 64, buf, 1), -1);
	cr_assert_eq(disk_read(d, UINT64_MAX, buf, 1), -1);
	disk_close(d);
	unlink(path);
	free(path);
}

Test(disk, writes_go_to_the_overlay_and_leave_the_image_untouched)
{
	char *path = make_image(64, 0), err[256];
	uint8_t before[32], after[32], buf[2 * DISK_SECTOR], back[2 * DISK_SECTOR];
	struct disk *d;

	file_sha(path, before);
	d = disk_open(path, 0, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	memset(buf, 0xab, sizeof(buf));
	cr_assert_eq(disk_write(d, 5, buf, 2), 0);
	cr_assert_eq(disk_read(d, 4, back, 2), 0);
	cr_assert_eq(back[0], (uint8_t)(4 * 7)); /* untouched neighbour */
	cr_assert_eq(back[512], 0xab);           /* the overlay's */
	cr_assert_eq(disk_read(d, 6, back, 2), 0);
	cr_assert_eq(back[0], 0xab);
	cr_assert_eq(back[512], (uint8_t)(7 * 7));
	disk_close(d);
	file_sha(path, after);
	cr_assert_arr_eq(before, after, 32, "the base image changed");
	/* And a new instance sees the original again. */
	d = disk_open(path, 0, err, sizeof(err));
	cr_assert_eq(disk_read(d, 5, back, 1), 0);
	cr_assert_eq(back[0], (uint8_t)35);
	disk_close(d);
	unlink(path);
	free(path);
}

Test(disk, persist_writes_through_to_the_image)
{
	char *path = make_image(16, 0), err[256];
	uint8_t buf[DISK_SECTOR], back[DISK_SECTOR];
	struct disk *d = disk_open(path, DISK_PERSIST, err, sizeof(err));

	cr_assert_not_null(d, "%s", err);
	memset(buf, 0x5a, sizeof(buf));
	cr_assert_eq(disk_write(d, 3, buf, 1), 0);
	disk_close(d);
	file_bytes(path, back, sizeof(back), 3 * 512);
	cr_assert_arr_eq(back, buf, sizeof(buf));
	unlink(path);
	free(path);
}

Test(disk, commit_copies_the_overlay_and_discard_drops_it)
{
	char *path = make_image(16, 0), err[256];
	uint8_t buf[DISK_SECTOR], back[DISK_SECTOR];
	struct disk *d = disk_open(path, 0, err, sizeof(err));

	cr_assert_not_null(d, "%s", err);
	memset(buf, 0x11, sizeof(buf));
	disk_write(d, 2, buf, 1);
	disk_discard(d);
	cr_assert_eq(disk_read(d, 2, back, 1), 0);
	cr_assert_eq(back[0], 14, "discard keeps the image's byte");
	memset(buf, 0x22, sizeof(buf));
	disk_write(d, 9, buf, 1);
	cr_assert_eq(disk_commit(d, err, sizeof(err)), 0, "%s", err);
	file_bytes(path, back, sizeof(back), 9 * 512);
	cr_assert_arr_eq(back, buf, sizeof(buf));
	cr_assert_eq(disk_read(d, 9, back, 1), 0);
	cr_assert_eq(back[100], 0x22);
	disk_close(d);
	unlink(path);
	free(path);
}

Test(disk, a_second_instance_is_refused_while_one_persists)
{
	char *path = make_image(8, 0), err[256];
	struct disk *a = disk_open(path, DISK_PERSIST, err, sizeof(err));
	cr_assert_not_null(a, "%s", err);
	cr_assert_null(disk_open(path, DISK_PERSIST, err, sizeof(err)));
	cr_assert(strstr(err, "already locked by another Lucid instance"),
		  "%s", err);
	cr_assert_null(disk_open(path, 0, err, sizeof(err)));
	disk_close(a);
	/* Read-only users share. */
	a = disk_open(path, 0, err, sizeof(err));
	struct disk *b = disk_open(path, 0, err, sizeof(err));
	cr_assert_not_null(a);
	cr_assert_not_null(b, "%s", err);
	cr_assert_null(disk_open(path, DISK_PERSIST, err, sizeof(err)));
	disk_close(a);
	disk_close(b);
	unlink(path);
	free(path);
}

Test(disk, bad_images_give_one_clear_line)
{
	char err[256];
	char *odd = make_image(4, 100), *empty = make_image(0, 0);

	cr_assert_null(disk_open("/nonexistent/lucid.img", 0, err, sizeof(err)));
	cr_assert(strstr(err, "No such file"), "%s", err);
	cr_assert_null(disk_open("/tmp", 0, err, sizeof(err)));
	cr_assert(strstr(err, "is a directory"), "%s", err);
	cr_assert_null(disk_open(odd, 0, err, sizeof(err)));
	cr_assert(strstr(err, "not a whole number of 512-byte sectors"), "%s",
		  err);
	cr_assert_null(disk_open(empty, 0, err, sizeof(err)));
	cr_assert(strstr(err, "empty image"), "%s", err);
	cr_assert_null(strchr(err, '\n'));
	unlink(odd);
	unlink(empty);
	free(odd);
	free(empty);
}

Test(disk, hash_is_the_sha256_of_what_the_guest_sees)
{
	char *path = make_image(300, 0), err[256], hex[65];
	uint8_t file[32], buf[DISK_SECTOR];
	struct disk *d = disk_open(path, 0, err, sizeof(err));

	file_sha(path, file);
	cr_assert_arr_eq(disk_hash(d), file, 32);
	disk_hash_hex(d, hex);
	cr_assert_eq(strlen(hex), 64);
	memset(buf, 0, sizeof(buf));
	disk_write(d, 299, buf, 1);
	cr_assert(memcmp(disk_hash(d), file, 32) != 0, "a write changes it");
	disk_close(d);
	unlink(path);
	free(path);
}

Test(disk, readonly_disks_refuse_writes)
{
	char *path = make_image(4, 0), err[256];
	uint8_t buf[DISK_SECTOR] = { 0 };
	struct disk *d = disk_open(path, DISK_READONLY, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	cr_assert(disk_readonly(d));
	cr_assert_eq(disk_write(d, 0, buf, 1), -1);
	disk_close(d);
	unlink(path);
	free(path);
}
