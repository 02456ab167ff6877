/* tests/conformance/sst_json.c: reading SingleStepTests files.
 *
 * Every check here turns bad input into a one-line reason instead of a
 * crash: the suites are large and a damaged download must not take the
 * whole run down or, worse, pass silently.
 */
#include "tests/conformance/sst.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

const char *const sst_reg_names[SST_NREG] = {
	"ax", "bx", "cx", "dx", "si", "di", "bp", "sp",
	"cs", "ds", "es", "ss", "ip", "flags",
};

#define SST_ALL_REGS ((uint16_t)((1u << SST_NREG) - 1))

/* --- test files --------------------------------------------------------- */

/* Decompressed text is read in chunks and consumed from the front, so a
 * --limit run reads only the head of a file and memory stays at a chunk or
 * two however many tests the file holds. */
#define SST_CHUNK (1u << 20)

/* Read another chunk; false at the end of the stream or on a gzip error
 * (then gz_err says which). Moves the unconsumed text to buf[0]. */
static bool sst_file_fill(struct sst_file *f)
{
	if (!f->gz)
		return false;
	if (f->pos) {
		memmove(f->buf, f->buf + f->pos, f->len - f->pos);
		f->base += f->pos;
		f->len -= f->pos;
		f->pos = 0;
	}
	if (f->cap - f->len < SST_CHUNK + 1) {
		size_t nc = f->cap ? f->cap * 2 : 2 * SST_CHUNK;
		while (nc - f->len < SST_CHUNK + 1)
			nc *= 2;
		char *nb = realloc(f->buf, nc);
		if (!nb) {
			snprintf(f->gz_err, sizeof(f->gz_err), "out of memory");
			goto end;
		}
		f->buf = nb;
		f->cap = nc;
	}
	int n = gzread(f->gz, f->buf + f->len, SST_CHUNK);
	if (n > 0) {
		f->len += (size_t)n;
		f->buf[f->len] = '\0';
		return true;
	}
	/* A stream cut short reads as data, then Z_BUF_ERROR. */
	int zerr = Z_OK;
	const char *msg = gzerror(f->gz, &zerr);
	/* zlib says "path: reason"; the caller prints the path already. */
	size_t plen = strlen(f->path);
	if (!strncmp(msg, f->path, plen) && !strncmp(msg + plen, ": ", 2))
		msg += plen + 2;
	if (zerr != Z_OK)
		snprintf(f->gz_err, sizeof(f->gz_err), "%s",
			 zerr == Z_ERRNO ? strerror(errno) : msg);
end:
	gzclose(f->gz);
	f->gz = NULL;
	return false;
}

/* Skip white space, reading on as needed; false at the end of input. */
static bool sst_file_ws(struct sst_file *f)
{
	for (;;) {
		while (f->pos < f->len &&
		       isspace((unsigned char)f->buf[f->pos]))
			f->pos++;
		if (f->pos < f->len)
			return true;
		if (!sst_file_fill(f))
			return false;
	}
}

int sst_file_open(struct sst_file *f, const char *path, char *err,
		  size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	errno = 0;
	f->gz = gzopen(path, "rb");
	if (!f->gz) {
		snprintf(err, errlen, "cannot open: %s",
			 errno ? strerror(errno) : "out of memory");
		return -1;
	}
	gzbuffer(f->gz, 1u << 17);
	if (!sst_file_ws(f) || f->buf[f->pos] != '[') {
		if (f->gz_err[0])
			snprintf(err, errlen, "gzip: %s", f->gz_err);
		else if (f->pos >= f->len)
			snprintf(err, errlen, "empty file");
		else
			snprintf(err, errlen,
				 "not a JSON array of tests (starts with '%c')",
				 isprint((unsigned char)f->buf[f->pos]) ?
					 f->buf[f->pos] : '?');
		sst_file_close(f);
		return -1;
	}
	f->pos++;
	return 0;
}

void sst_file_close(struct sst_file *f)
{
	if (f->gz)
		gzclose(f->gz);
	f->gz = NULL;
	free(f->buf);
	free(f->scratch);
	f->buf = f->scratch = NULL;
	f->cap = f->len = f->pos = f->scratch_cap = 0;
	f->done = true;
}

