/* traces/trace.c: writing and reading .lrt traces (layout in trace.h).
 *
 * The reader trusts nothing: every length is bounded before it is used,
 * records must come in time order, the end record must be last and the
 * zlib stream must finish (Adler-32 checked) right after it with nothing
 * behind. Each failure is one line naming the file.
 */
#include "traces/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/util.h"

#define REC_HDR_LEN 13 /* u8 type, u32 len, u64 vtime */
#define CK_FIXED_LEN 20 /* u64 icount, u64 hash, u32 nsec */

void trace_header_set(struct trace_header *h, const char *key,
		      const char *value)
{
	for (unsigned i = 0; i < h->n; i++) {
		if (!strcmp(h->kv[i].key, key)) {
			free(h->kv[i].value);
			h->kv[i].value = xstrdup(value);
			return;
		}
	}
	if (h->n == TRACE_MAX_KV) {
		/* A build-time limit on keys Lucid itself writes. */
		fprintf(stderr, "lucid: trace header: too many keys\n");
		exit(1);
	}
	h->kv[h->n++] = (struct trace_kv){ xstrdup(key), xstrdup(value) };
}

const char *trace_header_get(const struct trace_header *h, const char *key)
{
	for (unsigned i = 0; i < h->n; i++)
		if (!strcmp(h->kv[i].key, key))
			return h->kv[i].value;
	return NULL;
}

void trace_header_free(struct trace_header *h)
{
	for (unsigned i = 0; i < h->n; i++) {
		free(h->kv[i].key);
		free(h->kv[i].value);
	}
	h->n = 0;
}

const char *trace_type_name(enum trace_rec_type type)
{
	switch (type) {
	case TRACE_REC_SERIAL: return "serial";
	case TRACE_REC_KEY: return "key";
	case TRACE_REC_MOUSE: return "mouse";
	case TRACE_REC_NET: return "net";
	case TRACE_REC_MONITOR: return "monitor";
	case TRACE_REC_MEDIA: return "media";
	case TRACE_REC_CHECKPOINT: return "checkpoint";
	case TRACE_REC_SNAPSHOT: return "snapshot";
	case TRACE_REC_END: return "end";
	default: return NULL;
	}
}

static bool type_is_event(unsigned type)
{
	return type >= TRACE_REC_SERIAL && type < TRACE_EVENT_TYPES;
}

/* --- writing --- */

struct trace_writer {
	FILE *f;
	char *name;
	z_stream z;
	bool failed;
	int err_no;
	uint64_t last_vtime;
	struct trace_fields fields; /* the last field hashes written */
	uint8_t out[16384];
};

/* A little-endian byte buffer for headers and payloads. */
struct bbuf {
	uint8_t *p;
	size_t len, cap;
};

