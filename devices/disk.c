/* devices/disk.c: raw disk images with a copy-on-write overlay. */
#include "devices/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "devices/sha256.h"

static bool map_test(const struct disk *d, uint64_t s)
{
	return d->map && (d->map[s / 64] >> (s % 64) & 1);
}

static void map_set(struct disk *d, uint64_t s)
{
	d->map[s / 64] |= 1ull << (s % 64);
}

/* pread/pwrite the whole span or fail (EINTR and short transfers). */
static int full_io(int fd, void *buf, size_t len, uint64_t off, bool wr)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = wr ? pwrite(fd, p, len, (off_t)off)
			       : pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			if (wr)
				return -1;
			memset(p, 0, len); /* a file that shrank under us */
			return 0;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int overlay_create(struct disk *d, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/lucid-overlay-XXXXXX", dir);
	d->ovl_fd = mkstemp(tmpl);
	if (d->ovl_fd < 0) {
		snprintf(err, errlen, "%s: cannot create an overlay in %s: %s",
			 d->path, dir, strerror(errno));
		return -1;
	}
	/* Unlinked at once: it vanishes with the process, whatever happens. */
	unlink(tmpl);
	if (ftruncate(d->ovl_fd, (off_t)d->size)) {
		snprintf(err, errlen, "%s: cannot size the overlay: %s",
			 d->path, strerror(errno));
		return -1;
	}
	d->map = xcalloc((size_t)(d->nsect + 63) / 64, sizeof(uint64_t));
	return 0;
}

