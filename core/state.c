/* core/state.c: state field tables and the snapshot format (the state
 * hash is in core/state_hash.c).
 *
 * Layout (little-endian):
 *   "LUCIDSS\0" u32 version u32 nsections
 *   per section: str name, u32 nfields, per field: str name, u32 size, bytes
 *     (version 2: paged fields have size | STATE_SPARSE, then u64 zlen,
 *     zlib(nonzero-page bitmap || nonzero pages), as RAM)
 *   u64 ram_size, u64 zlen, zlib(nonzero-page bitmap || nonzero pages)
 *   u32 crc32 of everything before it
 * where str is u16 length + bytes. Loading matches sections and fields by
 * name, so adding a field later only needs a default, not a new format.
 */
#include "core/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/util.h"
#include "mmu/mem.h"

void state_init(struct state *s, struct mem *mem)
{
	*s = (struct state){ .mem = mem };
}

void state_destroy(struct state *s)
{
	for (unsigned i = 0; i < s->npages; i++)
		free(s->pages[i].hash);
	free(s->pages);
	free(s->sec);
	*s = (struct state){ 0 };
}

void state_add_hooked(struct state *s, const char *name,
		      const struct state_field *fields, void *base,
		      void (*pre_save)(void *), void (*post_load)(void *),
		      void *opaque)
{
	if (s->nsec == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->sec = xrealloc(s->sec, s->cap * sizeof(*s->sec));
	}
	s->sec[s->nsec++] = (struct state_section){
		name, fields, base, pre_save, post_load, opaque
	};
}

void state_add(struct state *s, const char *name,
	       const struct state_field *fields, void *base)
{
	state_add_hooked(s, name, fields, base, NULL, NULL, NULL);
}

/* A writer that keeps a running CRC so corruption is caught on load. */
struct sw {
	FILE *f;
	uLong crc;
	bool failed;
};

static void sw_put(struct sw *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		w->failed = true;
	w->crc = crc32(w->crc, p, (uInt)n);
}

static void sw_u16(struct sw *w, uint16_t v) { sw_put(w, &v, 2); }
static void sw_u32(struct sw *w, uint32_t v) { sw_put(w, &v, 4); }
static void sw_u64(struct sw *w, uint64_t v) { sw_put(w, &v, 8); }

static void sw_str(struct sw *w, const char *str)
{
	size_t n = strlen(str);
	sw_u16(w, (uint16_t)n);
	sw_put(w, str, n);
}

static size_t page_len(uint64_t size, uint64_t i)
{
	uint64_t left = size - i * MEM_PAGE_SIZE;
	return left < MEM_PAGE_SIZE ? (size_t)left : MEM_PAGE_SIZE;
}

static bool page_is_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zero[64];
	size_t i = 0;
	for (; i + sizeof(zero) <= n; i += sizeof(zero))
		if (memcmp(p + i, zero, sizeof(zero)))
			return false;
	return !memcmp(p + i, zero, n - i);
}

/* u64 zlen, then zlib(bitmap of the non-zero 4 KiB pages || those pages):
 * RAM, and paged fields (video memory) since version 2. */
static int sparse_write(struct sw *w, const uint8_t *data, uint64_t size,
			char *err, size_t errlen)
{
	uint64_t npages = (size + MEM_PAGE_SIZE - 1) / MEM_PAGE_SIZE;
	size_t bmlen = (npages + 7) / 8, len = bmlen;
	uint8_t *raw = xcalloc(1, bmlen + size);

	for (uint64_t i = 0; i < npages; i++) {
		const uint8_t *p = data + i * MEM_PAGE_SIZE;
		size_t n = page_len(size, i);
		if (page_is_zero(p, n))
			continue;
		raw[i / 8] |= (uint8_t)(1u << (i % 8));
		memcpy(raw + len, p, n);
		len += n;
	}
	uLongf zlen = compressBound(len);
	uint8_t *z = xcalloc(1, zlen);
	int rc = compress2(z, &zlen, raw, len, Z_BEST_SPEED);
	free(raw);
	if (rc != Z_OK) {
		free(z);
		snprintf(err, errlen, "snapshot: compression failed");
		return -1;
	}
	sw_u64(w, zlen);
	sw_put(w, z, zlen);
	free(z);
	return 0;
}