static enum sst_next sst_file_fatal(struct sst_file *f, long test, char *err,
				    size_t errlen, const char *what)
{
	f->done = true;
	f->err_test = test;
	snprintf(err, errlen, "%s", what);
	return SST_NEXT_FATAL;
}

/* Find the end of the array or object at buf[pos] and note where the values
 * of its top-level "cycles" keys lie: per-clock bus traces this runner does
 * not compare, and most of a test's JSON nodes. Returns 1 (*end set), 0 if
 * the text ends first. */
static int sst_scan_element(struct sst_file *f, size_t *end)
{
	const char *b = f->buf;
	unsigned depth = 0, skip_depth = 0;

	f->nskip = 0;
	for (size_t i = f->pos; i < f->len; i++) {
		char ch = b[i];
		if (ch == '"') {
			size_t j = i + 1;
			while (j < f->len && b[j] != '"')
				j += b[j] == '\\' ? 2 : 1;
			if (j >= f->len)
				return 0;
			bool cycles = depth == 1 && !skip_depth && j - i == 7 &&
				      !memcmp(b + i + 1, "cycles", 6);
			i = j;
			if (!cycles)
				continue;
			size_t k = j + 1;
			while (k < f->len && isspace((unsigned char)b[k]))
				k++;
			if (k < f->len && b[k] == ':')
				k++;
			while (k < f->len && isspace((unsigned char)b[k]))
				k++;
			if (k >= f->len)
				return 0;
			if ((b[k] == '[' || b[k] == '{') &&
			    f->nskip < SST_MAX_SKIPS) {
				f->skip[f->nskip].start = k;
				skip_depth = depth;
			}
			continue;
		}
		if (ch == '{' || ch == '[') {
			depth++;
		} else if ((ch == '}' || ch == ']') && depth) {
			depth--;
			if (skip_depth && depth == skip_depth) {
				f->skip[f->nskip].end = i + 1;
				f->nskip++;
				skip_depth = 0;
			}
			if (!depth) {
				*end = i + 1;
				return 1;
			}
		}
	}
	return 0;
}

/* Copy [pos, end) to scratch with each skipped value replaced by 0. */
static bool sst_file_cut(struct sst_file *f, size_t end, size_t *len)
{
	size_t need = end - f->pos + 1;
	if (need > f->scratch_cap) {
		char *ns = realloc(f->scratch, need);
		if (!ns)
			return false;
		f->scratch = ns;
		f->scratch_cap = need;
	}
	size_t from = f->pos, n = 0;
	for (unsigned s = 0; s < f->nskip; s++) {
		memcpy(f->scratch + n, f->buf + from, f->skip[s].start - from);
		n += f->skip[s].start - from;
		f->scratch[n++] = '0';
		from = f->skip[s].end;
	}
	memcpy(f->scratch + n, f->buf + from, end - from);
	*len = n + end - from;
	return true;
}

static size_t sst_json_pos(const json_error_t *je)
{
	return je->position > 0 ? (size_t)je->position : 0;
}

/* File offset of position p in the scratch copy. */
static uint64_t sst_file_offset(const struct sst_file *f, size_t p)
{
	size_t src = f->pos + p;
	for (unsigned s = 0; s < f->nskip; s++)
		if (src > f->skip[s].start)
			src += f->skip[s].end - f->skip[s].start - 1;
	return f->base + src;
}

