/* core/state.h: state field tables, snapshots and the state hash.
 *
 * Every device (and the CPU) describes its state once, as a table of named
 * fields inside its struct. That one table gives snapshot save/load, a state
 * hash for replay divergence checks, and field-level diffs.
 */
#ifndef LUCID_CORE_STATE_H
#define LUCID_CORE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mem;

struct state_field {
	const char *name;
	size_t offset;
	size_t size;
	/* Paged fields (video memory): 1 + the offset in base of a uint64_t
	 * bitmap with one bit per 4 KiB of the field, which every write to
	 * the field sets; the state hash clears it and rehashes only those
	 * pages. 0: a plain field. */
	size_t dirty;
};

#define STATE_FIELD(type, member)                                             \
	{ #member, offsetof(type, member), sizeof(((type *)0)->member), 0 }
#define STATE_FIELD_PAGED(type, member, bitmap)                               \
	{ #member, offsetof(type, member), sizeof(((type *)0)->member),       \
	  offsetof(type, bitmap) + 1 }
#define STATE_END { NULL, 0, 0, 0 }

struct state_section {
	const char *name;
	const struct state_field *fields;
	void *base;
	/* Optional: bring base up to date before save/hash (a backend's
	 * registers), and apply it after load. */
	void (*pre_save)(void *opaque);
	void (*post_load)(void *opaque);
	void *opaque;
};

/* Cached page hashes of RAM (field NULL) or of one paged field. */
struct state_pages {
	const struct state_field *field;
	const void *base;
	uint64_t *hash; /* one per 4 KiB page, 0 for an all-zero page */
	size_t n;
	bool valid;
};

struct state {
	struct state_section *sec;
	unsigned nsec, cap;
	struct mem *mem; /* RAM is saved too when set */
	/* Hashing (core/state_hash.c): RAM and paged fields are hashed as a
	 * list of 4 KiB page hashes, cached here and kept current through
	 * the dirty bitmaps (mem->dirty, a paged field's own), so a hash
	 * costs the pages written since the last one. This state is the
	 * only reader of mem->dirty: it clears what it consumed. */
	struct state_pages *pages;
	unsigned npages;
	/* Trace formats 1-2: RAM and paged fields hashed as plain bytes
	 * (every byte, every time), as those recordings were. */
	bool hash_legacy;
	/* Ignore the dirty bitmaps and rehash every page (lucid replay
	 * --full-hash: checks that every write path marks them). */
	bool hash_full;
};

#define STATE_MAGIC "LUCIDSS"
/* Version 2 stores paged fields as RAM is stored: the non-zero pages,
 * zlib'd (16 MiB of mostly empty video memory took 16 MiB); version 1
 * snapshots are still read. */
#define STATE_VERSION 2
#define STATE_SPARSE 0x80000000u /* in a field's size: sparse encoding */

void state_init(struct state *s, struct mem *mem);
void state_destroy(struct state *s);
void state_add(struct state *s, const char *name,
	       const struct state_field *fields, void *base);
void state_add_hooked(struct state *s, const char *name,
		      const struct state_field *fields, void *base,
		      void (*pre_save)(void *), void (*post_load)(void *),
		      void *opaque);

/* Save to / load from a stream. Return 0, or -1 with one line in err. */
int state_write(struct state *s, FILE *f, char *err, size_t errlen);
int state_read(struct state *s, FILE *f, char *err, size_t errlen);
int state_save_file(struct state *s, const char *path, char *err, size_t errlen);
int state_load_file(struct state *s, const char *path, char *err, size_t errlen);

/* A 64-bit hash over every field and (optionally) all of RAM. */
uint64_t state_hash(struct state *s, bool with_ram);
/* Per-section hashes, so a divergence report can name what differs.
 * Sections are 0..nsec-1 in registration order, then RAM as section nsec
 * (named "ram"); state_section_name gives NULL past that. */
const char *state_section_name(const struct state *s, unsigned i);
uint64_t state_hash_section(struct state *s, unsigned i);
/* All nsec + 1 section hashes into out, and a whole-state hash made from
 * them: one pass over RAM where state_hash plus the sections take two. */
uint64_t state_hash_sections(struct state *s, uint64_t *out);
/* Forget the cached page hashes: RAM or a paged field changed without
 * its dirty bitmap (a snapshot was loaded). */
void state_hash_invalidate(struct state *s);

#endif