struct disk *disk_open(const char *path, unsigned flags, char *err,
		       size_t errlen)
{
	bool persist = flags & DISK_PERSIST;
	struct disk *d = xcalloc(1, sizeof(*d));
	struct stat st;

	d->fd = d->ovl_fd = -1;
	d->flags = flags;
	d->path = xstrdup(path);
	d->fd = open(path, (persist ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 persist && errno == EACCES ?
				 " (--persist needs write access)" : "");
		goto fail;
	}
	if (fstat(d->fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory, not a disk image",
			 path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	d->size = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(d->fd, 0, SEEK_END);
		d->size = end > 0 ? (uint64_t)end : 0;
	}
	if (d->size == 0) {
		snprintf(err, errlen, "%s: empty image", path);
		goto fail;
	}
	if (d->size % DISK_SECTOR) {
		snprintf(err, errlen, "%s: size %llu is not a whole number of "
			 "512-byte sectors", path,
			 (unsigned long long)d->size);
		goto fail;
	}
	d->nsect = d->size / DISK_SECTOR;
	if (flock(d->fd, (persist ? LOCK_EX : LOCK_SH) | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "%s: image already locked by "
				 "another Lucid instance", path);
		else
			snprintf(err, errlen, "%s: cannot lock: %s", path,
				 strerror(errno));
		goto fail;
	}
	/* Reading the first sector now turns "unreadable" into a clear error
	 * at start rather than a guest I/O error later. */
	uint8_t probe[DISK_SECTOR];
	if (full_io(d->fd, probe, sizeof(probe), 0, false)) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (!persist && !(flags & DISK_READONLY) &&
	    overlay_create(d, err, errlen))
		goto fail;
	return d;
fail:
	disk_close(d);
	return NULL;
}

void disk_close(struct disk *d)
{
	if (!d)
		return;
	if (d->ovl_fd >= 0)
		close(d->ovl_fd);
	if (d->fd >= 0)
		close(d->fd); /* drops the lock */
	free(d->map);
	free(d->path);
	free(d);
}

static bool in_range(const struct disk *d, uint64_t sector, unsigned count)
{
	return sector <= d->nsect && count <= d->nsect - sector;
}

int disk_read(struct disk *d, uint64_t sector, void *buf, unsigned count)
{
	uint8_t *p = buf;

	if (!in_range(d, sector, count))
		return -1;
	/* Runs of sectors from the same file in one pread each. */
	while (count) {
		bool ovl = map_test(d, sector);
		unsigned n = 1;
		while (n < count && map_test(d, sector + n) == ovl)
			n++;
		if (full_io(ovl ? d->ovl_fd : d->fd, p, (size_t)n * DISK_SECTOR,
			    sector * DISK_SECTOR, false))
			return -1;
		p += (size_t)n * DISK_SECTOR;
		sector += n;
		count -= n;
	}
	return 0;
}

int disk_write(struct disk *d, uint64_t sector, const void *buf,
	       unsigned count)
{
	if (!in_range(d, sector, count) || (d->flags & DISK_READONLY))
		return -1;
	d->hash_valid = false;
	if (d->ovl_fd < 0)
		return full_io(d->fd, (void *)buf, (size_t)count * DISK_SECTOR,
			       sector * DISK_SECTOR, true);
	if (full_io(d->ovl_fd, (void *)buf, (size_t)count * DISK_SECTOR,
		    sector * DISK_SECTOR, true))
		return -1;
	for (unsigned i = 0; i < count; i++)
		map_set(d, sector + i);
	return 0;
}

void disk_discard(struct disk *d)
{
	if (!d->map)
		return;
	memset(d->map, 0, (size_t)(d->nsect + 63) / 64 * sizeof(uint64_t));
	/* Give the overlay's blocks back to the host; if that fails the
	 * stale blocks are merely unused (the map says so). */
	if (ftruncate(d->ovl_fd, 0) == 0)
		(void)!ftruncate(d->ovl_fd, (off_t)d->size);
	d->hash_valid = false;
}

int disk_commit(struct disk *d, char *err, size_t errlen)
{
	uint8_t buf[DISK_SECTOR];
	int wfd;

	if (!d->map)
		return 0; /* persist writes through already */
	/* Nobody else may be reading the image while it changes. */
	if (flock(d->fd, LOCK_EX | LOCK_NB)) {
		snprintf(err, errlen, "%s: image in use by another Lucid "
			 "instance", d->path);
		return -1;
	}
	wfd = open(d->path, O_WRONLY | O_CLOEXEC);
	if (wfd < 0) {
		snprintf(err, errlen, "%s: %s", d->path, strerror(errno));
		flock(d->fd, LOCK_SH | LOCK_NB);
		return -1;
	}
	for (uint64_t s = 0; s < d->nsect; s++) {
		if (!map_test(d, s))
			continue;
		if (full_io(d->ovl_fd, buf, sizeof(buf), s * DISK_SECTOR,
			    false) ||
		    full_io(wfd, buf, sizeof(buf), s * DISK_SECTOR, true)) {
			snprintf(err, errlen, "%s: commit failed: %s", d->path,
				 strerror(errno));
			close(wfd);
			flock(d->fd, LOCK_SH | LOCK_NB);
			return -1;
		}
	}
	if (fsync(wfd) || close(wfd)) {
		snprintf(err, errlen, "%s: commit failed: %s", d->path,
			 strerror(errno));
		flock(d->fd, LOCK_SH | LOCK_NB);
		return -1;
	}
	flock(d->fd, LOCK_SH | LOCK_NB);
	bool valid = d->hash_valid;
	disk_discard(d); /* the image now holds it all */
	d->hash_valid = valid;
	return 0;
}

const uint8_t *disk_hash(struct disk *d)
{
	static const unsigned chunk = 128; /* sectors per read */
	uint8_t *buf;
	struct sha256 s;

	if (d->hash_valid)
		return d->hash;
	buf = xcalloc(chunk, DISK_SECTOR);
	sha256_init(&s);
	for (uint64_t sec = 0; sec < d->nsect; sec += chunk) {
		unsigned n = d->nsect - sec < chunk ? (unsigned)(d->nsect - sec)
						    : chunk;
		if (disk_read(d, sec, buf, n))
			memset(buf, 0, (size_t)n * DISK_SECTOR);
		sha256_update(&s, buf, (size_t)n * DISK_SECTOR);
	}
	sha256_final(&s, d->hash);
	free(buf);
	d->hash_valid = true;
	return d->hash;
}

void disk_hash_hex(struct disk *d, char out[65])
{
	const uint8_t *h = disk_hash(d);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}
