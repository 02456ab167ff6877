/* devices/disk.h: disk images, the block layer under IDE, ATAPI and the
 * floppy controller.
 *
 * An image is a raw file of 512-byte sectors. It is opened read-only and
 * the guest's writes land in a copy-on-write overlay: an unlinked sparse
 * temp file plus a bitmap of the sectors it holds, so the user's file is
 * never touched unless DISK_PERSIST asks to write through. An advisory lock
 * (flock) keeps two Lucid instances from fighting over one image: shared
 * for overlay use, exclusive for --persist.
 */
#ifndef LUCID_DEVICES_DISK_H
#define LUCID_DEVICES_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISK_SECTOR 512

enum disk_flags {
	DISK_PERSIST = 1 << 0,  /* write through to the image */
	DISK_READONLY = 1 << 1, /* guest writes fail (a CD-ROM) */
};

struct disk {
	int fd;          /* the image */
	int ovl_fd;      /* the overlay, -1 with DISK_PERSIST */
	uint64_t size;   /* bytes */
	uint64_t nsect;
	uint64_t *map;   /* sectors present in the overlay */
	unsigned flags;
	char *path;
	bool hash_valid;
	uint8_t hash[32];
};

/* Returns NULL with one line in err: missing, a directory, unreadable,
 * empty, not whole sectors, or locked by another Lucid instance. */
struct disk *disk_open(const char *path, unsigned flags, char *err,
		       size_t errlen);
void disk_close(struct disk *d);

static inline uint64_t disk_size(const struct disk *d)
{
	return d->size;
}

static inline uint64_t disk_sectors(const struct disk *d)
{
	return d->nsect;
}

static inline bool disk_readonly(const struct disk *d)
{
	return d->flags & DISK_READONLY;
}

/* Both return 0, or -1 if the range leaves the image, the disk is
 * read-only (writes) or the host failed (logged by the caller). */
int disk_read(struct disk *d, uint64_t sector, void *buf, unsigned count);
int disk_write(struct disk *d, uint64_t sector, const void *buf,
	       unsigned count);

/* Copy the overlay into the image (the monitor's "commit"), or drop it.
 * commit returns 0, or -1 with one line in err. */
int disk_commit(struct disk *d, char *err, size_t errlen);
void disk_discard(struct disk *d);

/* SHA-256 of the content the guest sees (overlay applied). Reads the
 * whole image on first use after a write: call it only when needed. */
const uint8_t *disk_hash(struct disk *d);
/* The same as 64 hex digits and a NUL. */
void disk_hash_hex(struct disk *d, char out[65]);

#endif