static void bb_put(struct bbuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void bb_u8(struct bbuf *b, uint8_t v) { bb_put(b, &v, 1); }
static void bb_u16(struct bbuf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	bb_put(b, x, 2);
}
static void bb_u32(struct bbuf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		bb_u8(b, (uint8_t)(v >> (8 * i)));
}
static void bb_u64(struct bbuf *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		bb_u8(b, (uint8_t)(v >> (8 * i)));
}

void trace_fields_encode(struct trace_fields *prev, const uint32_t *hash,
			 unsigned n, uint8_t **buf, size_t *len)
{
	struct bbuf b = { *buf, *len, *len }, d = { 0 };
	uint32_t nchanged = 0;
	long last = -1;

	if (n > TRACE_MAX_FIELDS)
		n = 0;
	if (n != prev->n) {
		memset(prev->h, 0, sizeof(prev->h));
		prev->n = n;
	}
	for (unsigned i = 0; i < n; i++) {
		if (hash[i] == prev->h[i])
			continue;
		for (uint32_t gap = (uint32_t)(i - last - 1);; gap >>= 7) {
			bb_u8(&d, (uint8_t)((gap & 0x7f) | (gap > 0x7f ? 0x80 : 0)));
			if (gap <= 0x7f)
				break;
		}
		bb_u32(&d, hash[i]);
		prev->h[i] = hash[i];
		last = i;
		nchanged++;
	}
	bb_u32(&b, n);
	bb_u32(&b, nchanged);
	bb_put(&b, d.p, d.len);
	free(d.p);
	*buf = b.p;
	*len = b.len;
}

size_t trace_fields_decode(struct trace_fields *st, const uint8_t *p,
			   size_t len)
{
	size_t at = 8;

	if (len < 8)
		return 0;
	uint32_t n = 0, nchanged = 0;
	for (int i = 0; i < 4; i++) {
		n |= (uint32_t)p[i] << (8 * i);
		nchanged |= (uint32_t)p[4 + i] << (8 * i);
	}
	if (n > TRACE_MAX_FIELDS || nchanged > n)
		return 0;
	if (n != st->n) {
		memset(st->h, 0, sizeof(st->h));
		st->n = n;
	}
	uint64_t idx = (uint64_t)-1;
	for (uint32_t k = 0; k < nchanged; k++) {
		uint64_t gap = 0;
		for (unsigned shift = 0;; shift += 7) {
			if (at >= len || shift > 28)
				return 0;
			uint8_t c = p[at++];
			gap |= (uint64_t)(c & 0x7f) << shift;
			if (!(c & 0x80))
				break;
		}
		idx += gap + 1;
		if (idx >= n || len - at < 4)
			return 0;
		uint32_t h = 0;
		for (int i = 0; i < 4; i++)
			h |= (uint32_t)p[at + i] << (8 * i);
		at += 4;
		st->h[idx] = h;
	}
	return at;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void tw_fail(struct trace_writer *w)
{
	if (!w->failed)
		w->err_no = errno;
	w->failed = true;
}

static void tw_deflate(struct trace_writer *w, const void *p, size_t n,
		       int flush)
{
	w->z.next_in = (Bytef *)p;
	w->z.avail_in = (uInt)n;
	do {
		w->z.next_out = w->out;
		w->z.avail_out = sizeof(w->out);
		int rc = deflate(&w->z, flush);
		if (rc == Z_STREAM_ERROR) {
			tw_fail(w);
			return;
		}
		size_t k = sizeof(w->out) - w->z.avail_out;
		if (k && fwrite(w->out, 1, k, w->f) != k)
			tw_fail(w);
	} while (w->z.avail_out == 0 ||
		 (flush == Z_FINISH && w->z.avail_in));
}

static int tw_record(struct trace_writer *w, unsigned type, uint64_t vtime,
		     const void *payload, size_t len)
{
	uint8_t hdr[REC_HDR_LEN];

	if (w->failed)
		return -1;
	/* The reader rejects what it could not tell from corruption. */
	if (len > (type == TRACE_REC_SNAPSHOT ? TRACE_MAX_SNAPSHOT
					       : TRACE_MAX_RECORD) ||
	    vtime < w->last_vtime) {
		errno = EINVAL;
		tw_fail(w);
		return -1;
	}
	w->last_vtime = vtime;
	hdr[0] = (uint8_t)type;
	for (int i = 0; i < 4; i++)
		hdr[1 + i] = (uint8_t)(len >> (8 * i));
	for (int i = 0; i < 8; i++)
		hdr[5 + i] = (uint8_t)(vtime >> (8 * i));
	tw_deflate(w, hdr, sizeof(hdr), Z_NO_FLUSH);
	tw_deflate(w, payload, len, Z_NO_FLUSH);
	return w->failed ? -1 : 0;
}

struct trace_writer *trace_create_stream(FILE *f, const char *name,
					 const struct trace_header *h,
					 char *err, size_t errlen)
{
	struct trace_writer *w = xcalloc(1, sizeof(*w));
	struct bbuf hb = { 0 }, fb = { 0 };

	w->f = f;
	w->name = xstrdup(name);
	for (unsigned i = 0; i < h->n; i++) {
		bb_u16(&hb, (uint16_t)strlen(h->kv[i].key));
		bb_put(&hb, h->kv[i].key, strlen(h->kv[i].key));
		bb_u16(&hb, (uint16_t)strlen(h->kv[i].value));
		bb_put(&hb, h->kv[i].value, strlen(h->kv[i].value));
	}
	bb_put(&fb, TRACE_MAGIC, sizeof(TRACE_MAGIC));
	bb_u32(&fb, TRACE_VERSION);
	bb_u32(&fb, (uint32_t)hb.len);
	bb_put(&fb, hb.p, hb.len);
	bb_u32(&fb, (uint32_t)crc32(crc32(0, NULL, 0), fb.p, (uInt)fb.len));
	if (fwrite(fb.p, 1, fb.len, f) != fb.len)
		tw_fail(w);
	free(hb.p);
	free(fb.p);
	if (deflateInit(&w->z, Z_DEFAULT_COMPRESSION) != Z_OK) {
		snprintf(err, errlen, "%s: cannot start compression", name);
		fclose(f);
		free(w->name);
		free(w);
		return NULL;
	}
	return w;
}

struct trace_writer *trace_create(const char *path,
				  const struct trace_header *h, char *err,
				  size_t errlen)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return trace_create_stream(f, path, h, err, errlen);
}

int trace_write_event(struct trace_writer *w, enum trace_rec_type type,
		      uint64_t vtime, const void *data, size_t len)
{
	return tw_record(w, type, vtime, data, len);
}

static void bb_checkpoint(struct bbuf *b, const struct trace_checkpoint *ck)
{
	bb_u64(b, ck->icount);
	bb_u64(b, ck->hash);
	bb_u32(b, ck->nsec);
	for (unsigned i = 0; i < ck->nsec; i++)
		bb_u64(b, ck->sec_hash[i]);
}

/* The field hashes' delta ends checkpoint and end records. */
static void bb_fields(struct trace_writer *w, struct bbuf *b,
		      const struct trace_checkpoint *ck)
{
	size_t len = b->len;
	trace_fields_encode(&w->fields, ck->field_hash, ck->nfield, &b->p,
			    &len);
	b->len = b->cap = len;
}

int trace_write_snapshot(struct trace_writer *w, uint64_t vtime,
			 uint64_t icount, const void *image, size_t len)
{
	uint8_t hdr[REC_HDR_LEN + 8];

	if (w->failed)
		return -1;
	if (len > TRACE_MAX_SNAPSHOT - 8 || vtime < w->last_vtime) {
		errno = EINVAL;
		tw_fail(w);
		return -1;
	}
	/* Written in two pieces: the image is not copied. */
	w->last_vtime = vtime;
	hdr[0] = TRACE_REC_SNAPSHOT;
	for (int i = 0; i < 4; i++)
		hdr[1 + i] = (uint8_t)((len + 8) >> (8 * i));
	for (int i = 0; i < 8; i++) {
		hdr[5 + i] = (uint8_t)(vtime >> (8 * i));
		hdr[13 + i] = (uint8_t)(icount >> (8 * i));
	}
	tw_deflate(w, hdr, sizeof(hdr), Z_NO_FLUSH);
	tw_deflate(w, image, len, Z_NO_FLUSH);
	return w->failed ? -1 : 0;
}

int trace_write_checkpoint(struct trace_writer *w, uint64_t vtime,
			   const struct trace_checkpoint *ck)
{
	struct bbuf b = { 0 };
	bb_checkpoint(&b, ck);
	bb_fields(w, &b, ck);
	int rc = tw_record(w, TRACE_REC_CHECKPOINT, vtime, b.p, b.len);
	free(b.p);
	return rc;
}

int trace_write_end(struct trace_writer *w, uint64_t vtime,
		    const struct trace_end *end)
{
	struct bbuf b = { 0 };
	size_t rlen = strnlen(end->reason, TRACE_REASON_MAX - 1);

	bb_checkpoint(&b, &end->ck);
	bb_u32(&b, (uint32_t)end->exit_code);
	bb_u8(&b, end->flags);
	bb_u16(&b, (uint16_t)rlen);
	bb_put(&b, end->reason, rlen);
	bb_fields(w, &b, &end->ck);
	int rc = tw_record(w, TRACE_REC_END, vtime, b.p, b.len);
	free(b.p);
	return rc;
}

int trace_flush(struct trace_writer *w)
{
	if (w->failed)
		return -1;
	tw_deflate(w, NULL, 0, Z_SYNC_FLUSH);
	if (!w->failed && fflush(w->f))
		tw_fail(w);
	return w->failed ? -1 : 0;
}

int trace_close(struct trace_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (!w->failed)
		tw_deflate(w, NULL, 0, Z_FINISH);
	deflateEnd(&w->z);
	if (fclose(w->f) && !w->failed)
		tw_fail(w);
	if (w->failed) {
		snprintf(err, errlen, "%s: write failed: %s", w->name,
			 strerror(w->err_no));
		rc = -1;
	}
	free(w->name);
	free(w);
	return rc;
}

/* --- reading --- */

struct trace_reader {
	FILE *f;
	char *name;
	struct trace_header h;
	unsigned nsec; /* from the header's section list; 0 = unchecked */
	struct trace_fields fields; /* the field hashes read so far */
	z_stream z;
	bool stream_end;
	bool got_end, done, cut;
	uint64_t nrec, last_vtime;
	uint8_t *buf;
	size_t cap;
	uint8_t in[16384];
};

const struct trace_header *trace_header(const struct trace_reader *r)
{
	return &r->h;
}

static int rd_header(struct trace_reader *r, char *err, size_t errlen)
{
	uint8_t fixed[16];
	size_t n = fread(fixed, 1, sizeof(fixed), r->f);

	if (n < sizeof(TRACE_MAGIC) ||
	    memcmp(fixed, TRACE_MAGIC, sizeof(TRACE_MAGIC))) {
		snprintf(err, errlen, "%s: not a Lucid trace (bad magic)",
			 r->name);
		return -1;
	}
	if (n < sizeof(fixed)) {
		snprintf(err, errlen, "%s: truncated header", r->name);
		return -1;
	}
	uint32_t version = (uint32_t)le(fixed + 8, 4);
	uint32_t hlen = (uint32_t)le(fixed + 12, 4);
	if (version < TRACE_VERSION_MIN || version > TRACE_VERSION) {
		snprintf(err, errlen,
			 "%s: trace format version %u, this build reads versions %u to %u",
			 r->name, version, TRACE_VERSION_MIN, TRACE_VERSION);
		return -1;
	}
	if (hlen > TRACE_MAX_HEADER) {
		snprintf(err, errlen, "%s: header length %u is impossible",
			 r->name, hlen);
		return -1;
	}
	uint8_t *hb = xcalloc(1, sizeof(fixed) + hlen + 4);
	memcpy(hb, fixed, sizeof(fixed));
	if (fread(hb + sizeof(fixed), 1, hlen + 4, r->f) != hlen + 4) {
		snprintf(err, errlen, "%s: truncated header", r->name);
		free(hb);
		return -1;
	}
	size_t total = sizeof(fixed) + hlen;
	if (le(hb + total, 4) !=
	    (uint32_t)crc32(crc32(0, NULL, 0), hb, (uInt)total)) {
		snprintf(err, errlen, "%s: header is corrupt (CRC)", r->name);
		free(hb);
		return -1;
	}
	r->h.version = version;
	const uint8_t *p = hb + sizeof(fixed), *end = hb + total;
	while (p < end) {
		char *s[2];
		for (int i = 0; i < 2; i++) {
			size_t len = end - p >= 2 ? (size_t)le(p, 2) : SIZE_MAX;
			if (len == SIZE_MAX || (size_t)(end - p - 2) < len) {
				if (i)
					free(s[0]);
				goto bad;
			}
			s[i] = xcalloc(1, len + 1);
			memcpy(s[i], p + 2, len);
			p += 2 + len;
		}
		bool dup = trace_header_get(&r->h, s[0]) != NULL;
		if (!dup && r->h.n < TRACE_MAX_KV)
			r->h.kv[r->h.n++] = (struct trace_kv){ s[0], s[1] };
		else {
			free(s[0]);
			free(s[1]);
			goto bad;
		}
	}
	free(hb);
	const char *secs = trace_header_get(&r->h, "sections");
	if (secs && *secs) {
		r->nsec = 1;
		for (const char *c = secs; *c; c++)
			r->nsec += *c == ',';
	}
	if (r->nsec > TRACE_MAX_SECTIONS)
		goto bad_nofree;
	return 0;
bad:
	free(hb);
bad_nofree:
	snprintf(err, errlen, "%s: header is malformed", r->name);
	return -1;
}

struct trace_reader *trace_open_stream(FILE *f, const char *name, char *err,
				       size_t errlen)
{
	struct trace_reader *r = xcalloc(1, sizeof(*r));

	r->f = f;
	r->name = xstrdup(name);
	if (rd_header(r, err, errlen) || inflateInit(&r->z) != Z_OK) {
		if (!*err)
			snprintf(err, errlen, "%s: cannot start decompression",
				 name);
		trace_close_reader(r);
		return NULL;
	}
	return r;
}

struct trace_reader *trace_open(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	err[0] = 0;
	return trace_open_stream(f, path, err, errlen);
}

void trace_close_reader(struct trace_reader *r)
{
	if (!r)
		return;
	inflateEnd(&r->z);
	if (r->f)
		fclose(r->f);
	trace_header_free(&r->h);
	free(r->buf);
	free(r->name);
	free(r);
}

/* Inflate up to n bytes into dst; *got says how many. -1 (with err) on
 * corrupt data or a read error; a cut stream is left to the caller, which
 * knows what it was reading. */
static int rd_get(struct trace_reader *r, void *dst, size_t n, size_t *got,
		  char *err, size_t errlen)
{
	r->z.next_out = dst;
	r->z.avail_out = (uInt)n;
	while (r->z.avail_out && !r->stream_end) {
		if (!r->z.avail_in) {
			size_t k = fread(r->in, 1, sizeof(r->in), r->f);
			if (!k) {
				if (ferror(r->f)) {
					snprintf(err, errlen, "%s: read error: %s",
						 r->name, strerror(errno));
					return -1;
				}
				break; /* end of file inside the stream */
			}
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)k;
		}
		int rc = inflate(&r->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			r->stream_end = true;
		else if (rc != Z_OK && !(rc == Z_BUF_ERROR && !r->z.avail_in)) {
			snprintf(err, errlen,
				 "%s: record stream is corrupt after record %llu (%s)",
				 r->name, (unsigned long long)r->nrec,
				 r->z.msg ? r->z.msg : "zlib error");
			return -1;
		}
	}
	*got = n - r->z.avail_out;
	return 0;
}

bool trace_reader_cut(const struct trace_reader *r)
{
	return r->cut;
}

static int rd_cut(struct trace_reader *r, char *err, size_t errlen)
{
	r->cut = !r->stream_end;
	snprintf(err, errlen,
		 r->stream_end
			 ? "%s: record %llu is cut short (corrupt trace)"
			 : "%s: truncated: the record stream stops inside record %llu",
		 r->name, (unsigned long long)r->nrec + 1);
	return -1;
}

/* After the end record the stream must finish with nothing behind it. */
static int rd_finish(struct trace_reader *r, char *err, size_t errlen)
{
	uint8_t extra;
	size_t got;

	if (rd_get(r, &extra, 1, &got, err, errlen))
		return -1;
	if (got) {
		snprintf(err, errlen, "%s: records follow the end record",
			 r->name);
		return -1;
	}
	if (!r->stream_end) {
		snprintf(err, errlen,
			 "%s: truncated: the record stream stops after the end record",
			 r->name);
		return -1;
	}
	if (r->z.avail_in || fgetc(r->f) != EOF) {
		snprintf(err, errlen, "%s: unexpected bytes after the record stream",
			 r->name);
		return -1;
	}
	r->done = true;
	return 0;
}

static int rd_decode_ck(struct trace_reader *r, struct trace_record *rec,
			char *err, size_t errlen)
{
	struct trace_checkpoint *ck = &rec->end.ck;
	const uint8_t *p = rec->data;

	if (rec->len < CK_FIXED_LEN)
		goto bad;
	ck->icount = le(p, 8);
	ck->hash = le(p + 8, 8);
	uint64_t nsec = le(p + 16, 4);
	if (nsec > TRACE_MAX_SECTIONS || (r->nsec && nsec != r->nsec) ||
	    rec->len < CK_FIXED_LEN + 8 * nsec)
		goto bad;
	ck->nsec = (unsigned)nsec;
	for (unsigned i = 0; i < ck->nsec; i++)
		ck->sec_hash[i] = le(p + CK_FIXED_LEN + 8 * i, 8);
	size_t used = CK_FIXED_LEN + 8 * nsec;
	if (rec->type == TRACE_REC_END) {
		if (rec->len < used + 7)
			goto bad;
		rec->end.exit_code = (int32_t)le(p + used, 4);
		rec->end.flags = p[used + 4];
		size_t rlen = (size_t)le(p + used + 5, 2);
		if (rlen >= TRACE_REASON_MAX || rec->len < used + 7 + rlen ||
		    (rec->end.flags & ~TRACE_END_AT_SYNC))
			goto bad;
		memcpy(rec->end.reason, p + used + 7, rlen);
		rec->end.reason[rlen] = 0;
		used += 7 + rlen;
	}
	if (r->h.version >= 2) {
		size_t n = trace_fields_decode(&r->fields, p + used,
					       rec->len - used);
		if (!n)
			goto bad;
		used += n;
		ck->nfield = r->fields.n;
		memcpy(ck->field_hash, r->fields.h,
		       r->fields.n * sizeof(*r->fields.h));
	}
	if (rec->len != used)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "%s: record %llu: malformed %s record", r->name,
		 (unsigned long long)r->nrec, trace_type_name(rec->type));
	return -1;
}

