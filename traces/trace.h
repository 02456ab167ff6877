/* traces/trace.h: the .lrt trace format (writer and reader).
 *
 * A trace is everything needed to run a machine again bit for bit: the
 * machine's configuration (header) and the host input it received, each
 * stamped with the virtual time of the sync point that took it. Periodic
 * checkpoints (state hashes) and an end record let a replay prove that it
 * followed the recording.
 *
 * File layout (little-endian):
 *   "LUCIDTR\0"  u32 version  u32 hlen
 *   header: hlen bytes of key/value pairs, each u16 len + bytes
 *   u32 crc32 of everything above
 *   one zlib stream of records, then end of file:
 *     u8 type  u32 len  u64 vtime (ns)  len bytes of payload
 * Records are in vtime order; the end record is last and the stream must
 * finish right after it. zlib's Adler-32 covers the records, the CRC the
 * header, so truncation or corruption anywhere is caught by reading the
 * file once (trace_verify) before anything is replayed.
 */
#ifndef LUCID_TRACES_TRACE_H
#define LUCID_TRACES_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_MAGIC "LUCIDTR"
/* Version 2 adds per-field hashes to checkpoint and end records (a
 * delta against the previous one); version 3 hashes RAM and paged fields
 * (video memory) as lists of 4 KiB page hashes (core/state_hash.c), the
 * records unchanged. Versions 1 and 2 are still read and replayed with
 * their plain byte hashes; version 1 gives section-level divergence
 * reports. */
#define TRACE_VERSION 3
#define TRACE_VERSION_MIN 1
/* Per-field hashes a checkpoint can carry; a machine with more fields
 * records none (its divergence reports name sections only). */
#define TRACE_MAX_FIELDS 2048
#define TRACE_MAX_KV 64
#define TRACE_MAX_HEADER (64u << 10)
#define TRACE_MAX_SECTIONS 128
/* A record longer than this is corruption, not data: keeps a flipped
 * length from asking for gigabytes. */
#define TRACE_MAX_RECORD (1u << 20)
/* A snapshot (u64 icount + a state_write image, RAM zlib'd) may be big. */
#define TRACE_MAX_SNAPSHOT (1u << 30)
#define TRACE_REASON_MAX 160

enum trace_rec_type {
	/* Host input, in the order a sync point takes it. */
	TRACE_REC_SERIAL = 1,  /* u8 port (0 = COM1), the bytes received */
	TRACE_REC_KEY = 2,     /* u16 key id, u8 pressed (ui/ui.c) */
	TRACE_REC_MOUSE = 3,   /* i16 dx, i16 dy, i8 dz, u8 buttons */
	TRACE_REC_NET = 4,     /* reserved: u8 nic, one frame */
	TRACE_REC_MONITOR = 5, /* reserved: the command line */
	TRACE_REC_MEDIA = 6,   /* reserved: u8 drive, image path + sha256 */
	TRACE_EVENT_TYPES = 7, /* input types are 1..TRACE_EVENT_TYPES-1 */
	TRACE_REC_CHECKPOINT = 0x40,
	/* A full snapshot for seeking: u64 icount, then state_write's image.
	 * Taken at a sync point after its input, checkpoint and nothing
	 * else, so running on from it meets the records that follow. */
	TRACE_REC_SNAPSHOT = 0x41,
	TRACE_REC_END = 0x7f,
};

/* The state at one point: instruction count, whole-state hash (with RAM)
 * and one hash per state section (RAM last); since version 2 also a
 * 32-bit hash per state field (sections in order, fields in table order;
 * nfield 0: none), stored as a delta against the previous checkpoint's:
 *   u32 nfield, u32 nchanged, nchanged x (varint index gap, u32 hash)
 * where the gap is index - previous index - 1 (the first counts from -1)
 * and a change of nfield starts again from all-zero hashes. */
struct trace_checkpoint {
	uint64_t icount;
	uint64_t hash;
	unsigned nsec;
	uint64_t sec_hash[TRACE_MAX_SECTIONS];
	unsigned nfield;
	uint32_t field_hash[TRACE_MAX_FIELDS];
};

/* The delta encoding's running state (writer or reader side). */
struct trace_fields {
	unsigned n;
	uint32_t h[TRACE_MAX_FIELDS];
};

/* Appends the delta of hash[0..n) against *prev to a malloc'd buffer
 * (*buf, *len; realloc'd) and makes *prev the new hashes. */
void trace_fields_encode(struct trace_fields *prev, const uint32_t *hash,
			 unsigned n, uint8_t **buf, size_t *len);
/* Applies a delta at p (at most len bytes) to *st; the bytes used, or
 * 0 when it is malformed (st is then unspecified). */
