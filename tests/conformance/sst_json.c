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

static void sst_skip_ws(struct sst_file *f)
{
	while (f->pos < f->len && isspace((unsigned char)f->buf[f->pos]))
		f->pos++;
}

int sst_file_open(struct sst_file *f, const char *path, char *err,
		  size_t errlen)
{
	memset(f, 0, sizeof(*f));
	errno = 0;
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		snprintf(err, errlen, "cannot open: %s",
			 errno ? strerror(errno) : "out of memory");
		return -1;
	}
	gzbuffer(gz, 1u << 17);

	size_t cap = 1u << 20;
	f->buf = malloc(cap + 1);
	if (!f->buf) {
		gzclose(gz);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		if (cap - f->len < (1u << 16)) {
			char *nb = realloc(f->buf, cap * 2 + 1);
			if (!nb) {
				gzclose(gz);
				sst_file_close(f);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			f->buf = nb;
			cap *= 2;
		}
		size_t room = cap - f->len;
		int n = gzread(gz, f->buf + f->len,
			       (unsigned)(room > INT_MAX ? INT_MAX : room));
		if (n <= 0)
			break;
		f->len += (size_t)n;
	}
	/* A stream cut short reads as data then Z_BUF_ERROR; keep what came
	 * through so the complete tests before the cut still run. */
	int zerr = Z_OK;
	const char *msg = gzerror(gz, &zerr);
	if (zerr != Z_OK)
		snprintf(f->gz_err, sizeof(f->gz_err), "%s",
			 zerr == Z_ERRNO ? strerror(errno) : msg);
	gzclose(gz);
	f->buf[f->len] = '\0';

	sst_skip_ws(f);
	if (f->pos >= f->len) {
		if (f->gz_err[0])
			snprintf(err, errlen, "gzip: %s", f->gz_err);
		else
			snprintf(err, errlen, "empty file");
		sst_file_close(f);
		return -1;
	}
	if (f->buf[f->pos] != '[') {
		if (f->gz_err[0])
			snprintf(err, errlen, "gzip: %s", f->gz_err);
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
	free(f->buf);
	f->buf = NULL;
	f->len = f->pos = 0;
	f->done = true;
}

static unsigned sst_line_of(const struct sst_file *f, size_t off)
{
	unsigned line = 1;
	for (size_t i = 0; i < off && i < f->len; i++)
		line += f->buf[i] == '\n';
	return line;
}

static enum sst_next sst_file_fatal(struct sst_file *f, char *err,
				    size_t errlen, const char *what)
{
	f->done = true;
	f->err_test = f->next - 1;
	if (f->gz_err[0])
		snprintf(err, errlen, "input truncated (gzip: %s)", f->gz_err);
	else
		snprintf(err, errlen, "%s", what);
	return SST_NEXT_FATAL;
}

enum sst_next sst_file_next(struct sst_file *f, struct sst_test *t, char *err,
			    size_t errlen)
{
	char why[192];

	if (f->done)
		return SST_NEXT_END;
	sst_skip_ws(f);
	if (f->pos < f->len && f->buf[f->pos] == ']') {
		f->pos++;
		sst_skip_ws(f);
		f->done = true;
		f->err_test = -1;
		if (f->pos < f->len) {
			snprintf(err, errlen, "junk after the array at byte %zu",
				 f->pos);
			return SST_NEXT_FATAL;
		}
		if (f->gz_err[0]) {
			snprintf(err, errlen, "gzip: %s", f->gz_err);
			return SST_NEXT_FATAL;
		}
		return SST_NEXT_END;
	}
	long k = f->next++;
	if (k > 0) {
		if (f->pos < f->len && f->buf[f->pos] == ',') {
			f->pos++;
			sst_skip_ws(f);
		} else if (f->pos < f->len) {
			snprintf(why, sizeof(why),
				 "expected ',' or ']' at line %u, byte %zu",
				 sst_line_of(f, f->pos), f->pos);
			return sst_file_fatal(f, err, errlen, why);
		}
	}
	if (f->pos >= f->len)
		return sst_file_fatal(f, err, errlen,
				      "input ends inside the array (truncated)");

	/* One element at a time: DISABLE_EOF_CHECK stops after the object
	 * and leaves the bytes consumed in je.position. */
	json_error_t je;
	json_t *j = json_loadb(f->buf + f->pos, f->len - f->pos,
			       JSON_DISABLE_EOF_CHECK, &je);
	if (!j) {
		size_t at = f->pos + (size_t)(je.position > 0 ? je.position : 0);
		snprintf(why, sizeof(why), "JSON error at line %u, byte %zu: %s",
			 sst_line_of(f, at), at, je.text);
		return sst_file_fatal(f, err, errlen, why);
	}
	f->pos += (size_t)je.position;
	t->idx = k;
	int r = sst_test_from_json(j, t, err, errlen);
	json_decref(j);
	return r ? SST_NEXT_BAD : SST_NEXT_TEST;
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
		    !sst_json_int(json_array_get(e, 0), 0, 0xffffffffll, &addr) ||
		    !sst_json_int(json_array_get(e, 1), 0, 0xff, &val)) {
			snprintf(err, errlen,
				 "%s.ram[%zu]: expected [address, byte]", what, i);
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
			snprintf(err, errlen, "%s: expected an integer >= 0", k);
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
			snprintf(err, errlen,
				 "exception: expected {number: 0..255, flag_address}");
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
