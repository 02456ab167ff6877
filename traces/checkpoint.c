/* traces/checkpoint.c: checkpoints are what a replay is checked against:
 * the same instruction count and the same state, section by section. */
#include "traces/checkpoint.h"

#include <string.h>

#include "accel/backend.h"
#include "core/machine.h"

/* A field's 32-bit fingerprint (8 bytes at a time: some fields are big),
 * for naming it in a divergence report; the section hashes decide one. */
static uint32_t field_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ n;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		h = (h ^ v) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return (uint32_t)(h ^ (h >> 32));
}

/* Fields bigger than this (video memory, frame buffers) get no hash of
 * their own: hashing them again would cost as much as the section hashes.
 * A section that differs only there is reported by those fields' names. */
#define CHECKPOINT_FIELD_MAX 4096

/* One hash per field of every section (the section hashes' pass has
 * just brought hooked sections up to date); none when they do not fit. */
static void take_fields(const struct state *s, struct trace_checkpoint *ck)
{
	unsigned n = 0;

	ck->nfield = 0;
	for (unsigned i = 0; i < s->nsec; i++) {
		const struct state_section *sec = &s->sec[i];
		for (const struct state_field *f = sec->fields; f->name; f++) {
			if (n == TRACE_MAX_FIELDS)
				return;
			ck->field_hash[n++] =
				f->size > CHECKPOINT_FIELD_MAX ? 0 :
				field_hash((const uint8_t *)sec->base + f->offset,
					   f->size);
		}
	}
	ck->nfield = n;
}

void checkpoint_take(struct machine *m, unsigned version,
		     struct trace_checkpoint *ck)
{
	/* The plain hashes ignore the page caches (and leave them valid). */
	m->state.hash_legacy = version < 3;
	/* record_start refuses machines with more sections than fit. */
	ck->icount = m->backend->icount(m->backend_priv);
	ck->nsec = m->state.nsec + 1; /* RAM is the last section */
	ck->hash = state_hash_sections(&m->state, ck->sec_hash);
	take_fields(&m->state, ck);
}

/* Appends ", name" to out unless it is full; counts what did not fit. */
struct names {
	char *out;
	size_t len, cap;
	unsigned shown, more;
};

#define CHECKPOINT_MAX_NAMES 10

static void add_name(struct names *nm, const char *sec, const char *field)
{
	if (nm->shown == CHECKPOINT_MAX_NAMES) {
		nm->more++;
		return;
	}
	int n = snprintf(nm->out + nm->len, nm->cap - nm->len, "%s%s%s%s",
			 nm->len ? ", " : "", sec, field ? "." : "",
			 field ? field : "");
	if (n < 0 || (size_t)n >= nm->cap - nm->len) {
		nm->out[nm->len] = 0;
		nm->shown = CHECKPOINT_MAX_NAMES; /* full: count the rest */
		nm->more++;
		return;
	}
	nm->len += (size_t)n;
	nm->shown++;
}

bool checkpoint_compare(struct machine *m, const struct trace_checkpoint *want,
			const struct trace_checkpoint *got, char *out,
			size_t outlen)
{
	struct names nm = { out, 0, outlen, 0, 0 };
	/* Field names when the recording has this machine's field hashes
	 * (a version 2 trace of the same build's sections). */
	bool fields = want->nfield && want->nfield == got->nfield &&
		      want->nsec == m->state.nsec + 1;
	unsigned fi = 0;

	out[0] = 0;
	for (unsigned i = 0; i < want->nsec && i < got->nsec; i++) {
		const struct state_section *sec =
			i < m->state.nsec ? &m->state.sec[i] : NULL;
		unsigned first = fi, named = 0;
		if (sec)
			for (const struct state_field *f = sec->fields; f->name; f++)
				fi++;
		if (want->sec_hash[i] == got->sec_hash[i])
			continue;
		if (fields && sec) {
			for (unsigned k = first; k < fi; k++) {
				if (want->field_hash[k] == got->field_hash[k])
					continue;
				add_name(&nm, sec->name,
					 sec->fields[k - first].name);
				named++;
			}
		}
		/* Every small field agrees: the difference is in a big one. */
		for (unsigned k = first; fields && sec && !named && k < fi; k++)
			if (sec->fields[k - first].size > CHECKPOINT_FIELD_MAX) {
				add_name(&nm, sec->name,
					 sec->fields[k - first].name);
				named++;
			}
		if (!named) {
			const char *name = state_section_name(&m->state, i);
			add_name(&nm, name ? name : "?", NULL);
		}
	}
	if (nm.more && nm.len + 24 < outlen)
		snprintf(out + nm.len, outlen - nm.len, " (+%u more)", nm.more);
	return want->icount == got->icount && want->hash == got->hash &&
	       want->nsec == got->nsec && !out[0];
}