int trace_read_record(struct trace_reader *r, struct trace_record *rec,
		      char *err, size_t errlen)
{
	uint8_t hdr[REC_HDR_LEN];
	size_t got;

	if (r->done)
		return 0;
	if (r->got_end)
		return rd_finish(r, err, errlen) ? -1 : 0;
	if (rd_get(r, hdr, sizeof(hdr), &got, err, errlen))
		return -1;
	if (!got && r->stream_end) {
		snprintf(err, errlen,
			 "%s: no end record (the recording was cut short)",
			 r->name);
		return -1;
	}
	if (got < sizeof(hdr))
		return rd_cut(r, err, errlen);
	r->nrec++;
	memset(rec, 0, sizeof(*rec));
	rec->type = hdr[0];
	rec->len = (uint32_t)le(hdr + 1, 4);
	rec->vtime = le(hdr + 5, 8);
	if (!type_is_event(hdr[0]) && hdr[0] != TRACE_REC_CHECKPOINT &&
	    hdr[0] != TRACE_REC_SNAPSHOT && hdr[0] != TRACE_REC_END) {
		snprintf(err, errlen, "%s: record %llu has unknown type %u",
			 r->name, (unsigned long long)r->nrec, hdr[0]);
		return -1;
	}
	if (rec->len > (hdr[0] == TRACE_REC_SNAPSHOT ? TRACE_MAX_SNAPSHOT
						      : TRACE_MAX_RECORD) ||
	    (type_is_event(hdr[0]) && rec->len < 2) ||
	    (hdr[0] == TRACE_REC_SNAPSHOT && rec->len < 8 + 16)) {
		snprintf(err, errlen, "%s: record %llu has an impossible length (%u bytes)",
			 r->name, (unsigned long long)r->nrec, rec->len);
		return -1;
	}
	if (rec->vtime < r->last_vtime) {
		snprintf(err, errlen, "%s: record %llu goes back in time",
			 r->name, (unsigned long long)r->nrec);
		return -1;
	}
	r->last_vtime = rec->vtime;
	if (rec->len > r->cap) {
		r->cap = rec->len;
		r->buf = xrealloc(r->buf, r->cap);
	}
	if (rd_get(r, r->buf, rec->len, &got, err, errlen))
		return -1;
	if (got < rec->len)
		return rd_cut(r, err, errlen);
	rec->data = r->buf;
	if (rec->type == TRACE_REC_SNAPSHOT)
		rec->end.ck.icount = le(rec->data, 8);
	if (rec->type == TRACE_REC_CHECKPOINT || rec->type == TRACE_REC_END) {
		if (rd_decode_ck(r, rec, err, errlen))
			return -1;
		r->got_end = rec->type == TRACE_REC_END;
	}
	return 1;
}

