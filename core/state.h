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
};

#define STATE_FIELD(type, member)                                             \
	{ #member, offsetof(type, member), sizeof(((type *)0)->member) }
#define STATE_END { NULL, 0, 0 }

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

struct state {
	struct state_section *sec;
	unsigned nsec, cap;
	struct mem *mem; /* RAM is saved too when set */
};

#define STATE_MAGIC "LUCIDSS"
#define STATE_VERSION 1

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

#endif