enum sst_next sst_file_next(struct sst_file *f, struct sst_test *t, char *err,
			    size_t errlen)
{
	char why[224];

	if (f->done)
		return SST_NEXT_END;
	long k = f->next;
	if (!sst_file_ws(f))
		goto truncated;
	if (f->buf[f->pos] == ']') {
		f->pos++;
		f->done = true;
		f->err_test = -1;
		if (sst_file_ws(f)) {
			snprintf(err, errlen,
				 "junk after the array at byte %llu",
				 (unsigned long long)(f->base + f->pos));
			return SST_NEXT_FATAL;
		}
		if (f->gz_err[0]) {
			snprintf(err, errlen, "gzip: %s", f->gz_err);
			return SST_NEXT_FATAL;
		}
		return SST_NEXT_END;
	}
	if (k > 0) {
		if (f->buf[f->pos] != ',') {
			snprintf(why, sizeof(why),
				 "expected ',' or ']' at byte %llu",
				 (unsigned long long)(f->base + f->pos));
			return sst_file_fatal(f, k, err, errlen, why);
		}
		f->pos++;
		if (!sst_file_ws(f))
			goto truncated;
	}
	f->next++;

	size_t end, len;
	char c0 = f->buf[f->pos];
	if (c0 != '{' && c0 != '[') {
		json_error_t je;
		json_t *j = json_loadb(f->buf + f->pos, f->len - f->pos,
				       JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
				       &je);
		if (j) {
			json_decref(j);
			return sst_file_fatal(f, k, err, errlen,
					      "not a JSON object");
		}
		snprintf(why, sizeof(why), "JSON error at byte %llu: %s",
			 (unsigned long long)(f->base + f->pos +
					      sst_json_pos(&je)),
			 je.text);
		return sst_file_fatal(f, k, err, errlen, why);
	}
	while (!sst_scan_element(f, &end))
		if (!sst_file_fill(f))
			goto truncated;
	if (!sst_file_cut(f, end, &len))
		return sst_file_fatal(f, k, err, errlen, "out of memory");

	json_error_t je;
	json_t *j = json_loadb(f->scratch, len, 0, &je);
	if (!j) {
		snprintf(why, sizeof(why), "JSON error at byte %llu: %s",
			 (unsigned long long)sst_file_offset(f,
							     sst_json_pos(&je)),
			 je.text);
		f->pos = end;
		return sst_file_fatal(f, k, err, errlen, why);
	}
	f->pos = end;
	t->idx = k;
	int r = sst_test_from_json(j, t, err, errlen);
	json_decref(j);
	return r ? SST_NEXT_BAD : SST_NEXT_TEST;

truncated:
	if (f->gz_err[0])
		snprintf(why, sizeof(why), "input ends here (gzip: %s)",
			 f->gz_err);
	else
		snprintf(why, sizeof(why), "input ends here (truncated file?)");
	return sst_file_fatal(f, k, err, errlen, why);
}

/* --- one test ----------------------------------------------------------- */

bool sst_json_int(json_t *v, long long lo, long long hi, long long *out)
{
	if (!json_is_integer(v))
		return false;
	long long x = json_integer_value(v);
	if (x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

static int sst_reg_index(const char *name)
{
	for (int i = 0; i < SST_NREG; i++)
		if (!strcmp(name, sst_reg_names[i]))
			return i;
	return -1;
}

static int sst_parse_regs(json_t *o, struct sst_regs *r, bool need_all,
			  const char *what, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s.regs: %s", what,
			 o ? "expected an object" : "missing");
		return -1;
	}
	r->present = 0;
	json_object_foreach(o, key, v) {
		int i = sst_reg_index(key);
		long long x;
		/* A register we do not know would otherwise go unchecked. */
		if (i < 0) {
			snprintf(err, errlen, "%s.regs.%s: unknown register",
				 what, key);
			return -1;
		}
		if (!sst_json_int(v, 0, 0xffff, &x)) {
			snprintf(err, errlen,
				 "%s.regs.%s: expected an integer 0..65535",
				 what, key);
			return -1;
		}
		r->v[i] = (uint16_t)x;
		r->present |= (uint16_t)(1u << i);
	}
	if (need_all && r->present != SST_ALL_REGS) {
		for (int i = 0; i < SST_NREG; i++)
			if (!(r->present & (1u << i))) {
				snprintf(err, errlen, "%s.regs: missing \"%s\"",
					 what, sst_reg_names[i]);
				break;
			}
		return -1;
	}
	return 0;
}