int state_write(struct state *s, FILE *f, char *err, size_t errlen)
{
	struct sw w = { f, crc32(0, NULL, 0), false };
	char magic[8] = STATE_MAGIC;

	sw_put(&w, magic, sizeof(magic));
	sw_u32(&w, STATE_VERSION);
	sw_u32(&w, s->nsec);
	for (unsigned i = 0; i < s->nsec; i++) {
		const struct state_section *sec = &s->sec[i];
		unsigned n = 0;
		if (sec->pre_save)
			sec->pre_save(sec->opaque);
		while (sec->fields[n].name)
			n++;
		sw_str(&w, sec->name);
		sw_u32(&w, n);
		for (const struct state_field *fl = sec->fields; fl->name; fl++) {
			const uint8_t *p = (const uint8_t *)sec->base + fl->offset;
			sw_str(&w, fl->name);
			if (!fl->dirty) {
				sw_u32(&w, (uint32_t)fl->size);
				sw_put(&w, p, fl->size);
			} else {
				sw_u32(&w, (uint32_t)fl->size | STATE_SPARSE);
				if (sparse_write(&w, p, fl->size, err, errlen))
					return -1;
			}
		}
	}
	sw_u64(&w, s->mem ? s->mem->ram_size : 0);
	if (sparse_write(&w, s->mem ? s->mem->ram : NULL,
			 s->mem ? s->mem->ram_size : 0, err, errlen))
		return -1;
	uint32_t crc = (uint32_t)w.crc;
	if (fwrite(&crc, 4, 1, f) != 1 || w.failed) {
		snprintf(err, errlen, "snapshot: write failed: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* The reader works on the whole file in memory: snapshots are small after
 * compression and it makes bounds checks simple. */
struct sr {
	const uint8_t *p, *end;
	bool bad;
};

static const void *sr_get(struct sr *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	const void *q = r->p;
	r->p += n;
	return q;
}

static uint64_t sr_uint(struct sr *r, size_t n)
{
	uint64_t v = 0;
	const void *q = sr_get(r, n);
	if (q)
		memcpy(&v, q, n);
	return v;
}

static const char *sr_str(struct sr *r, size_t *len)
{
	*len = (size_t)sr_uint(r, 2);
	return sr_get(r, *len);
}

static struct state_section *find_section(struct state *s, const char *name,
					  size_t n)
{
	for (unsigned i = 0; i < s->nsec; i++)
		if (strlen(s->sec[i].name) == n && !memcmp(s->sec[i].name, name, n))
			return &s->sec[i];
	return NULL;
}

static const struct state_field *find_field(const struct state_section *sec,
					    const char *name, size_t n)
{
	for (const struct state_field *f = sec->fields; f->name; f++)
		if (strlen(f->name) == n && !memcmp(f->name, name, n))
			return f;
	return NULL;
}

/* Reads sparse_write's data into dst[0..size) when apply is set; only
 * checks it otherwise. */
static int sparse_read(struct sr *r, uint8_t *dst, uint64_t size, bool apply,
		       char *err, size_t errlen)
{
	uint64_t zlen = sr_uint(r, 8);
	const uint8_t *z = sr_get(r, zlen);

	if (r->bad)
		return -1;
	uint64_t npages = (size + MEM_PAGE_SIZE - 1) / MEM_PAGE_SIZE;
	size_t bmlen = (npages + 7) / 8;
	uLongf rawlen = bmlen + size;
	uint8_t *raw = xcalloc(1, rawlen);
	if (uncompress(raw, &rawlen, z, zlen) != Z_OK || rawlen < bmlen) {
		free(raw);
		snprintf(err, errlen, "snapshot: compressed data is corrupt");
		return -1;
	}
	size_t at = bmlen;
	for (uint64_t i = 0; i < npages; i++) {
		uint8_t *p = dst + i * MEM_PAGE_SIZE;
		size_t n = page_len(size, i);
		if (!(raw[i / 8] & (1u << (i % 8)))) {
			if (apply && !page_is_zero(p, n))
				memset(p, 0, n);
			continue;
		}
		if (at + n > rawlen) {
			free(raw);
			snprintf(err, errlen, "snapshot: compressed data is short");
			return -1;
		}
		if (apply)
			memcpy(p, raw + at, n);
		at += n;
	}
	free(raw);
	return 0;
}

static int state_read_ram(struct state *s, struct sr *r, bool apply,
			  char *err, size_t errlen)
{
	uint64_t ram_size = sr_uint(r, 8);
	struct mem *m = s->mem;

	if (r->bad)
		return -1;
	if (!m || ram_size != m->ram_size) {
		snprintf(err, errlen,
			 "snapshot has %llu MiB of RAM, this machine %llu MiB",
			 (unsigned long long)(ram_size >> 20),
			 (unsigned long long)(m ? m->ram_size >> 20 : 0));
		return -1;
	}
	return sparse_read(r, m->ram, ram_size, apply, err, errlen);
}

/* Called twice: once to validate everything, then to apply it, so a bad
 * snapshot leaves the machine untouched. */
static int state_parse(struct state *s, const uint8_t *buf, size_t len,
		       bool apply, char *err, size_t errlen)
{
	uint32_t crc;

	if (len < 20 || memcmp(buf, STATE_MAGIC, 8)) {
		snprintf(err, errlen, "not a Lucid snapshot");
		return -1;
	}
	struct sr r = { buf, buf + len - 4, false };
	memcpy(&crc, buf + len - 4, 4);
	if (crc != (uint32_t)crc32(crc32(0, NULL, 0), buf, (uInt)(len - 4))) {
		snprintf(err, errlen, "snapshot is truncated or corrupt (CRC)");
		return -1;
	}
	sr_get(&r, 8);
	uint32_t version = (uint32_t)sr_uint(&r, 4);
	if (version < 1 || version > STATE_VERSION) {
		snprintf(err, errlen,
			 "snapshot version %u, this build reads 1 to %u",
			 version, STATE_VERSION);
		return -1;
	}
	uint32_t nsec = (uint32_t)sr_uint(&r, 4);
	for (uint32_t i = 0; i < nsec && !r.bad; i++) {
		size_t n;
		const char *name = sr_str(&r, &n);
		struct state_section *sec = name ? find_section(s, name, n) : NULL;
		if (!r.bad && !sec) {
			snprintf(err, errlen,
				 "snapshot has device '%.*s' this machine lacks",
				 (int)n, name);
			return -1;
		}
		uint32_t nf = (uint32_t)sr_uint(&r, 4);
		for (uint32_t j = 0; j < nf && !r.bad; j++) {
			size_t fn;
			const char *fname = sr_str(&r, &fn);
			uint32_t size = (uint32_t)sr_uint(&r, 4);
			bool sparse = version >= 2 && (size & STATE_SPARSE);
			size &= sparse ? ~STATE_SPARSE : ~0u;
			const uint8_t *data = sparse ? r.p : sr_get(&r, size);
			const struct state_field *f =
				data ? find_field(sec, fname, fn) : NULL;
			if (r.bad)
				break;
			if (!f || f->size != size) {
				snprintf(err, errlen,
					 "snapshot field %s.%.*s does not fit this build",
					 sec->name, (int)fn, fname);
				return -1;
			}
			uint8_t *dst = (uint8_t *)sec->base + f->offset;
			if (sparse) {
				if (sparse_read(&r, dst, size, apply, err,
						errlen))
					return -1;
			} else if (apply) {
				memcpy(dst, data, size);
			}
		}
	}
	if (!r.bad && state_read_ram(s, &r, apply, err, errlen))
		return -1;
	if (r.bad) {
		snprintf(err, errlen, "snapshot is truncated");
		return -1;
	}
	/* RAM and paged fields changed behind their dirty bitmaps. */
	if (apply)
		state_hash_invalidate(s);
	for (unsigned i = 0; apply && i < s->nsec; i++)
		if (s->sec[i].post_load)
			s->sec[i].post_load(s->sec[i].opaque);
	return 0;
}

int state_read(struct state *s, FILE *f, char *err, size_t errlen)
{
	size_t cap = 1 << 16, len = 0, n;
	uint8_t *buf = xcalloc(1, cap);

	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	int rc = state_parse(s, buf, len, false, err, errlen);
	if (!rc)
		rc = state_parse(s, buf, len, true, err, errlen);
	free(buf);
	return rc;
}

int state_save_file(struct state *s, const char *path, char *err,
		    size_t errlen)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = state_write(s, f, err, errlen);
	if (fclose(f) && !rc) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

int state_load_file(struct state *s, const char *path, char *err,
		    size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = state_read(s, f, err, errlen);
	fclose(f);
	if (rc) {
		/* Prefix the file name on the one line the user sees. */
		char tmp[256];
		snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
		snprintf(err, errlen, "%s", tmp);
	}
	return rc;
}