int trace_verify_reader(struct trace_reader *r, struct trace_summary *sum,
			char *err, size_t errlen)
{
	struct trace_record rec;
	int rc;

	memset(sum, 0, sizeof(*sum));
	while ((rc = trace_read_record(r, &rec, err, errlen)) > 0) {
		if (!sum->records++)
			sum->first_vtime = rec.vtime;
		sum->last_vtime = rec.vtime;
		if (type_is_event(rec.type)) {
			sum->events[rec.type]++;
			sum->event_bytes[rec.type] += rec.len - 1;
		} else if (rec.type == TRACE_REC_CHECKPOINT) {
			sum->checkpoints++;
			sum->last_ck_record = sum->records;
			sum->last_ck_vtime = rec.vtime;
			sum->last_ck = rec.end.ck;
		} else if (rec.type == TRACE_REC_SNAPSHOT) {
			sum->snapshots++;
			sum->snapshot_bytes += rec.len - 8;
		} else {
			sum->end = rec;
			sum->end.data = NULL;
			sum->end_vtime = rec.vtime;
		}
	}
	sum->incomplete = rc < 0 && r->cut && !r->got_end;
	return rc;
}

int trace_verify(const char *path, struct trace_summary *sum, char *err,
		 size_t errlen)
{
	struct trace_reader *r = trace_open(path, err, errlen);
	if (!r)
		return -1;
	int rc = trace_verify_reader(r, sum, err, errlen);
	trace_close_reader(r);
	return rc;
}