static int sst_parse_ram(json_t *a, struct sst_ramlist *l, const char *what,
			 char *err, size_t errlen)
{
	if (!json_is_array(a)) {
		snprintf(err, errlen, "%s.ram: %s", what,
			 a ? "expected an array" : "missing");
		return -1;
	}
	size_t n = json_array_size(a);
	if (n > l->cap) {
		struct sst_ram *ne = realloc(l->e, n * sizeof(*ne));
		if (!ne) {
			snprintf(err, errlen, "%s.ram: out of memory", what);
			return -1;
		}
		l->e = ne;
		l->cap = n;
	}
	l->n = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(a, i);
		long long addr, val;
		if (!json_is_array(e) || json_array_size(e) != 2 ||
		    !sst_json_int(json_array_get(e, 0), 0, 0xffffffffll,
				  &addr) ||
		    !sst_json_int(json_array_get(e, 1), 0, 0xff, &val)) {
			snprintf(err, errlen,
				 "%s.ram[%zu]: expected [address, byte]", what,
				 i);
			return -1;
		}
		l->e[l->n++] = (struct sst_ram){ (uint32_t)addr, (uint8_t)val };
	}
	return 0;
}

static int sst_parse_state(json_t *o, struct sst_regs *r, struct sst_ramlist *l,
			   bool need_all, const char *what, char *err,
			   size_t errlen)
{
	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s: %s", what,
			 o ? "expected an object" : "missing");
		return -1;
	}
	if (sst_parse_regs(json_object_get(o, "regs"), r, need_all, what, err,
			   errlen))
		return -1;
	return sst_parse_ram(json_object_get(o, "ram"), l, what, err, errlen);
}

/* The 8086 and 286 suites spell a few keys differently. */
static json_t *sst_get2(json_t *o, const char *a, const char *b,
			const char **which)
{
	json_t *v = json_object_get(o, a);
	*which = a;
	if (!v) {
		v = json_object_get(o, b);
		*which = b;
	}
	return v;
}

int sst_test_from_json(json_t *j, struct sst_test *t, char *err,
		       size_t errlen)
{
	const char *k;
	json_t *v;
	long long x;

	t->name[0] = '\0';
	t->hash[0] = '\0';
	t->nbytes = 0;
	t->has_exc = false;
	if (!json_is_object(j)) {
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}

	v = json_object_get(j, "name");
	if (v && !json_is_string(v)) {
		snprintf(err, errlen, "name: expected a string");
		return -1;
	}
	if (v)
		snprintf(t->name, sizeof(t->name), "%s", json_string_value(v));

	v = sst_get2(j, "idx", "test_num", &k);
	if (v) {
		if (!sst_json_int(v, 0, LONG_MAX, &x)) {
			snprintf(err, errlen, "%s: expected an integer >= 0",
				 k);
			return -1;
		}
		t->idx = (long)x;
	}

	v = sst_get2(j, "hash", "test_hash", &k);
	if (v && !json_is_string(v)) {
		snprintf(err, errlen, "%s: expected a string", k);
		return -1;
	}
	if (v)
		snprintf(t->hash, sizeof(t->hash), "%s", json_string_value(v));

	v = json_object_get(j, "bytes");
	if (!json_is_array(v) || !json_array_size(v)) {
		snprintf(err, errlen, "bytes: %s",
			 v ? "expected a non-empty array" : "missing");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		if (!sst_json_int(json_array_get(v, i), 0, 0xff, &x)) {
			snprintf(err, errlen, "bytes[%zu]: expected 0..255", i);
			return -1;
		}
		if (t->nbytes < SST_MAX_BYTES)
			t->bytes[t->nbytes++] = (uint8_t)x;
	}

	if (sst_parse_state(json_object_get(j, "initial"), &t->init,
			    &t->init_ram, true, "initial", err, errlen) ||
	    sst_parse_state(json_object_get(j, "final"), &t->fin, &t->fin_ram,
			    false, "final", err, errlen))
		return -1;

	v = json_object_get(j, "exception");
	if (v) {
		long long fa;
		if (!json_is_object(v) ||
		    !sst_json_int(json_object_get(v, "number"), 0, 0xff, &x) ||
		    !sst_json_int(json_object_get(v, "flag_address"), 0,
			     0xffffffffll, &fa)) {
			snprintf(err, errlen, "exception: expected "
					      "{number: 0..255, flag_address}");
			return -1;
		}
		t->has_exc = true;
		t->exc_vector = (uint8_t)x;
		t->flag_addr = (uint32_t)fa;
	}
	return 0;
}

void sst_test_free(struct sst_test *t)
{
	free(t->init_ram.e);
	free(t->fin_ram.e);
	t->init_ram = t->fin_ram = (struct sst_ramlist){ 0 };
}