size_t trace_fields_decode(struct trace_fields *st, const uint8_t *p,
			   size_t len);

enum trace_end_flags {
	/* The run was ended by the host (wall-clock timeout) at a sync point,
	 * so a replay must stop at that same sync point. */
	TRACE_END_AT_SYNC = 1,
};

struct trace_end {
	struct trace_checkpoint ck;
	int32_t exit_code;
	uint8_t flags;
	char reason[TRACE_REASON_MAX];
};

struct trace_record {
	enum trace_rec_type type;
	uint64_t vtime;
	uint32_t len;
	const uint8_t *data; /* len bytes, valid until the next read */
	/* Decoded for checkpoint and end records; a snapshot's icount goes
	 * to end.ck.icount and its image is data + 8. */
	struct trace_end end;
};

struct trace_kv {
	char *key, *value;
};

struct trace_header {
	unsigned version;
	unsigned n;
	struct trace_kv kv[TRACE_MAX_KV];
};

/* Header: keys are unique; set replaces. get returns NULL when absent. */
void trace_header_set(struct trace_header *h, const char *key,
		      const char *value);
const char *trace_header_get(const struct trace_header *h, const char *key);
void trace_header_free(struct trace_header *h);

/* --- writing --- */

struct trace_writer;

/* Creates path and writes the header. NULL with "PATH: reason" in err. */
struct trace_writer *trace_create(const char *path,
				  const struct trace_header *h, char *err,
				  size_t errlen);
/* The same on an open stream, which the writer then owns. */
struct trace_writer *trace_create_stream(FILE *f, const char *name,
					 const struct trace_header *h,
					 char *err, size_t errlen);
int trace_write_event(struct trace_writer *w, enum trace_rec_type type,
		      uint64_t vtime, const void *data, size_t len);
int trace_write_checkpoint(struct trace_writer *w, uint64_t vtime,
			   const struct trace_checkpoint *ck);
int trace_write_snapshot(struct trace_writer *w, uint64_t vtime,
			 uint64_t icount, const void *image, size_t len);
int trace_write_end(struct trace_writer *w, uint64_t vtime,
		    const struct trace_end *end);
/* Everything written so far to the file (zlib Z_SYNC_FLUSH, then fflush):
 * if Lucid dies after this, a reader gets every record up to here. The
 * recorder calls it at every checkpoint. */
int trace_flush(struct trace_writer *w);
/* Finishes the stream and closes the file; 0, or -1 with one line. Call it
 * even after a failed write (it frees the writer and reports). */
int trace_close(struct trace_writer *w, char *err, size_t errlen);

/* --- reading --- */

struct trace_reader;

/* Opens path and checks the header. NULL with "PATH: reason" in err. */
struct trace_reader *trace_open(const char *path, char *err, size_t errlen);
struct trace_reader *trace_open_stream(FILE *f, const char *name, char *err,
				       size_t errlen);
const struct trace_header *trace_header(const struct trace_reader *r);
/* The next record: 1, 0 after the end record once the stream has
 * finished cleanly, or -1 with "NAME: reason" in err. */
int trace_read_record(struct trace_reader *r, struct trace_record *rec,
		      char *err, size_t errlen);
void trace_close_reader(struct trace_reader *r);
/* After a failed read: did the file end inside the record stream (the
 * recording was interrupted, or the file was cut), rather than hold
 * corrupt data? */
bool trace_reader_cut(const struct trace_reader *r);

/* What a whole-file pass learns (trace info, and the replay's pre-check). */
struct trace_summary {
	uint64_t records;
	uint64_t events[TRACE_EVENT_TYPES];     /* by type */
	uint64_t event_bytes[TRACE_EVENT_TYPES];
	uint64_t checkpoints;
	uint64_t snapshots, snapshot_bytes;
	uint64_t first_vtime;
	struct trace_record end; /* the end record */
	uint64_t end_vtime;
	/* When the file ends inside the record stream (no end record):
	 * incomplete is set and the figures above cover the complete
	 * records before the cut. */
	bool incomplete;
	uint64_t last_vtime;          /* of the last complete record */
	uint64_t last_ck_record;      /* ordinal of the last checkpoint, 0: none */
	uint64_t last_ck_vtime;
	struct trace_checkpoint last_ck;
};

/* Read the whole trace and check its structure without running it.
 * Returns 0, or -1 with "NAME: reason" in err (sum->incomplete when the
 * file ends inside the record stream: sum then describes what is there). */
int trace_verify_reader(struct trace_reader *r, struct trace_summary *sum,
			char *err, size_t errlen);
int trace_verify(const char *path, struct trace_summary *sum, char *err,
		 size_t errlen);

const char *trace_type_name(enum trace_rec_type type);

#endif
